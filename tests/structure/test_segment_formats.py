"""Clause trees of the same agreement as DOCX, PDF and TXT: golden outlines, equal top levels,
real agreements' section numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import verify_golden

from analyzer.core.headings import looks_like_table_row
from analyzer.ingest import parse
from analyzer.structure.segment import segment

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
GROUNDTRUTH = Path(__file__).resolve().parents[1] / "data" / "segment" / "groundtruth"
SAME_AGREEMENT = ["tech_license", "jv_agreement", "rd_collaboration", "mutual_nda"]
SAMPLE_FILES = [f"{n}.{ext}" for n in SAME_AGREEMENT for ext in ("docx", "pdf", "txt")] + \
    ["long_license.docx", "long_license.pdf"]

_CACHE: dict[str, tuple] = {}


def _tree(path: Path):
    key = str(path)
    if key not in _CACHE:
        doc = parse(path)
        _CACHE[key] = (doc, segment(doc))
    return _CACHE[key]


def _outline(clauses) -> str:
    by_id = {c.id: c for c in clauses}
    lines = []
    for c in clauses:
        p = by_id.get(c.parent_id) if c.parent_id else None
        parent = (p.number or p.heading or p.kind) if p is not None else "-"
        lines.append(f"{'  ' * c.level}{c.kind} | {c.number} | {c.heading} | level={c.level} | parent={parent}")
    return "\n".join(lines) + "\n"


def _top(clauses) -> list[tuple]:
    return [(c.kind, c.number, c.heading) for c in clauses if c.level == 0]


def _get(clauses, number, kind=None):
    hits = [c for c in clauses if c.number == number and (kind is None or c.kind == kind)]
    assert hits, f"no clause numbered {number}"
    return hits[0]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_segment_formats_golden_outline(name):
    doc, clauses = _tree(SAMPLES / name)
    verify_golden(GROUNDTRUTH / f"{name}.outline.txt", _outline(clauses))


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_segment_formats_spans_nest(name):
    doc, clauses = _tree(SAMPLES / name)
    by_id = {c.id: c for c in clauses}
    assert len(by_id) == len(clauses)
    for c in clauses:
        assert 0 <= c.start < c.end <= len(doc.text)
        if c.parent_id:
            p = by_id[c.parent_id]
            assert p.start <= c.start and c.end <= p.end and c.level == p.level + 1


@pytest.mark.parametrize("name", SAME_AGREEMENT)
def test_segment_formats_same_top_level(name):
    tops = {ext: _top(_tree(SAMPLES / f"{name}.{ext}")[1]) for ext in ("docx", "pdf", "txt")}
    assert tops["docx"] == tops["txt"]
    assert tops["pdf"] == tops["txt"]
    numbered = [t for t in tops["txt"] if t[1]]
    assert len(numbered) >= 8 and all(h for _, _, h in numbered)


@pytest.mark.parametrize("name", SAME_AGREEMENT)
def test_segment_formats_same_sections(name):
    """Every numbered clause of the body (1, 1.1, (a) ...) has the same number, heading and parent."""
    def numbered(clauses):
        by_id = {c.id: c for c in clauses}
        first_special = min((c.start for c in clauses if c.kind in ("signature", "schedule")), default=None)
        return [(c.number, c.heading, by_id[c.parent_id].number if c.parent_id else None)
                for c in clauses if c.number and (first_special is None or c.start < first_special)]
    got = {ext: numbered(_tree(SAMPLES / f"{name}.{ext}")[1]) for ext in ("docx", "pdf", "txt")}
    assert got["docx"] == got["txt"] == got["pdf"]


@pytest.mark.parametrize("ext", ["docx", "pdf", "txt"])
def test_segment_formats_tech_license_tree(ext):
    doc, clauses = _tree(SAMPLES / f"tech_license.{ext}")
    by_id = {c.id: c for c in clauses}
    parent = lambda c: by_id[c.parent_id] if c.parent_id else None  # noqa: E731
    assert [c.kind for c in clauses[:2]] == ["preamble", "recitals"]
    assert [c.number for c in clauses if parent(c) is clauses[1]] == ["(A)", "(B)", "(C)"]
    one = _get(clauses, "1")
    assert (one.kind, one.heading, one.level) == ("definitions", "DEFINITIONS AND INTERPRETATION", 0)
    terms = [c for c in clauses if c.kind == "definition"]
    assert [t.heading for t in terms][:3] == ["Affiliate", "Confidential Information", "Contract Year"]
    assert len(terms) == 12 and all(parent(t).number == "1.1" for t in terms)
    assert parent(_get(clauses, "1.2")).number == "1"
    two = _get(clauses, "2")
    assert (two.kind, two.heading) == ("article", "LICENCE GRANT")
    assert [(c.number, c.heading) for c in clauses if parent(c) is two][:2] == [("2.1", "Grant"),
                                                                              ("2.2", "Sublicensing")]
    assert [c.number for c in clauses if c.level == 0 and c.kind == "article"][-1] == "12"
    sig = next(c for c in clauses if c.kind == "signature")
    schedules = [c for c in clauses if c.kind == "schedule"]
    assert [s.number for s in schedules] == ["Schedule 1", "Schedule 2"]
    assert all(s.level == 0 and s.start >= sig.end for s in schedules)


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_segment_formats_table_rows_are_not_clauses(name):
    doc, clauses = _tree(SAMPLES / name)
    tables = [(b.start, b.end) for b in doc.blocks if b.kind == "table"]
    for c in clauses:
        assert not (c.heading and looks_like_table_row(c.heading)), c
        assert not any(s <= c.start < e for s, e in tables), c


# ----------------------------------------------------------------------------- real agreements

_SOFTWARE_LICENCE = ["Software", "Restrictions & Obligations", "Payment & Taxes", "Term & Termination",
                     "Representations & Warranties", "Disclaimer of Warranties", "Limitation of Liability",
                     "Indemnification", "Confidentiality", "General Terms", "Definitions"]


@pytest.mark.parametrize("name,headings", [
    ("common-paper-software-license-agreement_template.docx", _SOFTWARE_LICENCE),
    ("common-paper-one-way-nda_template.docx",
     ["Introduction", "Use and Protection of Confidential Information", "Exceptions",
      "Disclosures Required by Law", "Term and Termination", "Return or Destruction of Confidential Information",
      "Proprietary Rights", "Disclaimer", "Governing Law and Jurisdiction", "Equitable Relief", "General"]),
    ("Bonterms-Mutual-NDA-Version-1.pdf",
     ["Introduction", "Confidential Information", "Use and Protection of Confidential Information",
      "Exceptions", "Permitted Disclosures", "Term and Termination",
      "Return or Destruction of Confidential Information", "Proprietary Rights", "Disclaimer",
      "Governing Law and Courts", "Equitable Relief", "General"]),
])
def test_segment_formats_real_agreement_sections(real_agreements, name, headings):
    path = real_agreements / name
    if not path.exists():
        pytest.skip(f"{name} is absent")
    _, clauses = _tree(path)
    top = [(c.number, c.heading) for c in clauses if c.level == 0 and c.number]
    assert top == [(str(i), h) for i, h in enumerate(headings, 1)]


def test_segment_formats_real_software_licence_subsections(real_agreements):
    path = real_agreements / "common-paper-software-license-agreement_template.docx"
    if not path.exists():
        pytest.skip("software licence is absent")
    _, clauses = _tree(path)
    by_id = {c.id: c for c in clauses}
    c = _get(clauses, "4.6")
    assert (c.heading, by_id[c.parent_id].number) == ("Survival", "4")
    assert [x.number for x in clauses if x.parent_id == c.id] == ["(a)", "(b)"]
    terms = [x for x in clauses if x.kind == "definition"]
    assert len(terms) >= 30 and terms[0].heading == "Affiliate"


def test_segment_formats_real_bonterms_cloud_terms(real_agreements):
    path = real_agreements / "Bonterms-Cloud-Terms-Version-1.0.pdf"
    if not path.exists():
        pytest.skip("Bonterms Cloud Terms are absent")
    _, clauses = _tree(path)
    top = [c.number for c in clauses if c.level == 0 and c.number]
    assert top == [str(i) for i in range(1, 24)]
    assert _get(clauses, "23").kind == "definitions"
    by_id = {c.id: c for c in clauses}
    assert by_id[_get(clauses, "14.4").parent_id].number == "14"


def test_segment_formats_real_employee_ip_docx_equals_pdf(real_agreements):
    paths = [real_agreements / f"Balanced_Employee_IP_Agreement.{ext}" for ext in ("docx", "pdf")]
    if not all(p.exists() for p in paths):
        pytest.skip("Balanced Employee IP Agreement is absent")
    tops = []
    for p in paths:
        _, clauses = _tree(p)
        tops.append([(c.kind, c.number) for c in clauses if c.level == 0])
        assert _get(clauses, "1").heading == "What the Company owns"
        assert _get(clauses, "8").heading == "Confidentiality"
    assert tops[0] == tops[1]
    assert [n for _, n in tops[0] if n] == [str(i) for i in range(1, 9)] + ["Exhibit A"]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_segment_formats_cross_references_resolve(name):
    """Every "clause 6.1" / "Schedule 2" in the samples resolves to a clause of that number."""
    from analyzer.nlp.xrefs import clause_index, find_cross_references, resolve

    doc, clauses = _tree(SAMPLES / name)
    by_id = {c.id: c for c in clauses}
    index = clause_index(clauses)
    hits = find_cross_references(doc.text)
    assert hits
    for h in hits:
        target = resolve(h.value, index)
        assert target is not None, (name, doc.text[h.start:h.end])
        ref = h.value.partition(":")[2].lower()
        assert by_id[target].number.split()[-1].lower() in ref, (name, h.value, by_id[target].number)
