"""Chinese numbering and bilingual documents in the clause tree: 第X章/第X节/第X条, 一、, （一）,
Arabic numbers under Chinese articles; one tree per language and the pairs between them."""

from __future__ import annotations

import pytest
from support import SAMPLES

from analyzer.core.schema import Block, Format, SourceDocument
from analyzer.ingest import parse
from analyzer.structure.bilingual import align, detect_layout, number_values
from analyzer.structure.segment import segment


def _doc(text: str, blocks=()) -> SourceDocument:
    return SourceDocument(source="t.txt", format=Format.TXT, sha256="0" * 64, text=text, blocks=list(blocks))


def _tree(clauses):
    return [(c.number, c.heading, c.level) for c in clauses if c.kind not in ("preamble", "signature")]


@pytest.mark.parametrize("text,tree", [
    ("技术许可合同\n第一条 定义\n本合同中下列词语的含义如下。\n第二条 许可\n许可方授予被许可方许可。\n第三条 保密\n双方应保密。\n",
     [("第一条", "定义", 0), ("第二条", "许可", 0), ("第三条", "保密", 0)]),
    ("合同\n第一章 总则\n第一条 目的\n为了合作，订立本合同。\n第二条 范围\n本合同适用于合营公司。\n第二章 出资\n第三条 出资额\n甲方出资六千万元。\n",
     [("第一章", "总则", 0), ("第一条", "目的", 1), ("第二条", "范围", 1), ("第二章", "出资", 0), ("第三条", "出资额", 1)]),
    ("合同\n一、许可范围\n（一）许可方授予被许可方许可。\n（二）被许可方不得分许可。\n二、保密\n（一）双方应保密。\n",
     [("一", "许可范围", 0), ("（一）", None, 1), ("（二）", None, 1), ("二", "保密", 0), ("（一）", None, 1)]),
    ("合同\n第一条 定义\n1.1 “许可技术”指附件一所列技术。\n1.2 “产品”指合同产品。\n第二条 许可\n2.1 许可方授予被许可方许可。\n",
     [("第一条", "定义", 0), ("1.1", None, 1), ("1.2", None, 1), ("第二条", "许可", 0), ("2.1", None, 1)]),
    ("合同\n第一条 付款\n(一)被许可方应支付入门费。\n(二)被许可方应支付提成费。\n第二条 期限\n本合同有效期为三年。\n",
     [("第一条", "付款", 0), ("（一）", None, 1), ("（二）", None, 1), ("第二条", "期限", 0)]),
])
def test_segment_chinese_numbering(text, tree):
    clauses = segment(_doc(text))
    assert _tree(clauses) == tree
    assert all(c.language == "zh" for c in clauses)


@pytest.mark.parametrize("text", ["被许可方应在3 年内支付。\n本合同有效期为10 年。\n"])
def test_segment_chinese_numbers_in_sentences_are_not_labels(text):
    assert not [c for c in segment(_doc(text)) if c.number]


@pytest.mark.parametrize("name", ["zh_jv_contract.docx", "zh_jv_contract.txt"])
def test_segment_chinese_sample_tree(name):
    clauses = segment(parse(SAMPLES / name))
    arts = [c for c in clauses if c.kind == "article"]
    assert [c.number for c in arts][:3] == ["第一条", "第二条", "第三条"] and len(arts) == 12
    assert arts[5].heading == "保密"
    assert [c.number for c in clauses if c.parent_id == arts[1].id] == ["（一）", "（二）", "（三）"]
    assert clauses[-1].kind == "signature"


@pytest.mark.parametrize("number,values", [("Article 2", (2,)), ("第二条", (2,)), ("2", (2,)), ("2.1", (2, 1)),
                                            ("(b)", (2,)), ("（二）", (2,)), ("(ii)", (2,)), ("第十二条", (12,)), (None, None)])
def test_bilingual_number_values(number, values):
    assert number_values(number) == values


