"""Hostile uploads and hostile text in the app, the Markdown memo and the spreadsheet exports.

- a password-protected (ZipCrypto) or damaged zip is a one-line refusal, never a crash;
- all uploads of a batch share one budget of files and uncompressed bytes, and
  extracted members are streamed to a private temporary folder, not held in memory;
- contract text, party names and file names are shown as escaped HTML (``st.html``),
  never through Markdown, so ``![p](url)`` cannot make the browser fetch anything;
- the Markdown memo escapes the document's text and file name;
- CSV/XLSX cells that a spreadsheet would read as a formula are neutralised.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from analyzer.core.settings import Limits
from ui.uploads import UploadBudget, collect, extract_zip

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 180

IMAGE = "![p](http://127.0.0.1:1/p.png)"
BOLD = "**x**"
TAG = "<img src=x onerror=alert(1)>"
HOSTILE_CONTRACT = f"""TECHNOLOGY LICENSE AGREEMENT

This Technology License Agreement is made between {BOLD} Holdings Ltd ("Licensor") and Beta Inc ("Licensee").

1. Definitions

"Licensed Technology" means the software described in {IMAGE}.

2. License Grant

2.1 Licensor grants Licensee a non-exclusive, non-transferable licence to use the Licensed Technology. {BOLD} {TAG} {IMAGE}

3. Confidentiality

Each party shall keep the other party's Confidential Information confidential. {IMAGE} {BOLD} {TAG}

4. Governing Law

This Agreement is governed by the laws of England. {BOLD}
"""
FORMULA_NAMES = ["=HYPERLINK(1).txt", "+1.txt", "@x.txt", "-2.txt", "\tx.txt", "\rx.txt"]


def _md():
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def _assert_no_markup(rendered: str) -> None:
    """HTML a Markdown renderer made: no element that came from the document's text."""
    low = rendered.lower()
    assert "<img" not in low and "<a " not in low and "<strong>x</strong>" not in low, rendered


# ---------------------------------------------------------------- zip archives

def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _patch_headers(data: bytes, member: str, *, flag: int = 0, method: int | None = None) -> bytes:
    """Set general-purpose flag bits (and optionally the compression method) of ``member``
    in both its local header and its central-directory entry."""
    raw = bytearray(data)
    encoded = member.encode()
    pos = 0
    while (pos := raw.find(b"PK\x03\x04", pos)) != -1:
        n = struct.unpack_from("<H", raw, pos + 26)[0]
        if bytes(raw[pos + 30:pos + 30 + n]) == encoded:
            struct.pack_into("<H", raw, pos + 6, struct.unpack_from("<H", raw, pos + 6)[0] | flag)
            if method is not None:
                struct.pack_into("<H", raw, pos + 8, method)
        pos += 4
    pos = 0
    while (pos := raw.find(b"PK\x01\x02", pos)) != -1:
        n = struct.unpack_from("<H", raw, pos + 28)[0]
        if bytes(raw[pos + 46:pos + 46 + n]) == encoded:
            struct.pack_into("<H", raw, pos + 8, struct.unpack_from("<H", raw, pos + 8)[0] | flag)
            if method is not None:
                struct.pack_into("<H", raw, pos + 10, method)
        pos += 4
    return bytes(raw)


def _zipcrypto() -> bytes:
    """A zip whose ``secret.txt`` is marked ZipCrypto-encrypted (flag bit 0), next to a plain member."""
    data = _zip({"open.txt": b"This Agreement is open.", "secret.txt": b"\x8f" * 12 + b"ciphertext..."})
    return _patch_headers(data, "secret.txt", flag=0x1)


def _bad_crc() -> bytes:
    data = bytearray(_zip({"a.txt": b"This Agreement is damaged."}))
    data[data.find(b"damaged")] ^= 0x20
    return bytes(data)


def _bad_deflate() -> bytes:
    data = bytearray(_zip({"a.txt": b"This Agreement is compressed. " * 50}, zipfile.ZIP_DEFLATED))
    start = 30 + len("a.txt")
    for i in range(start, start + 12):
        data[i] ^= 0xFF
    return bytes(data)


