"""Redline writer: real tracked changes and comments, nothing lost.

Reports are built by hand (findings with real offsets into the parsed text),
so these tests do not depend on the classifier or the segmenter.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import docx
import pytest
from lxml import etree

from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import Clause, DocumentInfo, Finding, Report, Span, Suggestion
from analyzer.ingest import parse
from analyzer.redline.writer import AUTHOR, redline_bytes, write_redline

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
PRIOR = "Counterparty Counsel"


# --------------------------------------------------------------------------- helpers

def make_report(path) -> Report:
    doc = parse(path)
    return Report(document=DocumentInfo(source=doc.source, format=doc.format, sha256=doc.sha256, chars=len(doc.text)),
                  text=doc.text, blocks=doc.blocks)


def finding(fid, action, *, start=None, end=None, text="", after=None, severity="high") -> Finding:
    return Finding(id=fid, rule_id=f"rule.{fid}", category="termination_for_cause", kind="deviation",
                   severity=severity, message=f"message {fid}", rationale=f"rationale {fid}",
                   evidence=[Span(start=start, end=end)] if start is not None else [],
                   suggestion=Suggestion(action=action, text=text, start=start, end=end, after_clause_id=after))


def span_of(text: str, needle: str) -> tuple[int, int]:
    i = text.index(needle)
    return i, i + len(needle)


def clause_line(report: Report, pattern: str, cid: str) -> Clause:
    """A hand-made clause covering the line that matches ``pattern``."""
    m = re.search(pattern, report.text)
    end = report.text.find("\n", m.start())
    clause = Clause(id=cid, number=m.group(1), start=m.start(), end=end if end >= 0 else len(report.text))
    report.clauses.append(clause)
    return clause


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def replace_part(data: bytes, name: str, root: etree._Element) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            payload = etree.tostring(root, xml_declaration=True, encoding="UTF-8") if info.filename == name \
                else src.read(info.filename)
            zf.writestr(info, payload)
    return out.getvalue()


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    i = parent.index(el)
    for child in list(el):
        parent.insert(i, child)
        i += 1
    parent.remove(el)


def reject_ours(data: bytes) -> bytes:
    """Reject every change by Clause Analyzer, as Word's "Reject All" for one author."""
    root = part(data, "word/document.xml")
    for mark in [m for m in root.iter(W + "ins") if m.get(W + "author") == AUTHOR and m.getparent().tag == W + "trPr"]:
        row = mark.getparent().getparent()  # an inserted table row goes as a whole
        row.getparent().remove(row)
    for mark in [m for m in root.iter(W + "ins") if m.get(W + "author") == AUTHOR and m.getparent().tag == W + "rPr"]:
        p = mark.getparent().getparent().getparent()  # rPr -> pPr -> p: an inserted paragraph mark
        mark.getparent().remove(mark)
        nxt = p.getnext()
        content = [c for c in p if c.tag != W + "pPr"]
        if nxt is not None and nxt.tag == W + "p":  # the paragraph runs on into the next one
            ppr = nxt.find(W + "pPr")
            at = 1 if ppr is not None else 0
            for c in reversed(content):
                nxt.insert(at, c)
        p.getparent().remove(p)
    for ins in [e for e in root.iter(W + "ins") if e.get(W + "author") == AUTHOR]:
        ins.getparent().remove(ins)
    for d in [e for e in root.iter(W + "del") if e.get(W + "author") == AUTHOR]:
        for t in d.iter(W + "delText"):
            t.tag = W + "t"
        _unwrap(d)
    return replace_part(data, "word/document.xml", root)


def accept_ours(data: bytes) -> bytes:
    """Accept every change by Clause Analyzer."""
    root = part(data, "word/document.xml")
    for mark in [m for m in root.iter(W + "ins") if m.get(W + "author") == AUTHOR and m.getparent().tag == W + "rPr"]:
        mark.getparent().remove(mark)
    for d in [e for e in root.iter(W + "del") if e.get(W + "author") == AUTHOR]:
        d.getparent().remove(d)
    for ins in [e for e in root.iter(W + "ins") if e.get(W + "author") == AUTHOR]:
        _unwrap(ins)
    return replace_part(data, "word/document.xml", root)


def full_text(data: bytes) -> str:
    """Every character in the body, inserted and deleted alike, in document order."""
    out = []
    for el in part(data, "word/document.xml").iter(W + "t", W + "delText", W + "tab", W + "p"):
        out.append("\n" if el.tag == W + "p" else "\t" if el.tag == W + "tab" else el.text or "")
    return "".join(out).replace("\n", "")


