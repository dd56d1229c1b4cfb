"""The language-version check of bilingual contracts, clauses in one version only, both versions
cited, Chinese attributes, and the territory of a grant "in the People's Republic of China"."""

from __future__ import annotations

import pytest

from analyzer.core.schema import (
    Bilingual,
    Clause,
    ClausePair,
    DocumentInfo,
    Finding,
    Format,
    Report,
    Sentence,
    Span,
)
from analyzer.review.attribute_rules import read_attributes
from analyzer.review.attributes import Context
from analyzer.review.language_version import (
    bilingual_findings,
    cite_both,
    language_clause,
)


def _report(sentences: list[str], bilingual=True, clauses=(), pairs=(), only_en=()):
    text, sents = "", []
    for s in sentences:
        sents.append(Sentence(start=len(text), end=len(text) + len(s)))
        text += s + "\n"
    return Report(document=DocumentInfo(source="t.docx", format=Format.DOCX, sha256="0" * 64, chars=len(text)),
                  text=text, sentences=sents, clauses=list(clauses),
                  bilingual=Bilingual(layout="table", pairs=list(pairs), only_en=list(only_en)) if bilingual else None)


@pytest.mark.parametrize("sentences,prevails,equal", [
    (["This Agreement is made in English and Chinese. Both language versions are equally authentic."], None, True),
    (["This Agreement is made in English and Chinese.", "In case of discrepancy the English version shall prevail."], "en", False),
    (["本协议以中文和英文写成，两种文本具有同等效力，如有不一致，以中文文本为准。"], "zh", True),
    (["本合同以中文书写，一式四份，具有同等法律效力。"], None, True),
])
def test_language_version_clause_is_read_in_either_language(sentences, prevails, equal):
    lc = language_clause(_report(sentences))
    assert lc is not None and lc.prevails == prevails and lc.equal is equal


@pytest.mark.parametrize("sentences,kind", [
    (["The Licensee shall pay the royalties."], "missing"),
    (["This Agreement is made in English and Chinese. Both language versions are equally authentic."], "risk"),
    (["本协议以中文和英文写成，两种文本具有同等效力。如有不一致，以英文文本为准。"], None),
])
def test_language_version_findings_of_a_bilingual_contract(sentences, kind):
    found = [f for f in bilingual_findings(_report(sentences)) if f.category == "language_version"]
    assert [f.kind for f in found] == ([kind] if kind else [])
    for f in found:
        assert f.message_zh and f.rationale_zh and "\n" not in f.message
        if f.suggestion:
            assert f.suggestion.text_zh.startswith("语言。")


def test_language_version_not_checked_in_one_language():
    assert bilingual_findings(_report(["The Licensee shall pay the royalties."], bilingual=False)) == []


def test_language_version_one_sided_clause_and_numbering():
    clauses = [Clause(id="a", number="10.3", start=0, end=10, language="en"),
               Clause(id="b", number="3", start=11, end=20, language="en"),
               Clause(id="c", number="第五条", start=21, end=30, language="zh")]
    r = _report(["Counterparts.", "Clause 3 text", "第五条 其他"], clauses=clauses,
                pairs=[ClausePair(en_id="b", zh_id="c", by="position", numbers_differ=True)], only_en=["a"])
    msgs = [f.message for f in bilingual_findings(r) if f.kind == "risk"]
    assert "Clause 10.3 exists only in the English version; the other version has no counterpart." in msgs
    assert "Numbering differs between the versions: English 3 matches Chinese 第五条." in msgs


def test_language_version_findings_cite_both_versions():
    text = "2.1 The Licensor grants a licence in China.\n2.1 许可方授予被许可方在中国境内的许可。\n"
    clauses = [Clause(id="en", number="2.1", start=0, end=43, language="en", counterpart_id="zh"),
               Clause(id="zh", number="2.1", start=44, end=len(text) - 1, language="zh", counterpart_id="en")]
    r = Report(document=DocumentInfo(source="t", format=Format.DOCX, sha256="0" * 64, chars=len(text)), text=text,
               clauses=clauses, bilingual=Bilingual(layout="alternating"))
    f = Finding(id="f", rule_id="lic.grant", category="license_grant", kind="deviation", severity="medium",
                message="m", evidence=[Span(start=4, end=43)])
    out = cite_both(r, [f])[0]
    assert [(e.start, e.end) for e in out.evidence] == [(4, 43), (44, len(text) - 1)]


@pytest.mark.parametrize("sentence,key,value", [
    ("The Licensor grants to the Licensee an exclusive, non-transferable licence under the Licensed Technology to make, "
     "use and sell the Products in the Field in the People's Republic of China.", "territory", "People's Republic of China"),
    ("许可方授予被许可方在中华人民共和国境内使用许可技术的独占的、不可转让的许可。", "territory", "中华人民共和国"),
    ("许可方授予被许可方在全球范围内使用许可技术的非独占许可。", "worldwide", True),
    ("许可方授予被许可方在中国境内的独占许可。", "exclusivity", "exclusive"),
    ("如一方严重违约且在收到书面违约通知后六十（60）日内未予纠正，另一方可书面通知终止本协议。", "cure_days", 60),
    ("本条规定的保密义务在本合同终止后三（3）年内继续有效。", "confidentiality_years", 3.0),
    ("任何一方违反本合同的，应赔偿另一方因此遭受的全部损失。", "uncapped", True),
    ("本合同适用中华人民共和国法律。", "governing_law", "PRC"),
    ("争议应提交中国国际经济贸易仲裁委员会在北京进行仲裁。", "arbitration_rules", "CIETAC"),
    ("一方转让其股权的，另一方在同等条件下享有优先购买权。", "transfer_rights", ["rofr"]),
])
def test_language_version_attributes_in_chinese_and_english(sentence, key, value):
    assert read_attributes(sentence, Context()).get(key) == value