def _truncated() -> bytes:
    data = _zip({"a.txt": b"This Agreement is cut short. " * 20})
    return data[: len(data) // 2]


def _bad_directory() -> bytes:
    data = bytearray(_zip({"a.txt": b"This Agreement has a broken directory."}))
    cd = data.find(b"PK\x01\x02")
    data[cd + 42:cd + 46] = struct.pack("<L", 0xFFFFFF)  # local header offset past the end
    return bytes(data)


@pytest.mark.parametrize("unused", [None])
def test_zipcrypto_member_is_refused_with_one_line_and_the_rest_is_taken(unused):
    got = collect([("deals.zip", _zipcrypto())], Limits())
    assert [f.name for f in got.files] == ["open.txt"]
    assert got.files[0].data == b"This Agreement is open."
    assert [str(s) for s in got.skipped] == ["deals.zip/secret.txt: encrypted zip member"]


@pytest.mark.parametrize("builder,member_level", [
    (_zipcrypto, True),
    (_bad_crc, True),
    (_bad_deflate, True),
    (lambda: _patch_headers(_zip({"a.txt": b"This Agreement."}), "a.txt", method=99), True),  # unknown method
    (lambda: _patch_headers(_zip({"a.txt": b"This Agreement."}), "a.txt", flag=0x41), True),  # strong encryption
    (_truncated, False),
    (_bad_directory, False),
    (lambda: b"PK\x03\x04" + b"\x00" * 40, False),
])
def test_bad_zip_is_a_one_line_refusal_never_an_exception(builder, member_level):
    got = collect([("bad.zip", builder()), ("ok.txt", b"This Agreement is fine.")], Limits())
    assert [f.name for f in got.files] == (["open.txt", "ok.txt"] if builder is _zipcrypto else ["ok.txt"])
    assert got.skipped
    for s in got.skipped:
        line = str(s)
        assert "\n" not in line and line.startswith("bad.zip")
        assert "Traceback" not in line and s.reason
    if member_level:
        assert all(s.name.startswith("bad.zip/") for s in got.skipped)


@pytest.mark.parametrize("declared", [60_000])
def test_archive_declaring_too_many_entries_is_refused_before_parsing(declared):
    data = bytearray(_zip({"a.txt": b"This Agreement."}))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, declared, declared)
    got = collect([("many.zip", bytes(data))], Limits())
    assert not got.files
    assert [str(s) for s in got.skipped] == [
        f"many.zip: file exceeds the size or page limit ({declared} files in the archive, the limit is 200)"]


@pytest.mark.parametrize("unused", [None])
def test_batch_page_keeps_working_with_an_encrypted_zip(unused):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/batch.py").run()
    at.file_uploader(key="batch_upload").set_value(("locked.zip", _zipcrypto(), "application/zip")).run()
    assert not at.exception, at.exception
    refused = " ".join(h.value for h in at.html)
    assert "locked.zip/secret.txt: encrypted zip member" in refused
    assert any("1 file(s) to analyze, 1 refused" in c.value for c in at.caption)


def _many_small_zips(count: int, members: int, size: int) -> list[tuple[str, bytes]]:
    """``count`` zips of ``members`` highly compressible members of ``size`` bytes each."""
    return [(f"part{z}.zip", _zip({f"m{i:03d}.txt": bytes([65 + z]) * size for i in range(members)},
                                   zipfile.ZIP_DEFLATED)) for z in range(count)]


@pytest.mark.parametrize("unused", [None])
def test_six_zips_share_one_file_budget(unused):
    limits = Limits(max_batch_files=10, max_batch_bytes=100 * 1024 * 1024)
    got = collect(_many_small_zips(6, 4, 1000), limits)
    assert len(got.files) == 10
    refusals = [s for s in got.skipped]
    assert [s.name for s in refusals] == ["part2.zip", "part3.zip", "part4.zip", "part5.zip"]
    assert refusals[0].reason.startswith("the batch limit of 10 files is reached: 2 more file(s) not extracted")
    assert "m002.txt" in refusals[0].reason and refusals[0].status == "skipped"
    assert all("4 more file(s) not extracted" in s.reason for s in refusals[1:])


@pytest.mark.parametrize("unused", [None])
def test_six_zips_share_one_byte_budget_and_plain_files_count_too(unused):
    limits = Limits(max_batch_files=1000, max_batch_bytes=9000)
    items = _many_small_zips(6, 4, 1000) + [("late.txt", b"This Agreement. " * 10)]
    got = collect(items, limits)
    assert len(got.files) == 9 and sum(f.size for f in got.files) == 9000
    assert all("batch limit of 8.8 KB uncompressed is reached" in s.reason for s in got.skipped)
    assert got.skipped[-1].name == "late.txt"
    assert {s.name for s in got.skipped} == {"part2.zip", "part3.zip", "part4.zip", "part5.zip", "late.txt"}