def revisions(data: bytes, author: str) -> list[tuple[str, str, str]]:
    root = part(data, "word/document.xml")
    return [(etree.QName(e).localname, e.get(W + "id"), e.get(W + "date"))
            for e in root.iter(W + "ins", W + "del") if e.get(W + "author") == author]


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def licence_redline(samples_dir):
    path = samples_dir / "tech_license.docx"
    report = make_report(path)
    text = report.text
    cure = span_of(text, "ten (10)")                         # inside the prior tracked insertion
    grant = span_of(text, "an exclusive, worldwide, perpetual")
    field_s, field_e = span_of(text, " and such other applications as the Parties may agree from time to time")
    bold = span_of(text, "Termination for breach")           # a bold run-in heading
    c82 = clause_line(report, r"(8\.2)\tTermination", "c82")
    report.findings = [
        finding("cure", "replace", start=cure[0], end=cure[1], text="thirty (30)"),
        finding("grant", "replace", start=grant[0], end=grant[1], text="a non-exclusive, worldwide, perpetual"),
        finding("field", "delete", start=field_s, end=field_e, severity="medium"),
        finding("bold", "replace", start=bold[0], end=bold[1], text="Termination for cause", severity="low"),
        finding("after", "insert", text="The notice must describe the breach in reasonable detail.", after=c82.id),
        finding("export", "insert", text="Each Party shall comply with all applicable export control laws.\n"
                                         "Neither Party shall export the Licensed Technology without a licence."),
    ]
    data, count = redline_bytes(path, report, date="2026-01-02T03:04:05Z")
    return path, report, data, count


# --------------------------------------------------------------------------- DOCX input

def test_redline_docx_opens_with_python_docx_and_has_comments(licence_redline):
    _, report, data, count = licence_redline
    assert count == len(report.findings) == 6
    d = docx.Document(io.BytesIO(data))
    ours = [c for c in d.comments if c.author == AUTHOR]
    assert len(ours) == 6
    texts = "\n".join(c.text for c in ours)
    assert "HIGH (deviation, termination_for_cause): message cure" in texts
    assert "rationale grant" in texts and "Rule: rule.export" in texts


def test_redline_docx_changes_are_real_tracked_changes(licence_redline):
    _, _, data, _ = licence_redline
    ours = revisions(data, AUTHOR)
    kinds = [k for k, _, _ in ours]
    assert kinds.count("del") >= 4 and kinds.count("ins") >= 4
    assert all(date == "2026-01-02T03:04:05Z" for _, _, date in ours)
    root = part(data, "word/document.xml")
    deleted = "".join(t.text for d in root.iter(W + "del") if d.get(W + "author") == AUTHOR for t in d.iter(W + "delText"))
    assert "ten (10)" in deleted and "exclusive, worldwide" in deleted
    settings = part(data, "word/settings.xml")
    assert settings.find(W + "trackRevisions") is not None


def test_redline_docx_prior_changes_and_comments_preserved(samples_dir, licence_redline):
    path, _, data, _ = licence_redline
    original = path.read_bytes()
    assert revisions(data, PRIOR)[:2] == revisions(original, PRIOR)[:2]
    before = {c.get(W + "id"): c.get(W + "author") for c in part(original, "word/comments.xml")}
    after = {c.get(W + "id"): c.get(W + "author") for c in part(data, "word/comments.xml")}
    assert all(after[k] == v for k, v in before.items())
    prior_max = max(int(e.get(W + "id")) for e in part(original, "word/document.xml").iter()
                    if e.get(W + "id") is not None)
    new_ids = [int(i) for _, i, _ in revisions(data, AUTHOR)]
    assert min(new_ids) > prior_max and len(set(new_ids)) == len(new_ids)


def test_redline_docx_reject_all_restores_original(licence_redline):
    path, report, data, _ = licence_redline
    original = path.read_bytes()
    rejected = reject_ours(data)
    assert parse(rejected).text == report.text
    assert full_text(rejected) == full_text(original)  # deleted text of earlier revisions included
    assert revisions(rejected, PRIOR) == revisions(original, PRIOR)


