"""A font map that declares billions of codes is cut to a budget, so a tiny PDF cannot
make text extraction run for hours or exhaust memory."""

from __future__ import annotations

import io
import resource
import subprocess
import sys
from pathlib import Path

from pdfminer.cmapdb import FileUnicodeMap

from analyzer.ingest.pdf_cmap_limit import MAX_CMAP_ENTRIES, BoundedCMapParser

ROOT = Path(__file__).resolve().parents[2]
HUGE_RANGE = b"1 beginbfrange\n<00000000> <FFFFFFFF> <0041>\nendbfrange\n"


def cmap_stream(body: bytes) -> bytes:
    return (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" + body +
            b"endcmap\nend\nend\n")


def pdf_with_tounicode(cmap: bytes, text_hex: bytes = b"<00010002>") -> bytes:
    """A one-page PDF whose Type0 font reads its ToUnicode map from ``cmap``."""
    content = b"BT /F1 12 Tf 72 720 Td " + text_hex + b" Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Hostile /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Hostile "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 500 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def parse_map(body: bytes, parser=BoundedCMapParser) -> FileUnicodeMap:
    umap = FileUnicodeMap()
    parser(umap, io.BytesIO(cmap_stream(body))).run()
    return umap


def test_huge_range_is_cut_to_the_budget():
    umap = parse_map(HUGE_RANGE)
    assert 0 < len(umap.cid2unichr) <= MAX_CMAP_ENTRIES
    assert umap.cid2unichr[0] == "A" and umap.cid2unichr[25] == "Z"


def test_ordinary_ranges_map_as_before():
    from pdfminer.cmapdb import CMapParser

    body = (b"2 beginbfrange\n<0000> <00FF> <0020>\n<0100> <0102> [<0041> <0042> <0043>]\nendbfrange\n"
            b"1 begincidrange\n<0200> <02FF> 512\nendcidrange\n")
    bounded = parse_map(body)
    assert bounded.cid2unichr == parse_map(body, CMapParser).cid2unichr
    assert len(bounded.cid2unichr) == 256 + 3 + 256


def test_budget_is_shared_by_every_range_of_a_map():
    body = b"".join(b"1 beginbfrange\n<0000> <FFFF> <0020>\nendbfrange\n" for _ in range(8))
    body += b"1 beginbfrange\n<00000000> <FFFFFFFF> <0020>\nendbfrange\n"
    parser = BoundedCMapParser(FileUnicodeMap(), io.BytesIO(cmap_stream(body)))
    parser.run()
    assert parser._entries_left == 0
    assert len(parser.cmap.cid2unichr) <= MAX_CMAP_ENTRIES


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))


def test_pdf_with_a_billion_code_map_finishes(tmp_path):
    pdf = tmp_path / "cmap.pdf"
    pdf.write_bytes(pdf_with_tounicode(cmap_stream(HUGE_RANGE)))
    code = ("import sys; from analyzer import parse\n"
            "from analyzer.core.errors import AnalyzerError\n"
            "try:\n    doc = parse(sys.argv[1]); print('parsed', len(doc.text))\n"
            "except AnalyzerError as e:\n    print('error', e)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(pdf)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limit_memory)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert proc.stdout.startswith(("parsed", "error cmap.pdf"))
