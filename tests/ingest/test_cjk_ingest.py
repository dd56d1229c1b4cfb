"""Chinese input: GB2312/GBK text, Chinese-only DOCX with Word's Chinese numbering, a bilingual PDF
table read cell by cell, Chinese lines of a PDF joined without spaces, and a PDF whose Chinese text
has no Unicode mapping (one-line reason)."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from support import SAMPLES

from analyzer.core.errors import NoText
from analyzer.core.settings import Limits
from analyzer.ingest import parse
from analyzer.ingest.cjk import cjk_paragraph_break, garbled_chinese, mostly_unmapped
from analyzer.ingest.pdf import parse_pdf
from analyzer.ingest.pdf_cleanup import Line, join_lines, normalize_line, paragraphs


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
    assert "凡因本合同引起的或与本合同有关的任何争议，双方应友好协商解决；协商不成的，任何一方均可将争议提交上海国际经济贸易仲裁委员会" in doc.text
    assert "\n\n签署\n\n甲方：" in doc.text


@pytest.mark.parametrize("engine", ["pdfium", "pdfplumber", "pypdf"])
def test_cjk_ingest_pdf_keeps_full_width_punctuation_as_the_docx_has_it(engine):
    pdf = parse_pdf((SAMPLES / "zh_jv_contract.pdf").read_bytes(), name="zh.pdf", sha256="0" * 64,
                    limits=Limits.from_env(), engine=engine)
    docx = parse(SAMPLES / "zh_jv_contract.docx")
    line = "（一）合营公司的名称为苏州华北储能系统有限公司（"
    assert line in pdf.text and line in docx.text
    assert "甲方：苏州华源新能源科技股份有限公司，一家" in pdf.text
    assert normalize_line("ｆｉｌｅ ＡＢＣ１２３，（一）")[0] == "file ABC123，（一）"  # other full-width forms still fold


def test_cjk_ingest_docx_ruby_keeps_its_base_text():
    d = docx.Document()
    p = d.add_paragraph("许可方：")
    p._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:ruby><w:rubyPr/><w:rt><w:r><w:t>xīng</w:t></w:r></w:rt>'
                          '<w:rubyBase><w:r><w:t>星</w:t></w:r></w:rubyBase></w:ruby></w:r>'))
    p.add_run("河光子有限公司")
    buf = io.BytesIO()
    d.save(buf)
    assert parse(buf.getvalue(), filename="ruby.docx").text.strip() == "许可方：星河光子有限公司"


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


def test_cjk_ingest_pdf_whose_chinese_extracts_as_garbage_gets_a_one_line_reason():
    # PDFium reads the same glyphs as rare ideographs (glyph numbers taken for code points)
    with pytest.raises(NoText, match=r"^cid\.pdf: .*Chinese text extracts as garbage") as exc:
        parse(_unmapped_pdf(), filename="cid.pdf")
    assert "\n" not in str(exc.value)


@pytest.mark.parametrize("text,bad", [("釱㔗鱣鱣鱨䌼鱣鱨ꎩ錓醲鰋䇈銈㩾䌗䇴釱㧧ꎪ䇈㧧魧䪵䆿䪵㺍錼䌘頚鱌醟㞺鐤㽻釱魧鋑䠫頠鵇䣯㮖㸝頚鱌䤂顄鈅釱", True),
                                      ("本合同由以下双方于二〇二五年六月八日在中国苏州签订，甲乙双方经友好协商，同意共同投资设立合资经营企业。", False),
                                      ("許可方授予被許可方在中華人民共和國境內製造、使用和銷售產品的獨佔許可。許可方應交付技術資料。", False),
                                      ("釱㔗鱣鱣鱨", False)])
def test_cjk_ingest_garbled_chinese(text, bad):
    assert garbled_chinese(text * 3) is bad


@pytest.mark.parametrize("texts,bad", [(["(cid:1)(cid:2)" * 20], True), (["Clause (cid:3) text " * 30], False), (["许可方"], False)])
def test_cjk_ingest_mostly_unmapped(texts, bad):
    assert mostly_unmapped(texts) is bad