def test_redline_docx_accept_all_applies_suggestions(licence_redline):
    _, report, data, _ = licence_redline
    text = report.text
    expected = text
    edits = sorted(((f.suggestion.start, f.suggestion.end, f.suggestion.text) for f in report.findings
                    if f.suggestion.action != "insert"), reverse=True)
    for s, e, new in edits:
        expected = expected[:s] + new + expected[e:]
    c82_end = expected.index("\n", expected.index("8.2\tTermination for cause"))
    expected = expected[:c82_end] + "\nThe notice must describe the breach in reasonable detail." + expected[c82_end:]
    sig = expected.index("SIGNATURES\nIN WITNESS WHEREOF")
    expected = (expected[:sig] + "Each Party shall comply with all applicable export control laws.\n"
                "Neither Party shall export the Licensed Technology without a licence.\n" + expected[sig:])
    assert parse(accept_ours(data)).text == expected


def test_redline_docx_split_runs_keep_run_properties(licence_redline):
    _, _, data, _ = licence_redline
    root = part(data, "word/document.xml")
    for d in root.iter(W + "del"):
        if d.get(W + "author") == AUTHOR and "".join(t.text for t in d.iter(W + "delText")) == "Termination for breach":
            assert d.find(f"{W}r/{W}rPr/{W}b") is not None
            ins = d.getnext()
            assert ins.tag == W + "ins" and ins.find(f"{W}r/{W}rPr/{W}b") is not None
            break
    else:
        pytest.fail("the bold heading was not deleted")


@pytest.mark.parametrize("name", ["tech_license.docx", "jv_agreement.docx", "rd_collaboration.docx",
                                  "mutual_nda.docx", "long_license.docx"])
def test_redline_random_spans_reject_and_accept(samples_dir, name):
    path = samples_dir / name
    report = make_report(path)
    text = report.text
    rng = random.Random(name)
    lines = [m for m in re.finditer(r"[^\n]+", text) if len(m.group(0)) > 30]
    chosen = sorted(rng.sample(lines, 12), key=lambda m: m.start())
    spans = []
    for m in chosen:  # a span inside each line, after any list label
        lo = m.start() + (m.group(0).index("\t") + 1 if "\t" in m.group(0)[:6] else 0)
        s = rng.randrange(lo, m.end() - 5)
        e = rng.randrange(s + 1, min(m.end(), s + 40))
        if " | " in text[s:e + 2]:  # table cell separators are drawn by Word, not stored: stay in one cell
            e = s + 1 if text[s:s + 3] == " | " else text.index(" | ", s)
            s = s + 3 if e == s + 1 else s
            e = max(e, s + 1)
        spans.append((s, e))
    report.findings = [finding(f"r{i}", "delete" if i % 2 else "replace", start=s, end=e,
                               text="" if i % 2 else f"<new {i}>") for i, (s, e) in enumerate(spans)]
    data, count = redline_bytes(path, report)
    assert count == len(spans)
    assert parse(reject_ours(data)).text == text
    assert full_text(reject_ours(data)) == full_text(path.read_bytes())
    expected = text
    for i, (s, e) in reversed(list(enumerate(spans))):
        expected = expected[:s] + ("" if i % 2 else f"<new {i}>") + expected[e:]
    assert parse(accept_ours(data)).text == expected


@pytest.mark.parametrize("accepted,texts,expected", [
    ({"a"}, None, ["thirty (30)"]),
    (None, {"b": "edited text"}, ["thirty (30)", "edited text"]),
    (set(), None, []),
])
def test_redline_accepted_and_edited_texts(samples_dir, accepted, texts, expected):
    path = samples_dir / "tech_license.docx"
    report = make_report(path)
    a, b = span_of(report.text, "ten (10)"), span_of(report.text, "two (2) years")
    report.findings = [finding("a", "replace", start=a[0], end=a[1], text="thirty (30)"),
                       finding("b", "replace", start=b[0], end=b[1], text="five (5) years")]
    data, count = redline_bytes(path, report, accepted=accepted, texts=texts)
    assert count == len(expected)
    inserted = ["".join(t.text for t in i.iter(W + "t")) for i in part(data, "word/document.xml").iter(W + "ins")
                if i.get(W + "author") == AUTHOR]
    assert sorted(inserted) == sorted(expected)


@pytest.mark.parametrize("name", ["tech_license.docx"])
def test_redline_overlapping_changes_first_wins(samples_dir, name):
    report = make_report(samples_dir / name)
    s, e = span_of(report.text, "an exclusive, worldwide, perpetual")
    report.findings = [finding("x", "delete", start=s, end=e), finding("y", "replace", start=s + 3, end=e + 5, text="z")]
    _, count = redline_bytes(samples_dir / name, report)
    assert count == 1


