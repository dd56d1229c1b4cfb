"""Hostile list numbering and oversized text: bounded time, memory and output, one-line errors.

- ``numbering.xml`` start values, counters, level texts, level counts and style
  chains cannot make a tiny DOCX hang, exhaust memory or blow up into megabytes
  of labels;
- the extracted text is capped (``Limits.max_chars`` / ``ANALYZER_MAX_CHARS``)
  in every parser, which stops as soon as the cap is passed.
"""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from analyzer.core.errors import AnalyzerError, TooLarge
from analyzer.core.schema import Page
from analyzer.core.text_builder import page_at
from analyzer.ingest import Limits, parse
from analyzer.ooxml.numbering import (
    MAX_COUNTER,
    MAX_LABEL_CHARS,
    MAX_LEVELS,
    MAX_START,
    MAX_STYLE_DEPTH,
    ListCounter,
    Numbering,
    Styles,
    format_number,
    letters,
    roman,
)
from analyzer.ooxml.package import parse_xml

ROOT = Path(__file__).resolve().parents[2]
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
MEMORY_LIMIT = 3 * 1024**3
CLI_TIMEOUT = 90
FORMATS = ("decimal", "lowerLetter", "upperLetter", "lowerRoman", "upperRoman", "decimalZero", "ordinal",
           "cardinalText", "ordinalText", "decimalEnclosedParen", "none", "bullet", "chicago")


# ------------------------------------------------------------------ builders

