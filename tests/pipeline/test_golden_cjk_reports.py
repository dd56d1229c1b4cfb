"""Golden reports of the Chinese and bilingual samples: the bilingual licence (DOCX with a two-column
table, and the same as PDF) and the Chinese-only joint venture contract (DOCX).

The digest adds to the English samples' digest what a bilingual review shows: each clause's
language, the pairs, the clauses in one version only, and every finding's Chinese message. The
PDF is read with the pdfplumber engine, which reads a bilingual table cell by cell. Regenerate with
ANALYZER_GEN_TEST_DATA=1 after a deliberate change.
"""

from __future__ import annotations

import json

import pytest
from support import DATA, SAMPLES, verify_golden

from analyzer.core.schema import Report
from analyzer.output.render import to_json
from analyzer.pipeline import analyze

pytestmark = pytest.mark.slow  # the golden reports record the real model's output

FILES = ["bilingual_license.docx", "bilingual_license.pdf", "zh_jv_contract.docx"]
GROUND = DATA / "reports" / "groundtruth"


def _digest(report: Report) -> str:
    by_id = {c.id: c for c in report.clauses}

    def where(cid):
        c = by_id.get(cid)
        return None if c is None else f"{c.language}:{c.kind}:{c.number or ''}:{c.heading or ''}"

    at = report.agreement_type
    lines = [f"status: {report.status.value}", f"language: {report.document.language}",
             f"agreement_type: {at.label if at else None}", f"playbook: {report.playbook} / {report.perspective}",
             "parties: " + "; ".join(f"{p.name} ({p.role})" for p in report.parties),
             f"clauses: {len(report.clauses)} (" + ", ".join(
                 f"{lang} {sum(1 for c in report.clauses if c.language == lang)}" for lang in ("en", "zh", "mixed")) + ")"]
    bi = report.bilingual
    if bi is not None:
        lines.append(f"bilingual: {bi.layout}, {len(bi.pairs)} pairs "
                     f"({sum(1 for p in bi.pairs if p.by == 'number')} by number), "
                     f"only English: {[by_id[i].number for i in bi.only_en]}, only Chinese: {[by_id[i].number for i in bi.only_zh]}")
    lines.append("findings:")
    for f in report.findings:
        s = f.suggestion
        ev = " | ".join(" ".join(report.text[e.start:e.end].split())[:60] for e in f.evidence)
        lines.append(f"  - [{f.severity}] {f.kind} {f.category} ({f.rule_id})")
        lines.append(f"    evidence: {ev or '-'}")
        lines.append(f"    zh: {(f.message_zh or '-')[:80]}")
        if s:
            lines.append(f"    suggestion: {s.action} after={where(s.after_clause_id)} text={s.text[:40]!r} "
                         f"text_zh={(s.text_zh or '')[:30]!r}")
    lines.append("labels (flagged) by clause:")
    per_clause: dict[str, set[str]] = {}
    for lab in report.labels:
        if lab.flagged:
            per_clause.setdefault(where(lab.clause_id) or "-", set()).add(lab.category)
    for k in sorted(per_clause):
        lines.append(f"  {k}: {', '.join(sorted(per_clause[k]))}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module", params=FILES)
def cjk_report(request):
    mp = pytest.MonkeyPatch()
    mp.setenv("ANALYZER_PDF_ENGINE", "pdfplumber")
    try:
        yield request.param, analyze(SAMPLES / request.param)
    finally:
        mp.undo()


def test_golden_cjk_reports_match(cjk_report):
    name, report = cjk_report
    verify_golden(GROUND / f"{name}.txt", _digest(report))


def test_golden_cjk_reports_spans_and_round_trip(cjk_report):
    _, report = cjk_report
    n = len(report.text)
    spans = [(c.start, c.end) for c in report.clauses] + [(x.start, x.end) for x in report.labels]
    spans += [(e.start, e.end) for f in report.findings for e in f.evidence]
    assert all(0 <= s <= e <= n for s, e in spans)
    assert Report.model_validate(json.loads(to_json(report))) == report


def test_golden_cjk_reports_bilingual_grant_in_the_prc_has_a_territory(cjk_report):
    name, report = cjk_report
    if not name.startswith("bilingual"):
        pytest.skip("bilingual sample only")
    assert not any(f.category == "license_grant" and "territory" in f.message for f in report.findings)
    assert report.bilingual is not None and report.document.language == "mixed"
    kinds = {(f.kind, f.category) for f in report.findings}
    assert ("risk", "language_version") in kinds  # equally authentic, no tie-breaker
    cited = [f for f in report.findings if f.rule_id == "common.termination-for-cause"]
    quoted = [report.text[e.start:e.end] for e in cited[0].evidence] if cited else []
    assert any("material breach" in q for q in quoted) and any("严重违约" in q for q in quoted)  # both versions cited


def test_golden_cjk_reports_chinese_jv_is_reviewed_as_a_jv(cjk_report):
    name, report = cjk_report
    if not name.startswith("zh_"):
        pytest.skip("Chinese sample only")
    assert report.agreement_type.label == "jv" and report.playbook == "joint-venture"
    kinds = {(f.kind, f.category) for f in report.findings}
    assert ("missing", "deadlock") in kinds and ("risk", "limitation_of_liability") in kinds
    assert ("missing", "confidentiality") not in kinds and ("missing", "governing_law") not in kinds
    assert all(f.message_zh for f in report.findings)