@pytest.mark.parametrize("name", ["tech_license.docx"])
def test_redline_write_is_atomic(samples_dir, tmp_path, name):
    report = make_report(samples_dir / name)
    s, e = span_of(report.text, "ten (10)")
    report.findings = [finding("a", "replace", start=s, end=e, text="thirty (30)")]
    out = tmp_path / "out" / "redline.docx"
    assert write_redline(samples_dir / name, report, out) == 1
    assert [p.name for p in out.parent.iterdir()] == ["redline.docx"]
    docx.Document(str(out))


@pytest.mark.parametrize("name,other", [("tech_license.docx", "jv_agreement.docx")])
def test_redline_report_from_another_file_raises(samples_dir, name, other):
    report = make_report(samples_dir / other)
    with pytest.raises(AnalyzerError, match="does not match"):
        redline_bytes(samples_dir / name, report)


# --------------------------------------------------------------------------- PDF / TXT input

@pytest.mark.parametrize("name", ["tech_license.txt", "tech_license.pdf", "mutual_nda.txt", "jv_agreement.pdf"])
def test_redline_txt_pdf_builds_docx_with_changes(samples_dir, name):
    path = samples_dir / name
    report = make_report(path)
    text = report.text
    baseline, zero = redline_bytes(path, report)
    assert zero == 0
    clean = parse(baseline).text
    assert clean == "\n".join(line for line in text.split("\n") if line.strip())
    m = re.search(r"(?m)^(\d+\.\d+)\s+(\S[^\n]{40,})$", text)
    s = m.start(2) + 5
    e = s + 12
    c = clause_line(report, r"(?m)^(\d+\.\d+)\s+\S", "c1")
    report.findings = [finding("r", "replace", start=s, end=e, text="REPLACED"),
                       finding("i", "insert", text="A new clause.", after=c.id),
                       finding("t", "insert", text="Tail clause before the signatures.")]
    data, count = redline_bytes(path, report)
    assert count == 3
    d = docx.Document(io.BytesIO(data))
    assert len([c for c in d.comments if c.author == AUTHOR]) == 3
    assert parse(reject_ours(data)).text == clean
    accepted = parse(accept_ours(data)).text
    assert text[m.start(2):s] + "REPLACED" + text[e:e + 10] in accepted
    assert "A new clause." in accepted and "Tail clause before the signatures." in accepted
    assert accepted.index("Tail clause") < accepted.index("IN WITNESS WHEREOF") if "IN WITNESS WHEREOF" in accepted \
        else True


def test_redline_real_agreement_with_prior_revisions(real_agreements):
    path = real_agreements / "NDA-Redline.docx"
    if not path.exists():
        pytest.skip("NDA-Redline.docx is absent")
    report = make_report(path)
    words = [m for m in re.finditer(r"[A-Za-z]{6,}", report.text)][::25][:10]
    report.findings = [finding(f"w{i}", "replace", start=m.start(), end=m.end(), text=m.group(0).upper())
                       for i, m in enumerate(words)]
    data, count = redline_bytes(path, report)
    assert count == len(words)
    original = path.read_bytes()
    assert parse(reject_ours(data)).text == report.text
    assert full_text(reject_ours(data)) == full_text(original)
    prior = {a for a in (e.get(W + "author") for e in part(original, "word/document.xml").iter(W + "ins", W + "del")) if a}
    kept = {a for a in (e.get(W + "author") for e in part(data, "word/document.xml").iter(W + "ins", W + "del")) if a}
    assert prior <= kept


@pytest.mark.parametrize("content", [
    "AGREEMENT\r\n\r\n1.1 The Licensee shall pay\tthe fees.\r\n\f1.2 Second clause text here.\r\n",
    "TITLE\n\n   Indented line with a \x0b control char.\n\nIN WITNESS WHEREOF the parties sign.\n",
])
def test_redline_txt_control_characters(tmp_path, content):
    path = tmp_path / "in.txt"
    path.write_bytes(content.encode("utf-8"))
    report = make_report(path)
    s = report.text.index("e ", 10) + 2
    report.findings = [finding("d", "delete", start=s, end=s + 4), finding("i", "insert", text="Added clause.")]
    data, count = redline_bytes(path, report)
    assert count == 2
    clean = parse(redline_bytes(path, make_report(path))[0]).text
    assert parse(reject_ours(data)).text == clean
    assert "Added clause." in parse(accept_ours(data)).text
