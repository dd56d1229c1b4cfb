"""Chinese sentences: spaCy's Chinese tokenizer (character segmentation) and the sentencizer."""

from __future__ import annotations

import pytest

from analyzer.core.schema import Format, SourceDocument
from analyzer.nlp import run_nlp
from analyzer.nlp.cjk_sentences import split_span
from analyzer.structure.segment import segment


@pytest.mark.parametrize("text,sents", [
    ("许可方授予被许可方独占许可。本协议自签署之日起生效！是否续期？", ["许可方授予被许可方独占许可。", "本协议自签署之日起生效！", "是否续期？"]),
    ("第一条 定义\n本合同中，许可技术指附件一所列技术。", ["第一条 定义\n本合同中，许可技术指附件一所列技术。"]),
    ("各方应保密。\n本条义务继续有效。", ["各方应保密。", "本条义务继续有效。"]),
])
def test_cjk_sentences_split_span(text, sents):
    assert [text[s:e] for s, e in split_span(text, 0, len(text))] == sents


def test_cjk_sentences_in_run_nlp_stay_in_their_clauses():
    text = ("合同\n第一条 出资\n（一）甲方以现金出资。乙方以技术出资。\n（二）双方应在九十日内缴清出资。\n"
            "第二条 保密\n各方应保密。本条义务在合同终止后五年内继续有效。\n")
    doc = SourceDocument(source="t.txt", format=Format.TXT, sha256="0" * 64, text=text)
    clauses = segment(doc)
    got = [text[s.start:s.end] for s in run_nlp(doc, clauses).sentences]
    assert "甲方以现金出资。" in " ".join(got) and "乙方以技术出资。" in got
    assert "本条义务在合同终止后五年内继续有效。" in got
    by_id = {c.id: c for c in clauses}
    for s in run_nlp(doc, clauses).sentences:
        c = by_id.get(s.clause_id)
        assert c is None or c.start <= s.start and s.end <= c.end