@pytest.mark.parametrize("unused", [None])
def test_archive_refused_part_way_gives_its_budget_back(unused):
    limits = Limits(max_archive_ratio=50, archive_ratio_floor_bytes=100)
    members = {"m0.txt": os.urandom(300), "m1.txt": os.urandom(300), "m2.txt": b"0" * 20_000}  # m2: a bomb
    budget = UploadBudget(max_files=100, max_bytes=10**6)
    got = collect([("a.txt", b"This Agreement."), ("bomb.zip", _zip(members, zipfile.ZIP_DEFLATED))],
                  limits, budget)
    assert [f.name for f in got.files] == ["a.txt"]
    assert [s.name for s in got.skipped] == ["bomb.zip"] and "compresses" in got.skipped[0].reason
    assert budget.files == 1 and budget.bytes == len(b"This Agreement.")


@pytest.mark.parametrize("unused", [None])
def test_one_budget_object_spans_several_collect_calls(unused):
    budget = UploadBudget(max_files=5, max_bytes=10**9)
    limits = Limits()
    first = collect(_many_small_zips(1, 4, 100), limits, budget)
    second = collect(_many_small_zips(1, 4, 100), limits, budget)
    assert len(first.files) == 4 and len(second.files) == 1
    assert budget.files == 5 and budget.files_left == 0


@pytest.mark.parametrize("unused", [None])
def test_zip_members_are_streamed_to_disk_and_removed_with_the_batch(unused):
    mb = 1024 * 1024
    items = _many_small_zips(6, 19, mb)  # each ~20 KB compressed, 19 MB uncompressed
    limits = Limits(max_batch_files=1000, max_batch_bytes=30 * mb)
    state = sys.modules.get("ui.state")
    if state is not None:  # tracemalloc counts every thread: let an app test's classifier warm-up finish first
        state.classifier_ready(wait=300)
    gc.collect()
    tracemalloc.start()
    try:
        got = collect(items, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(f.size for f in got.files) == 30 * mb and len(got.files) == 30
    assert peak < 4 * mb, f"peak {peak} bytes in memory while extracting"
    assert got.files[0].data == b"A" * mb
    folder = Path(got.files[0]._path).parent
    assert folder.is_dir() and (folder.stat().st_mode & 0o777) == 0o700
    assert len(list(folder.iterdir())) == 30
    del got
    gc.collect()
    assert not folder.exists()


@pytest.mark.parametrize("unused", [None])
def test_lying_member_size_is_not_trusted(unused):
    data = bytearray(_zip({"a.txt": b"This Agreement is longer than it says. " * 100}, zipfile.ZIP_DEFLATED))
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # uncompressed size -> 10 bytes
        pos = data.find(sig)
        struct.pack_into("<L", data, pos + off, 10)
    budget = UploadBudget(max_files=10, max_bytes=10**6)
    got = extract_zip("liar.zip", bytes(data), Limits(), budget)
    assert not got.files and budget.bytes == 0
    assert len(got.skipped) == 1 and got.skipped[0].name == "liar.zip/a.txt"
    assert "cannot be extracted" in got.skipped[0].reason


@pytest.mark.parametrize("unused", [None])
def test_batch_page_applies_the_batch_budget_across_zips(monkeypatch, unused):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("ANALYZER_MAX_BATCH_FILES", "5")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("app_pages/batch.py").run()
    files = [(n, d, "application/zip") for n, d in _many_small_zips(6, 4, 500)]
    at.file_uploader(key="batch_upload").set_value(files).run()
    assert not at.exception, at.exception
    assert any(c.value.startswith("5 file(s) to analyze, 5 refused") for c in at.caption)
    refused = " ".join(h.value for h in at.html)
    assert "part1.zip: the batch limit of 5 files is reached: 3 more file(s) not extracted" in refused
    first = at.session_state["batch_collected"]["got"]
    at.run()  # a rerun reuses the extracted files instead of extracting again
    assert at.session_state["batch_collected"]["got"] is first


# ---------------------------------------------------------------- contract text in the app

@pytest.mark.parametrize("unused", [None])
def test_highlight_functions_escape_everything(unused):
    from ui import highlight

    text = f"Intro. {IMAGE} {BOLD} {TAG} end."
    start = text.index(IMAGE)
    outputs = [highlight.snippet(text, start, start + len(IMAGE)),
               highlight.block(text, 0, len(text), [highlight.Mark(start, len(text), "ev", TAG)]),
               highlight.chips([TAG, BOLD]), highlight.line(TAG, strong=TAG), highlight.note(text)]
    for out in outputs:
        assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt;" in out
    assert IMAGE in outputs[0]  # literal text inside HTML: st.html has no Markdown pass
    assert 'title="&lt;img src=x onerror=alert(1)&gt;"' in outputs[1]


@pytest.mark.parametrize("text", [f"{IMAGE} {BOLD} {TAG}", "1. [a](javascript:x) `c` $x$ :red[y] | t |",
                                  "www.example.com a@b.c http://x _i_ ~~s~~"])
def test_md_escape_leaves_no_markdown_construct(text):
    from ui.highlight import md_escape

    rendered = _md().render(md_escape(text))
    _assert_no_markup(rendered)
    assert rendered.count("<p>") == 1 and "<em>" not in rendered and "<code>" not in rendered
    assert "<ol" not in rendered and "<s>" not in rendered and "<table" not in rendered


def _markdown_values(at) -> list[str]:
    values = [m.value for m in at.markdown] + [c.value for c in at.caption]
    for kind in ("error", "warning", "info", "success"):
        values += [e.value for e in getattr(at, kind)]
    values += [s.label for s in at.status] + [e.label for e in at.expander]
    return values


@pytest.mark.slow  # the app loads the real classifier
@pytest.mark.parametrize("name", [f"{BOLD}{TAG}.txt"])
def test_review_page_shows_contract_text_as_escaped_html_only(name):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="review_upload").set_value((name, HOSTILE_CONTRACT.encode(), "text/plain")).run()
    assert not at.exception, at.exception
    report = next(iter(at.session_state["reports"].values()))
    target = next(c for c in report.clauses if TAG in report.text[c.start:c.end])
    box = next(s for s in at.selectbox if str(s.key).startswith("clause:"))
    box.set_value(target.id).run()
    assert not at.exception, at.exception

    bodies = [h.value for h in at.html]
    shown = "\n".join(bodies)
    assert "<img" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert IMAGE in shown and BOLD in shown  # verbatim text, inside HTML that no Markdown pass reads
    assert any('class="ca-text"' in b and "&lt;img" in b for b in bodies)  # the clause text
    assert any(b.startswith('<p class="ca-note"><b>File:</b> **x**&lt;img') for b in bodies)  # the file name

    md = _md()
    for value in _markdown_values(at):
        assert IMAGE not in value and BOLD not in value, value
        _assert_no_markup(md.render(value))


