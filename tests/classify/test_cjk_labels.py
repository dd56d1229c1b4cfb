"""Chinese labels from the lexicon: recall on the Chinese clause sets, headings, labels carried across
bilingual pairs, the agreement type from a Chinese title."""

from __future__ import annotations

import pytest
from support import DATA

from analyzer.classify.cjk_labels import (
    carried_labels,
    chinese_agreement_type,
    lexicon,
    sentence_categories,
)
from analyzer.core.schema import (
    Bilingual,
    Clause,
    DocumentInfo,
    Format,
    Label,
    Report,
    Sentence,
)
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.evaluation.zh_labels import load, score

# Measured with ``python -m analyzer.evaluation.zh_labels PATH``. clauses.jsonl and heldout.jsonl are
# development data: the lexicon was written and then widened from them. heldout2.jsonl was written
# before the lexicon was widened and never used to change it. The floors sit at the measured values
# (recall, precision), so a change that loses recall fails here.
MEASURED = {"clauses.jsonl": (1.0, 0.75), "heldout.jsonl": (1.0, 0.87), "heldout2.jsonl": (0.71, 0.61)}


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_cjk_labels_recall_on_the_chinese_sets(name):
    items = load(DATA / "zh" / name)
    cats = {c for it in items for c in it["categories"]}
    assert len(items) >= 40 and len(cats) >= 12
    s = score(items)
    recall, precision = MEASURED[name]
    assert s.recall >= recall and s.precision >= precision, (s.recall, s.precision)


def test_cjk_labels_precision_in_scope_ignores_categories_the_set_never_labels():
    items = [{"categories": ["limitation_of_liability"], "text": "许可方的累计赔偿责任不超过已支付的许可费总额。"},
             {"categories": ["governing_law"], "text": "本合同适用中华人民共和国法律。"}]
    s = score(items)
    assert s.recall == 1.0 and s.out_of_scope == s.false_positives > 0  # cap_on_liability, royalties_payment
    assert s.precision < 1.0 and s.precision_in_scope == 1.0


@pytest.mark.parametrize("sentence,cat,present", [
    ("许可人向被许可人授予一项非独占的、不可转让的软件使用许可。", "exclusivity", False),
    ("未经许可方事先书面同意，被许可方不得向任何第三方授予分许可。", "license_grant", False),
    ("合营公司的经营范围为储能电池系统的研发、生产和销售。", "territory", False),
    ("被许可方不得将其在本合同下的任何权益转移给第三人。", "anti_assignment", True),
    ("一方对另一方的附带损失和后果性损失概不负责。", "limitation_of_liability", True),
])
def test_cjk_labels_paraphrases_and_negations(sentence, cat, present):
    assert (cat in sentence_categories(sentence)) is present


def test_cjk_labels_lexicon_names_only_taxonomy_categories():
    cats, types = lexicon()
    assert set(cats) <= set(ALL_CATEGORIES) and len(cats) >= 30
    assert "jv" in types and "license" in types


@pytest.mark.parametrize("sentence,headings,cat,conf", [
    ("因不可抗力致使合同不能履行的，应及时通知对方。", [], "force_majeure", 0.9),
    ("各方应采取合理措施。", ["保密"], "confidentiality", 0.8),
    ("各方应采取合理措施。", [], None, None),
])
def test_cjk_labels_body_and_heading(sentence, headings, cat, conf):
    got = sentence_categories(sentence, headings)
    if cat is None:
        assert not got
    else:
        assert got[cat] == conf


def _report(text, clauses, sentences, labels, bilingual=None):
    return Report(document=DocumentInfo(source="t.docx", format=Format.DOCX, sha256="0" * 64, chars=len(text)),
                  text=text, clauses=clauses, sentences=sentences, labels=labels, bilingual=bilingual)


def test_cjk_labels_carried_to_the_counterpart():
    text = "6.1 Each Party shall keep the information confidential.\n6.1 各方应对信息予以保密。\n"
    en = Clause(id="en", number="6.1", start=0, end=55, language="en", counterpart_id="zh")
    zh = Clause(id="zh", number="6.1", start=56, end=len(text) - 1, language="zh", counterpart_id="en")
    sents = [Sentence(start=4, end=55, clause_id="en"), Sentence(start=60, end=len(text) - 1, clause_id="zh")]
    labels = [Label(category="confidentiality", confidence=0.97, flagged=True, start=4, end=55, clause_id="en"),
              Label(category="warranty", confidence=0.3, flagged=False, start=4, end=55, clause_id="en")]
    r = _report(text, [en, zh], sents, labels, Bilingual(layout="alternating"))
    got = carried_labels(r)
    assert [(lab.category, lab.clause_id, text[lab.start:lab.end]) for lab in got] == [("confidentiality", "zh", "各方应对信息予以保密。")]


@pytest.mark.parametrize("title,label", [("中外合资经营合同", "jv"), ("专利实施许可合同", "license"), ("保密协议", "nda"), ("会议纪要", None)])
def test_cjk_labels_agreement_type_from_the_title(title, label):
    text = f"{title}\n本合同由双方签订。\n"
    at = chinese_agreement_type(_report(text, [], [], []))
    assert (at.label if at else None) == label
