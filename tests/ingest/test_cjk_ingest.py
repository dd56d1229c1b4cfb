"""Chinese input: GB2312/GBK text, Chinese-only DOCX with Word's Chinese numbering, a bilingual PDF
table read cell by cell, Chinese lines of a PDF joined without spaces, and a PDF whose Chinese text
has no Unicode mapping (one-line reason)."""

from __future__ import annotations

import pytest
from support import SAMPLES

from analyzer.core.errors import NoText
from analyzer.core.settings import Limits
from analyzer.ingest import parse
from analyzer.ingest.cjk import cjk_paragraph_break, mostly_unmapped
from analyzer.ingest.pdf import parse_pdf
from analyzer.ingest.pdf_cleanup import Line, join_lines, paragraphs


@pytest.mark.parametrize("encoding", ["gb2312", "gbk", "gb18030"])
@pytest.mark.parametrize("chars", [40, 300, None])
def test_cjk_ingest_gb_encoded_txt(encoding, chars):
    text = (SAMPLES / "zh_jv_contract.txt").read_text(encoding="utf-8")[:chars]
    doc = parse(text.encode(encoding), filename="jv.txt")
    assert doc.text == text
    assert {b.language for b in doc.blocks} == {"zh"} or chars == 40


def test_cjk_ingest_chinese_only_docx_with_word_chinese_numbering():
    doc = parse(SAMPLES / "zh_jv_contract.docx")
    assert "第一条 合营公司\n（一）合营公司的名称" in doc.text
    assert [b.number for b in doc.blocks if b.number][:3] == ["第一条", "（一）", "（二）"]
    assert {b.language for b in doc.blocks if b.kind in ("paragraph", "heading", "list_item")} == {"zh"}


def test_cjk_ingest_bilingual_docx_cells_carry_their_language():
    doc = parse(SAMPLES / "bilingual_license.docx")
    cells = [b for b in doc.blocks if b.kind == "table_cell" and b.row and b.row > 0]
    assert {(b.col, b.language) for b in cells if doc.text[b.start:b.end].strip()} == {(0, "en"), (1, "zh")}


def _pdf(name: str, data: bytes | None = None):
    data = data if data is not None else (SAMPLES / name).read_bytes()
    return parse_pdf(data, name=name, sha256="0" * 64, limits=Limits.from_env(), engine="pdfplumber")


def test_cjk_ingest_bilingual_pdf_table_is_read_cell_by_cell():
    doc = _pdf("bilingual_license.pdf")
    assert ("2.1 The Licensor grants to the Licensee an exclusive, non-transferable licence under the Licensed "
            "Technology to make, use and sell the Products in the Field in the People's Republic of China.\n\n"
            "2.1 许可方授予被许可方在中华人民共和国境内、在领域内使用许可技术制造、使用和销售产品的独占的、不可转让的许可。") in doc.text


def test_cjk_ingest_chinese_pdf_lines_join_without_spaces():
    doc = _pdf("zh_jv_contract.pdf")
    assert "凡因本合同引起的或与本合同有关的任何争议,双方应友好协商解决;协商不成的,任何一方均可将争议提交上海国际经济贸易仲裁委员会" in doc.text
    assert "\n\n签署\n\n甲方:" in doc.text


@pytest.mark.parametrize("prev,nxt,joined", [("许可方授予被许", "可方独占许可。", "许可方授予被许可方独占许可。"),
                                             ("Agree-", "ment", "Agreement"), ("the", "Licensee", "the Licensee")])
def test_cjk_ingest_join_lines(prev, nxt, joined):
    assert join_lines(prev, nxt, set()) == joined


@pytest.mark.parametrize("prev,line,gap,new", [
    ("（一）合营公司的名称为苏州华北储能系统有限公司，为有限责任公司。", "（二）合营公司的经营范围为储能电池系统的研发。", False, True),
    ("合营公司的投资总额为人民币一亿元，注册资本为人民币六千万元，甲方以现金人民币三千六百万元出", "资，占注册资本的百分之六十。", False, False),
    ("（二）未经另一方事先书面同意，任何一方不得转让本合同项下的权利和义务。", "签署", False, True),
    ("甲方：苏州华源新能源科技股份有限公司（盖章） 法定代表人：李明", "乙方：北海储能技术有限公司（盖章）", False, True),
    ("The Licensee shall pay", "royalties", False, None),
])
def test_cjk_ingest_paragraph_breaks(prev, line, gap, new):
    assert cjk_paragraph_break(prev, line, gap, 80) is new


def test_cjk_ingest_paragraphs_of_wrapped_chinese_lines():
    lines = [Line("第一条 合营公司"), Line("（一）合营公司的名称为苏州华北储能系统有限公司（“合营公司”），为有限责任公"),
             Line("司。"), Line("（二）合营公司的经营范围为储能电池系统的研发、生产和销售。")]
    assert paragraphs(lines, set()) == ["第一条 合营公司", "（一）合营公司的名称为苏州华北储能系统有限公司（“合营公司”），为有限责任公司。",
                                        "（二）合营公司的经营范围为储能电池系统的研发、生产和销售。"]


def _unmapped_pdf() -> bytes:
    """The Chinese sample with its CID font's encoding and character collection made unknown: every
    Chinese glyph extracts as "(cid:N)"."""
    data = (SAMPLES / "zh_jv_contract.pdf").read_bytes()
    return data.replace(b"/UniGB-UCS2-H", b"/Identity-H  ").replace(b"/Registry (Adobe)", b"/Registry (Xdobe)")


def test_cjk_ingest_pdf_with_unmapped_chinese_glyphs_gets_a_one_line_reason():
    with pytest.raises(NoText, match=r"^cid\.pdf: .*no Unicode mapping in the PDF fonts") as exc:
        _pdf("cid.pdf", _unmapped_pdf())
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("texts,bad", [(["(cid:1)(cid:2)" * 20], True), (["Clause (cid:3) text " * 30], False), (["许可方"], False)])
def test_cjk_ingest_mostly_unmapped(texts, bad):
    assert mostly_unmapped(texts) is bad
