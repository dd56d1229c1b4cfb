"""Suggested language in the contract's languages: a bilingual table gets each inserted clause as a
new tracked row, English in the English column and Chinese in the Chinese one; a Chinese contract
gets Chinese text."""

from __future__ import annotations

import pytest
from lxml import etree
from support import SAMPLES
from test_redline import AUTHOR, accept_ours, part, reject_ours

from analyzer.ingest import parse
from analyzer.ooxml.text_map import W
from analyzer.pipeline import analyze
from analyzer.redline.plan import plan_changes
from analyzer.redline.writer import redline_bytes

pytestmark = pytest.mark.slow  # real analysis of the samples


def _cells(row: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(W + "t")) for tc in row.iterchildren(W + "tc")]


def test_bilingual_table_insert_is_one_tracked_row_in_both_languages():
    path = SAMPLES / "bilingual_license.docx"
    report = analyze(path)
    data, _ = redline_bytes(path, report)
    rows = [r for r in part(data, "word/document.xml").iter(W + "tr")
            if any(m.get(W + "author") == AUTHOR for m in r.iterfind(f"{W}trPr/{W}ins"))]
    cells = [_cells(r) for r in rows]
    assert any(en.startswith("Export control.") and zh.startswith("出口管制。") for en, zh in cells)
    assert any(en.startswith("Language.") and zh.startswith("语言。") for en, zh in cells)
    assert all(en and zh for en, zh in cells)
    assert parse(reject_ours(data)).text == parse(path).text
    accepted = parse(accept_ours(data)).text
    assert "Export control. Each party" in accepted and "出口管制。各方应遵守" in accepted


def test_bilingual_insert_without_a_counterpart_gets_both_languages_in_one_place():
    report = analyze(SAMPLES / "bilingual_license.docx")
    f = next(f for f in report.findings if f.suggestion and f.suggestion.action == "insert" and f.suggestion.text_zh)
    report.findings = [f.model_copy(update={"suggestion": f.suggestion.model_copy(update={"after_clause_id": None})})]
    (change,) = plan_changes(report).changes
    assert change.text == f"{f.suggestion.text}\n{f.suggestion.text_zh}" and change.counterpart_id is None


def test_chinese_contract_redline_is_in_chinese():
    path = SAMPLES / "zh_jv_contract.docx"
    report = analyze(path)
    data, count = redline_bytes(path, report)
    inserted = ["".join(t.text or "" for t in ins.iter(W + "t"))
                for ins in part(data, "word/document.xml").iter(W + "ins") if ins.get(W + "author") == AUTHOR]
    inserted = [t for t in inserted if t.strip()]
    assert count and inserted
    assert all(not any(w in t for w in ("shall", "Each party", "Neither")) for t in inserted)
    assert any(t.startswith("僵局。") for t in inserted)


def test_user_edited_text_is_used_as_it_is():
    report = analyze(SAMPLES / "zh_jv_contract.docx")
    f = next(f for f in report.findings if f.suggestion and f.suggestion.text_zh)
    plan = plan_changes(report, accepted={f.id}, texts={f.id: "Edited text."})
    assert plan.changes[0].text == "Edited text."