def docx(body: str, numbering: str = "", styles: str = "") -> bytes:
    """A minimal DOCX: [Content_Types].xml, word/document.xml and optional numbering/styles parts."""
    overrides = [("/word/document.xml", f"{WML}.document.main+xml")]
    files = {"word/document.xml": f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'}
    if numbering:
        overrides.append(("/word/numbering.xml", f"{WML}.numbering+xml"))
        files["word/numbering.xml"] = f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>'
    if styles:
        overrides.append(("/word/styles.xml", f"{WML}.styles+xml"))
        files["word/styles.xml"] = f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'
    ct = (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CT_NS}">'
          '<Default Extension="xml" ContentType="application/xml"/>'
          + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        for name, xml in files.items():
            zf.writestr(name, xml)
    return buf.getvalue()


def lvl(ilvl, fmt: str, text: str, start="1") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{escape(text, {chr(34): "&quot;"})}"/></w:lvl>')


def abstract(*levels: str, num_id: int = 1, overrides: str = "") -> str:
    return (f'<w:abstractNum w:abstractNumId="1">{"".join(levels)}</w:abstractNum>'
            f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="1"/>{overrides}</w:num>')


def para(text: str, ilvl="0", num_id="1", style: str = "") -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    if num_id is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
    return f'<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


HOSTILE = {
    "upper_roman_start_1e15": docx(para("Clause one."), abstract(lvl(0, "upperRoman", "%1.", str(10**15)))),
    "lower_letter_start_1e20": docx(para("Clause one."), abstract(lvl(0, "lowerLetter", "(%1)", str(10**20)))),
    # Every level refers to every level many times, with huge starts: the old code
    # turned these ~1.2 KB into tens of millions of characters.
    "label_amplifier": docx(
        "".join(para("x", ilvl=str(i % 9)) for i in range(300)),
        abstract(*(lvl(i, fmt, "%1%2%3%4%5%6%7%8%9" * 20, str(10**12))
                   for i, fmt in enumerate(["lowerLetter", "upperRoman"] * 4 + ["ordinal"])))),
}


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(path: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=CLI_TIMEOUT, preexec_fn=_limit_memory,
                          env=full_env)


def assert_clean(proc: subprocess.CompletedProcess, name: str) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    if proc.returncode == 1:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0], proc.stderr


# ------------------------------------------------------------------ item 1: numbering

@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_numbering_cli_finishes_bounded(case, tmp_path):
    path = tmp_path / f"{case}.docx"
    path.write_bytes(HOSTILE[case])
    assert len(HOSTILE[case]) < 2000
    proc = run_cli(path)  # TimeoutExpired fails the test
    assert_clean(proc, path.name)
    assert proc.returncode == 0
    assert len(proc.stdout) < 2_000_000


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_numbering_labels_are_capped(case):
    doc = parse(HOSTILE[case], filename=f"{case}.docx")
    numbers = [b.number for b in doc.blocks if b.kind == "list_item"]
    assert numbers and all(0 < len(n) <= MAX_LABEL_CHARS for n in numbers)
    paragraphs = sum(b.kind == "list_item" for b in doc.blocks)
    assert len(doc.text) <= paragraphs * (MAX_LABEL_CHARS + 20)


def test_roman_start_is_clamped_to_words_maximum():
    doc = parse(HOSTILE["upper_roman_start_1e15"], filename="r.docx")
    assert doc.text == "M" * 32 + "DCCLXVII.\tClause one."  # 32767, Word's largest start value
    doc = parse(HOSTILE["lower_letter_start_1e20"], filename="l.docx")
    assert doc.text.startswith("(" + "g" * (MAX_LABEL_CHARS - 1))


@pytest.mark.parametrize("value, expected", [
    ("1", 1), ("0", 0), ("32767", 32767), ("32768", MAX_START), (str(10**15), MAX_START),
    ("9" * 5000, MAX_START), ("-5", 0), ("+7", 7), (" 12 ", 12), ("abc", 0), ("\u00b2", 0), ("", 0),
])
def test_start_and_start_override_are_clamped(value, expected):
    numbering = _numbering(abstract(lvl(0, "decimal", "%1.", value), num_id=1,
                                    overrides=f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{value}"/>'
                                              f'</w:lvlOverride>'))
    assert numbering.abstract["1"][0].start == expected
    assert numbering.nums["1"].start_overrides.get(0, 0) == expected
    label = ListCounter(numbering).next_label("1", 0)
    assert label.text == f"{expected}."


def _numbering(xml: str) -> Numbering:
    root = parse_xml(f'<w:numbering xmlns:w="{W_NS}">{xml}</w:numbering>'.encode(), "n.docx", "word/numbering.xml")
    return Numbering(root, Styles(None))


def test_counters_saturate():
    counter = ListCounter(_numbering(abstract(lvl(0, "decimal", "%1", str(MAX_START)))))
    assert counter.next_label("1", 0).text == str(MAX_START)
    counter._counters["1"][0] = MAX_COUNTER - 1
    assert counter.next_label("1", 0).text == str(MAX_COUNTER)
    assert counter.next_label("1", 0).text == str(MAX_COUNTER)


def test_only_nine_levels_are_kept():
    levels = "".join(lvl(i, "decimal", "%1.") for i in [*range(0, 5000), -1, 10**40, "x"])
    numbering = _numbering(abstract(levels))
    assert sorted(numbering.abstract["1"]) == list(range(MAX_LEVELS))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("n", [0, 1, 27, 3999, 32767, 10**6, 10**15, 10**20, 10**300, 10**4000, -10**20])
def test_formatters_output_capped_and_fast(fmt, n):
    t0 = time.perf_counter()
    out = format_number(n, fmt)
    assert time.perf_counter() - t0 < 0.05
    assert len(out) <= MAX_LABEL_CHARS
    for limit in (0, 1, 5, MAX_LABEL_CHARS):
        assert len(format_number(n, fmt, limit)) <= limit


@pytest.mark.parametrize("n", [10**6, 10**15, 10**20, 10**300])
def test_roman_and_letters_time_bounded_by_result(n):
    t0 = time.perf_counter()
    r, s = roman(n), letters(n)
    assert time.perf_counter() - t0 < 0.05
    assert r == "m" * MAX_LABEL_CHARS and len(s) == MAX_LABEL_CHARS and len(set(s)) == 1
    assert roman(n, 3) == "mmm" and len(letters(n, 3)) == 3


def test_small_numbers_unchanged():
    assert roman(3999) == "mmmcmxcix" and roman(4000) == "mmmm" and roman(32767) == "m" * 32 + "dcclxvii"
    assert letters(1) == "a" and letters(26) == "z" and letters(27) == "aa" and letters(53) == "aaa"
    assert format_number(14, "upperRoman") == "XIV" and format_number(28, "upperLetter") == "BB"


def test_long_level_text_and_many_placeholders_stay_short():
    text = "Article %1 " + "%1" * 5000 + " tail"
    data = docx("".join(para(f"Item {i}") for i in range(50)),
                abstract(lvl(0, "upperLetter", text, str(MAX_START))))
    t0 = time.perf_counter()
    doc = parse(data, filename="long.docx")
    assert time.perf_counter() - t0 < 10
    assert all(len(b.number) <= MAX_LABEL_CHARS for b in doc.blocks if b.kind == "list_item")
    assert doc.text.startswith("Article " + "G" * 56 + "\tItem 0\nArticle " + "H" * 56)


def test_deep_style_chain_is_cut_and_cached():
    n = 4000
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="s{i}"><w:name w:val="S{i}"/>'
                     + (f'<w:basedOn w:val="s{i - 1}"/>' if i else "")
                     + "</w:style>" for i in range(n))
    styles += '<w:style w:type="paragraph" w:styleId="loopA"><w:basedOn w:val="loopB"/></w:style>'
    styles += '<w:style w:type="paragraph" w:styleId="loopB"><w:basedOn w:val="loopA"/></w:style>'
    body = "".join(para(f"Paragraph {i}.", num_id=None, style=f"s{n - 1 - i}") for i in range(n))
    body += para("Loop.", num_id=None, style="loopA")
    t0 = time.perf_counter()
    doc = parse(docx(body, styles=styles), filename="styles.docx")
    assert time.perf_counter() - t0 < 30
    assert doc.text.count("\n") == n
    st = Styles(parse_xml(f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>'.encode(), "s", "styles"))
    assert len(st.chain(f"s{n - 1}")) == MAX_STYLE_DEPTH and len(st.chain("loopA")) == 2


@pytest.mark.parametrize("attr", ["1" * 5000, "\u00b2", "-1", "99999999999999999999"])
def test_odd_integer_attributes_do_not_crash(attr):
    body = (f'<w:p><w:pPr><w:outlineLvl w:val="{attr}"/><w:numPr><w:ilvl w:val="{attr}"/>'
            f'<w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Heading text</w:t></w:r></w:p>'
            f'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{attr}"/></w:tcPr>{para("a", num_id=None)}</w:tc>'
            f'<w:tc>{para("b", num_id=None)}</w:tc></w:tr></w:tbl>')
    doc = parse(docx(body, abstract(lvl(0, "decimal", "%1.", attr))), filename="odd.docx")
    assert "Heading text" in doc.text and "a | b" in doc.text
    assert all(c.col <= 64 for c in doc.blocks if c.kind == "table_cell")


# ------------------------------------------------------------------ item 14: text cap

def test_max_chars_from_env(monkeypatch):
    monkeypatch.setenv("ANALYZER_MAX_CHARS", "12345")
    assert Limits.from_env().max_chars == 12345
    monkeypatch.setenv("ANALYZER_MAX_CHARS", "10M")
    with pytest.raises(AnalyzerError, match="ANALYZER_MAX_CHARS"):
        Limits.from_env()
    monkeypatch.delenv("ANALYZER_MAX_CHARS")
    assert Limits.from_env().max_chars == Limits().max_chars == 2_000_000


def _too_large_message(exc: TooLarge, name: str) -> str:
    msg = str(exc)
    assert "\n" not in msg and msg.startswith(f"{name}: ")
    assert "characters of text > limit 10,000" in msg and "ANALYZER_MAX_CHARS" in msg
    return msg


@pytest.mark.parametrize("text", ["word " * 2001, "é " * 5001, "契約 " * 3334, "x" * 60_000])
def test_txt_cap(text):
    limits = Limits(max_chars=10_000)
    for data in (text.encode("utf-8"), text.encode("utf-16")):
        with pytest.raises(TooLarge) as info:
            parse(data, filename="big.txt", limits=limits)
        _too_large_message(info.value, "big.txt")
    ok = text[:10_000]
    assert parse(ok.encode("utf-8"), filename="ok.txt", limits=limits).text == ok


def test_txt_cap_checked_before_decoding(monkeypatch):
    import analyzer.ingest.txt as txt

    def no_decode(*_a, **_k):
        raise AssertionError("decoded")

    monkeypatch.setattr(txt, "decode", no_decode)
    with pytest.raises(TooLarge, match="50,000 characters of text"):
        parse(b"a" * 50_000, filename="big.txt", limits=Limits(max_chars=10_000))
    with pytest.raises(TooLarge, match="at least 12,500 characters"):
        parse("é".encode() * 25_000, filename="big.txt", limits=Limits(max_chars=10_000))


def test_cli_cap_one_line_error(tmp_path):
    path = tmp_path / "long contract.txt"
    path.write_text("1. Term. This Agreement continues.\n" * 400)  # 14,000 characters
    proc = run_cli(path, env={"ANALYZER_MAX_CHARS": "10000"})
    assert proc.returncode == 1
    assert_clean(proc, path.name)
    assert "14,000 characters of text > limit 10,000" in proc.stderr
    assert "ANALYZER_MAX_CHARS" in proc.stderr and proc.stdout == ""


def _big_docx(paragraphs: int) -> bytes:
    return docx("".join(para(f"Clause {i} says the parties agree to this term.", num_id=None)
                        for i in range(paragraphs)))


def test_docx_cap_stops_while_building():
    data = _big_docx(2000)  # ~ 100,000 characters
    full = parse(data, filename="big.docx", limits=Limits(max_chars=10**7))
    with pytest.raises(TooLarge) as info:
        parse(data, filename="big.docx", limits=Limits(max_chars=10_000))
    msg = _too_large_message(info.value, "big.docx")
    seen = int(msg.split("at least ")[1].split(" characters")[0].replace(",", ""))
    assert 10_000 < seen < 10_100 < len(full.text)  # stopped right after the cap, not at the end
    assert parse(_big_docx(100), filename="small.docx", limits=Limits(max_chars=10_000)).text


def test_docx_cap_counts_deleted_text():
    deleted = "removed words " * 1000
    body = (f'<w:p><w:r><w:t>Kept.</w:t></w:r><w:del w:id="1" w:author="a"><w:r>'
            f'<w:delText>{deleted}</w:delText></w:r></w:del></w:p>')
    with pytest.raises(TooLarge) as info:
        parse(docx(body), filename="del.docx", limits=Limits(max_chars=10_000))
    _too_large_message(info.value, "del.docx")
    doc = parse(docx(body), filename="del.docx", limits=Limits(max_chars=20_000))
    assert doc.text == "Kept." and [b.text for b in doc.blocks if b.kind == "deletion"] == [deleted]


def test_docx_cap_through_cli(tmp_path):
    path = tmp_path / "big.docx"
    path.write_bytes(_big_docx(400))
    proc = run_cli(path, env={"ANALYZER_MAX_CHARS": "10000"})
    assert proc.returncode == 1
    assert_clean(proc, path.name)
    assert "characters of text > limit 10,000" in proc.stderr


@pytest.mark.parametrize("engine", ["pypdf", "pdfplumber"])
def test_pdf_cap_per_page(engine, samples_dir, monkeypatch):
    import analyzer.ingest.pdf as pdf

    path = samples_dir / "long_license.pdf"
    full = parse(path, limits=Limits(max_chars=10**7))
    assert len(full.pages) > 3
    pages_done = []
    real = pdf._CharBudget.page

    def page(self, lines):
        pages_done.append(len(lines))
        return real(self, lines)

    monkeypatch.setattr(pdf._CharBudget, "page", page)
    monkeypatch.setenv("ANALYZER_PDF_ENGINE", engine)
    limit = max(1000, len(full.text) // len(full.pages))
    with pytest.raises(TooLarge, match="characters of text > limit") as info:
        parse(path, limits=Limits(max_chars=limit))
    assert str(info.value).startswith("long_license.pdf: ") and "\n" not in str(info.value)
    assert len(pages_done) < len(full.pages)


# ------------------------------------------------------------------ linear helpers

def test_page_at_matches_linear_scan():
    def linear(pages, offset):
        for p in pages:
            if p.start <= offset < p.end:
                return p.number
        return pages[-1].number if pages else None

    layouts = [[(0, 10), (10, 10), (10, 25), (25, 25), (25, 40)], [(0, 0), (0, 5)], [(3, 9)], []]
    for spans in layouts:
        pages = [Page(number=i + 1, start=s, end=e) for i, (s, e) in enumerate(spans)]
        for offset in range(-2, 45):
            assert page_at(pages, offset) == linear(pages, offset)


def _reference_pages(page_pars: list[list[str]], keep: set[str]) -> tuple[str, list[int]]:
    """The plain join over whole paragraph texts: canonical text and page start offsets."""
    from analyzer.ingest.pdf import PARAGRAPH_SEP
    from analyzer.ingest.pdf_cleanup import continues_paragraph, join_lines

    merged: list[tuple[str, int, list[tuple[int, int]]]] = []
    for p_idx, pars in enumerate(page_pars):
        for k, par in enumerate(pars):
            if k == 0 and merged and continues_paragraph(merged[-1][0], par):
                text, first, breaks = merged[-1]
                joined = join_lines(text, par, keep)
                merged[-1] = (joined, first, breaks + [(p_idx, len(joined) - len(par))])
            else:
                merged.append((par, p_idx, []))
    out, starts = "", {}
    for text, first, breaks in merged:
        out += PARAGRAPH_SEP if out else ""
        starts.setdefault(first, len(out))
        for p_idx, off in breaks:
            starts.setdefault(p_idx, len(out) + off)
        out += text
    return out, [starts[i] for i in range(len(page_pars))]


def test_pdf_run_on_paragraph_joins_like_whole_text():
    """Paragraphs running on over page breaks give the same text and page starts
    as joining the whole texts; hyphenation across a page break is undone."""
    from analyzer.core.text_builder import TextBuilder
    from analyzer.ingest.pdf import JOIN_TAIL, _write_pages

    long_words = "word " * (JOIN_TAIL // 2)
    pages = [["HEADING ONE", "the first clause starts here and"]]
    pages += [[f"the clause goes on with {long_words if i % 7 == 0 else ''}words number {i} and"]
              for i in range(60)]
    pages += [["the last words of the agree-"], ["ment ends here.", "NEW HEADING"], ["Fresh start."]]
    b = TextBuilder("k")
    _write_pages(b, pages, set(), set())
    text, starts = _reference_pages(pages, set())
    assert b.text() == text
    assert [p.start for p in b.pages] == starts
    assert "agreement ends here." in text and text.count("\n\n") == 3


def test_pdf_run_on_paragraph_is_linear():
    from analyzer.core.text_builder import TextBuilder
    from analyzer.ingest.pdf import _write_pages

    par = "the clause goes on " * 250 + "and"
    pages = [[par] for _ in range(400)]  # one 1.9 MB paragraph over 400 pages
    b = TextBuilder("k")
    t0 = time.perf_counter()
    _write_pages(b, pages, set(), set())
    assert time.perf_counter() - t0 < 3  # the whole-text join took ~20 s here
    assert len(b.text()) == 400 * len(par) + 399 and len(b.pages) == 400
