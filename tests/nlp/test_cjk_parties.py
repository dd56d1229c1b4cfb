"""Parties of Chinese contracts come from the party lines of the preamble (甲方：…), with the short name
the line defines and the role its label names; Chinese placeholders use those short names."""

from __future__ import annotations

import pytest

from analyzer.core.schema import DocumentInfo, Format, Party, Report
from analyzer.ingest import parse
from analyzer.nlp import run_nlp
from analyzer.nlp.cjk_parties import find_chinese_parties, role_of
from analyzer.review.localize import zh_values
from analyzer.review.placeholders import placeholder_values
from analyzer.structure.segment import segment

JV = ("中外合资经营合同\n\n本合同由以下双方于2025年6月8日在中国苏州签订：\n\n"
      "甲方：苏州华源新能源科技股份有限公司，一家依据中华人民共和国法律成立的公司（“甲方”）；\n\n"
      "乙方：北海储能技术有限公司（Nordsee Energiespeicher GmbH），一家依据德国法律成立的公司（“乙方”）。\n\n"
      "第一条 合营公司\n\n甲乙双方同意在中国苏州设立合营公司。\n\n"
      "第二条 注册资本\n\n甲方出资百分之六十，乙方出资百分之四十。\n")

LICENCE = ("专利实施许可合同\n\n"
           "许可方（甲方）：杭州星河光电有限公司（以下简称“星河”）\n"
           "住所：浙江省杭州市滨江区\n"
           "被许可方（乙方）：Alpenlicht Optics GmbH\n\n"
           "第一条 许可\n\n星河同意乙方在中国境内实施许可专利。乙方应向星河支付许可使用费。\n\n"
           "甲方：（盖章）\n乙方：（盖章）\n")


def _run(text: str):
    doc = parse(text.encode("utf-8"), filename="t.txt")
    return run_nlp(doc, segment(doc))


def test_cjk_parties_jv_party_lines():
    got = find_chinese_parties(JV)
    assert [(p.name, p.alias, p.role) for p in got] == [
        ("苏州华源新能源科技股份有限公司", "甲方", None), ("北海储能技术有限公司", "乙方", None)]
    assert JV[got[0].start:got[0].end] == "苏州华源新能源科技股份有限公司"
    assert JV[got[1].alias_span[0]:got[1].alias_span[1]] == "乙方"


def test_cjk_parties_short_name_role_and_blank_signature_lines():
    got = find_chinese_parties(LICENCE)
    assert [(p.name, p.alias, p.role) for p in got] == [
        ("杭州星河光电有限公司", "星河", "licensor"), ("Alpenlicht Optics GmbH", "乙方", "licensee")]


@pytest.mark.parametrize("label,role", [("许可方", "licensor"), ("被许可方", "licensee"), ("技术引进方", "licensee"),
                                        ("合营方一", "partner"), ("甲方", None), ("乙方（受让方）", "licensee")])
def test_cjk_parties_role_of_the_label(label, role):
    assert role_of(label) == role


def test_cjk_parties_a_line_that_names_nobody_is_not_a_party():
    assert find_chinese_parties("甲方：（盖章）\n乙方：____\n法定代表人：张三\n") == []


def test_cjk_parties_in_the_nlp_result():
    out = _run(JV)
    assert [(p.name, p.alias) for p in out.parties] == [("苏州华源新能源科技股份有限公司", "甲方"),
                                                        ("北海储能技术有限公司", "乙方")]
    assert [e.text for e in out.entities if e.type == "party"] == ["苏州华源新能源科技股份有限公司", "北海储能技术有限公司"]


def test_cjk_parties_english_parties_are_kept_when_they_are_as_many():
    text = ('This Agreement is made between Acme Widgets Limited ("Acme") and Beta Systems Inc. ("Beta").\n\n'
            "本协议由Acme Widgets Limited（“Acme”）与Beta Systems Inc.（“Beta”）签订。\n\n"
            "甲方：Acme Widgets Limited\n\n1. Grant\n\nAcme grants Beta a licence.\n")
    assert [p.name for p in _run(text).parties] == ["Acme Widgets Limited", "Beta Systems Inc."]


def _report(text: str, parties: list[Party]) -> Report:
    return Report(document=DocumentInfo(source="t.txt", format=Format.TXT, sha256="0" * 64, chars=len(text)),
                  text=text, parties=parties)


def test_cjk_parties_fill_the_chinese_placeholders():
    parties = [Party(name=p.name, role=p.role, alias=p.alias, start=p.start, end=p.end)
               for p in find_chinese_parties(LICENCE)]
    r = _report(LICENCE, parties)
    v = zh_values(r, placeholder_values(r, {"party_a": "[Party A]"}))
    assert v["licensor"] == "星河" and v["licensee"] == "乙方" and v["party_a"] == "星河"
    # without party lines the Chinese word for the role is used, as before
    bare = _report("许可方同意被许可方实施专利。", [])
    v = zh_values(bare, placeholder_values(bare))
    assert v["licensor"] == "许可方" and v["licensee"] == "被许可方"