@pytest.mark.slow  # the app loads the real classifier
@pytest.mark.parametrize("name", [f"{IMAGE}{TAG}.pdf"])
def test_review_error_naming_a_hostile_file_is_escaped(name):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.file_uploader(key="review_upload").set_value((name, b"%PDF-1.4\n%broken", "application/pdf")).run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert errors and all("\n" not in e for e in errors)
    md = _md()
    for value in _markdown_values(at):
        _assert_no_markup(md.render(value))
    assert "p.png" in md.render(errors[0])  # the name is still shown, as text


# ---------------------------------------------------------------- the Markdown and HTML memos

@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md"])
def test_markdown_memo_escapes_contract_text_and_file_name(tmp_path, fmt):
    path = tmp_path / f"{TAG}.txt"
    path.write_text(HOSTILE_CONTRACT, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "analyzer", "analyze", str(path), "--format", fmt],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    memo = proc.stdout
    assert memo.startswith("# Contract review: &lt;img src=x onerror=alert\\(1\\)&gt;.txt\n")
    assert "<img" not in memo and IMAGE not in memo and BOLD not in memo
    assert "> 3\\. Confidentiality Each party shall keep the other party's Confidential Information confidential. " \
           "\\!\\[p\\]\\(http\\://127.0.0.1:1/p.png\\) \\*\\*x\\*\\* &lt;img src=x onerror=alert\\(1\\)&gt;" in memo
    rendered = _md().render(memo)
    _assert_no_markup(rendered)
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in rendered  # the file name reads as written