def test_bilingual_table_docx_gives_the_same_tree_in_both_languages():
    doc = parse(SAMPLES / "bilingual_license.docx")
    assert detect_layout(doc) == "table"
    clauses = segment(doc)
    en = [(c.number, c.level) for c in clauses if c.language == "en" and c.number]
    zh = [(c.number, c.level) for c in clauses if c.language == "zh" and c.number]
    assert len([n for n in en if n[1] == 0]) == len([n for n in zh if n[1] == 0]) == 10
    assert [n for n, lv in en if lv == 1][:-1] == [n for n, lv in zh if lv == 1]  # 10.3 is English only
    bi = align(doc.text, clauses, "table")
    by_id = {c.id: c for c in clauses}
    assert [by_id[i].number for i in bi.only_en] == ["10.3"] and bi.only_zh == []
    pairs = {(by_id[p.en_id].number, by_id[p.zh_id].number) for p in bi.pairs if p.by == "number"}
    assert ("Article 2", "第二条") in pairs and ("2.1", "2.1") in pairs
    grant = next(c for c in clauses if c.language == "en" and c.number == "2.1")
    assert "中华人民共和国境内" in doc.text[by_id[grant.counterpart_id].start:by_id[grant.counterpart_id].end]


def _alternating(en_numbers, zh_numbers) -> SourceDocument:
    text, blocks = "", []
    rows = [("LICENCE AGREEMENT", "许可协议")]
    rows += [(f"{n} The Licensor shall deliver the documents listed in the Schedule within thirty days.",
              f"{z} 许可方应在三十日内交付附件所列的技术资料。") for n, z in zip(en_numbers, zh_numbers)]
    for en, zh in rows:
        for piece, lang in ((en, "en"), (zh, "zh")):
            start = len(text)
            text += piece + "\n"
            blocks.append(Block(id=f"b{len(blocks)}", kind="paragraph", start=start, end=start + len(piece), language=lang))
    return _doc(text, blocks)


def _aligned(en_numbers, zh_numbers):
    doc = _alternating(en_numbers, zh_numbers)
    assert detect_layout(doc) == "alternating"
    clauses = segment(doc)
    bi = align(doc.text, clauses, "alternating")
    by_id = {c.id: c for c in clauses}
    pairs = {(by_id[p.en_id].number, by_id[p.zh_id].number): p for p in bi.pairs if by_id[p.en_id].number}
    return pairs, [by_id[i].number for i in bi.only_en], [by_id[i].number for i in bi.only_zh]


def test_bilingual_alternating_paragraphs_pair_by_number_and_report_numbering_that_differs():
    pairs, only_en, only_zh = _aligned(["1.", "2.", "3."], ["第一条", "第二条", "第四条"])
    assert pairs[("1", "第一条")].by == pairs[("2", "第二条")].by == "number"
    assert pairs[("3", "第四条")].by == "position" and pairs[("3", "第四条")].numbers_differ
    assert not pairs[("1", "第一条")].numbers_differ and only_en == only_zh == []


def test_bilingual_pairs_never_cross():
    # 4 = 第四条 by number; 3 cannot then pair with 第六条, which comes after 第四条
    pairs, only_en, only_zh = _aligned(["1.", "2.", "3.", "4."], ["第一条", "第二条", "第四条", "第六条"])
    assert set(pairs) == {("1", "第一条"), ("2", "第二条"), ("4", "第四条")}
    assert only_en == ["3"] and only_zh == ["第六条"]


def test_bilingual_sequential_versions():
    en = "LICENCE AGREEMENT\n" + "".join(f"{i}. Clause {i} of the English version, which the Licensee shall observe.\n" for i in range(1, 5))
    zh = "许可协议\n" + "".join(f"第{'一二三四'[i - 1]}条 被许可方应遵守中文文本的第{i}条规定的义务。\n" for i in range(1, 5))
    text = en + zh
    blocks, pos = [], 0
    for line in text.splitlines():
        blocks.append(Block(id=f"b{pos}", kind="paragraph", start=pos, end=pos + len(line), language=None))
        pos += len(line) + 1
    from analyzer.ingest.cjk import tag_languages

    doc = tag_languages(_doc(text, blocks))
    assert detect_layout(doc) == "sequential"
    clauses = segment(doc)
    bi = align(doc.text, clauses, "sequential")
    assert len([p for p in bi.pairs if p.by == "number"]) == 4 and not bi.only_en and not bi.only_zh
