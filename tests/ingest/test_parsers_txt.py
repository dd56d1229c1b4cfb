"""TXT parser: the canonical text is the decoded file, so offsets index the file."""

from __future__ import annotations

import pytest

from analyzer.core.errors import NoText
from analyzer.core.schema import Format
from analyzer.ingest import parse
from analyzer.ingest.txt import decode

CONTRACT = (
    "LICENCE AGREEMENT\n"
    "\n"
    "1. Grant. The Licensor grants the Licensee a non-exclusive licence \u2014 the \u201cLicence\u201d.\n"
    "  2. Fees. The Licensee shall pay \u00a3100 (the \u201cFee\u201d) to Caf\u00e9 M\u00fcller GmbH.\n"
    "\n"
    "3. Term. Five years.\n"
)


def _blocks_index_text(doc) -> None:
    for b in doc.blocks:
        chunk = doc.text[b.start:b.end]
        assert chunk and chunk == chunk.strip() and "\n" not in chunk


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_txt_text_is_the_decoded_file(tmp_path, encoding):
    path = tmp_path / "c.txt"
    path.write_bytes(CONTRACT.encode(encoding))
    doc = parse(path)
    assert doc.format is Format.TXT and doc.text == CONTRACT
    _blocks_index_text(doc)
    assert [doc.text[b.start:b.end] for b in doc.blocks][2].startswith("2. Fees.")
    assert doc.pages == [] and doc.page_at(5) is None


@pytest.mark.parametrize("text", [CONTRACT, "Caf\u00e9 \u00a7 3 \u2013 na\u00efve.\n"])
def test_txt_latin1_and_cp1252_fallback(text):
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode(data, "x.txt") == text


@pytest.mark.parametrize("text", ["Gesch\u00e4ftsf\u00fchrer M\u00fcller, Stra\u00dfe 5, \u00a7 3 Abs. 2 \u2013 Vertrag.\n"])
def test_txt_cp1252_preferred_over_lookalike_codepages(text):
    # charset-normalizer alone reads this as a Mac code page.
    assert decode(text.encode("cp1252"), "x.txt") == text


@pytest.mark.parametrize("text", ["\u0414\u043e\u0433\u043e\u0432\u043e\u0440 \u043b\u0438\u0446\u0435\u043d\u0437\u0438\u0438. "
                                  "\u041b\u0438\u0446\u0435\u043d\u0437\u0438\u0430\u0442 \u043e\u0431\u044f\u0437\u0443\u0435\u0442\u0441\u044f.\n"])
def test_txt_non_western_single_byte_is_detected(text):
    assert decode(text.encode("cp1251"), "x.txt") == text


@pytest.mark.parametrize("body", [CONTRACT])
def test_txt_utf8_bom_is_dropped_and_offsets_index_the_decoded_text(tmp_path, body):
    # The BOM marks the encoding; it is not text. Offsets index the text as
    # decoded with utf-8-sig, i.e. the file's characters after the BOM.
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    doc = parse(path)
    assert doc.text == path.read_text(encoding="utf-8-sig") == body
    assert not doc.text.startswith("\ufeff")
    i = doc.text.index("2. Fees.")
    block = next(b for b in doc.blocks if b.start == i)
    assert doc.text[block.start:block.end].endswith("GmbH.")


@pytest.mark.parametrize("newline", ["\r\n", "\r\n\r\n"])
def test_txt_crlf_preserved(tmp_path, newline):
    body = CONTRACT.replace("\n", newline)
    path = tmp_path / "crlf.txt"
    path.write_bytes(body.encode("utf-8"))
    doc = parse(path)
    assert doc.text == body and "\r\n" in doc.text
    _blocks_index_text(doc)
    with open(path, encoding="utf-8", newline="") as fh:
        assert fh.read() == doc.text  # offsets index the file as read without newline translation


@pytest.mark.parametrize("pages", [["Page one text.\n", "Page two text.\n", "Page three."]])
def test_txt_form_feeds_make_pages(pages):
    text = "\f".join(pages)
    doc = parse(text.encode(), filename="ff.txt")
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(text)
    assert all(a.end == b.start for a, b in zip(doc.pages, doc.pages[1:]))
    assert doc.page_at(text.index("Page three")) == 3
    assert [b.page for b in doc.blocks] == [1, 2, 3]


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf \n\t\n"])
def test_txt_bom_and_whitespace_only_has_no_text(data):
    with pytest.raises(NoText, match="bomws.txt"):
        parse(data, filename="bomws.txt")


@pytest.mark.parametrize("data", [b"\xef\xbb\xbfAgreement \xff\xfe broken"])
def test_txt_invalid_utf8_after_bom_is_corrupt(data):
    from analyzer.core.errors import Corrupt

    with pytest.raises(Corrupt, match="bad.txt"):
        parse(data, filename="bad.txt")