@pytest.mark.usefixtures("stub_classifier")
@pytest.mark.parametrize("unused", [None])
def test_html_memo_is_escaped(unused):
    from analyzer.output.render import render
    from analyzer.pipeline import analyze

    report = analyze(HOSTILE_CONTRACT.encode(), filename=f"{TAG}.txt")
    page = render(report, "html")
    assert "<img" not in page and "onerror=alert(1)&gt;" in page
    assert "<title>Contract review: &lt;img src=x onerror=alert(1)&gt;.txt</title>" in page


@pytest.mark.parametrize("text,expected", [
    ("a_b", "a_b"), ("_a_", "\\_a\\_"), ("__a__", "\\_\\_a\\_\\_"), ("# h", "\\# h"), ("1. x", "1\\. x"),
    ("- x", "\\- x"), ("a|b", "a\\|b"), ("<b>&", "&lt;b&gt;&amp;"), ("x\n# y", "x \\# y"),
])
def test_md_text_escapes_markdown_and_html(text, expected):
    from analyzer.output.render import md_text

    assert md_text(text) == expected


# ---------------------------------------------------------------- spreadsheet exports

@pytest.mark.parametrize("unused", [None])
def test_summary_csv_and_xlsx_neutralise_formulas(tmp_path, unused):
    from openpyxl import load_workbook

    from analyzer.output.portfolio import error_row, skipped_row, write_summary

    rows = [error_row(n, "=1+1 reason") for n in FORMULA_NAMES[:3]]
    rows += [skipped_row(n, "-cmd reason") for n in FORMULA_NAMES[3:]]
    rows.append(error_row("plain.txt", "ordinary reason"))
    write_summary(rows, tmp_path)

    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    by_file = {r["file"]: r for r in table}
    assert set(by_file) == {"'" + n for n in FORMULA_NAMES} | {"plain.txt"}
    assert all(r["error"].startswith("'") for f, r in by_file.items() if f != "plain.txt")
    assert by_file["plain.txt"]["error"] == "ordinary reason"

    ws = load_workbook(tmp_path / "summary.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = {c.value: c for c in ws["A"][1:]}
    assert set(names) == {"'" + n for n in FORMULA_NAMES} | {"plain.txt"}
    assert all(c.data_type == "s" for c in names.values())
    with zipfile.ZipFile(tmp_path / "summary.xlsx") as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


@pytest.mark.parametrize("value,expected", [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("", ""), (-2, -2), (1.5, 1.5), (None, None),
])
def test_spreadsheet_safe(value, expected):
    from analyzer.output.portfolio import spreadsheet_safe

    assert spreadsheet_safe(value) == expected


@pytest.mark.slow  # the app loads the real classifier
@pytest.mark.parametrize("names", [("=HYPERLINK(1).txt", "@x.txt")])
def test_batch_page_exports_neutralise_formulas(samples_dir, names):
    import streamlit.testing.v1.app_test as app_test
    from openpyxl import load_workbook
    from streamlit.runtime.media_file_storage import MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import AppTest

    storages: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            storages.append(self)

    def download(at, key: str) -> bytes:
        button = next(b for b in at.get("download_button") if b.key == key)
        name = os.path.basename(button.proto.url)
        for storage in reversed(storages):
            try:
                return storage.get_file(name).content
            except MediaFileStorageError:
                continue
        raise AssertionError(key)

    body = (samples_dir / "tech_license.txt").read_bytes()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(app_test, "MemoryMediaFileStorage", Recording)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        at.switch_page("app_pages/batch.py").run()
        at.file_uploader(key="batch_upload").set_value([(n, body, "text/plain") for n in names]).run()
        at.button(key="batch_run").click().run()
        assert not at.exception, at.exception
        summary = list(csv.DictReader(io.StringIO(download(at, "dl_csv").decode())))
        findings = list(csv.DictReader(io.StringIO(download(at, "dl_findings_csv").decode())))
        book = load_workbook(io.BytesIO(download(at, "dl_xlsx"))).active
    assert sorted(r["file"] for r in summary) == sorted("'" + n for n in names)
    assert findings and all(r["file"].startswith("'") for r in findings)
    assert all(not (r[k] or "").startswith(("=", "+", "-", "@")) for r in findings + summary for k in r)
    assert not [c.coordinate for row in book.iter_rows() for c in row if c.data_type == "f"]
    assert sorted(c.value for c in book["A"][1:]) == sorted("'" + n for n in names)
