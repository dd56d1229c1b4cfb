"""Chinese sentences: spaCy's Chinese tokenizer (jieba word segmentation) and the sentencizer."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analyzer.core.schema import Format, SourceDocument
from analyzer.nlp import run_nlp
from analyzer.nlp.cjk_sentences import chinese_nlp, split_span
from analyzer.structure.segment import segment


@pytest.mark.parametrize("text,sents", [
    ("许可方授予被许可方独占许可。本协议自签署之日起生效！是否续期？", ["许可方授予被许可方独占许可。", "本协议自签署之日起生效！", "是否续期？"]),
    ("第一条 定义\n本合同中，许可技术指附件一所列技术。", ["第一条 定义\n本合同中，许可技术指附件一所列技术。"]),
    ("各方应保密。\n本条义务继续有效。", ["各方应保密。", "本条义务继续有效。"]),
    # a clause number or an amount with a decimal point is one word, not a sentence end
    ("按照第3.2条的规定，甲方应付款。乙方应交付。", ["按照第3.2条的规定，甲方应付款。", "乙方应交付。"]),
    ("许可费为USD 1.5 million。本协议生效。", ["许可费为USD 1.5 million。", "本协议生效。"]),
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


def test_cjk_tokenizer_is_jieba_word_segmenter():
    nlp = chinese_nlp()
    assert nlp.lang == "zh"
    assert nlp.tokenizer.segmenter == "jieba"
    assert [t.text for t in nlp("本协议适用中华人民共和国法律。")] == ["本", "协议", "适用", "中华人民共和国", "法律", "。"]


def test_cjk_segmenter_prints_nothing():
    # jieba logs "Building prefix dict ..." to stderr when it loads its dictionary
    code = ("from analyzer.nlp.cjk_sentences import split_span; "
            "t = '各方应保密。本条义务继续有效。'; print(len(split_span(t, 0, len(t))))")
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "2\n" and out.stderr == ""
