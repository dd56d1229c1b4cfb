"""Build the sample agreements in samples/ as DOCX, PDF and TXT.

The agreements are written in a small line markup under ``samples/src/``:

    = TITLE                 title
    # HEADING               numbered article heading (Heading 1, list level 0: "1.")
    ## HEADING              unnumbered Heading 1 (recitals, schedules, signatures)
    ### Heading             unnumbered Heading 2
    . text                  numbered clause (list level 1: "1.1")
    .. text                 numbered sub-clause (list level 2: "(a)")
    * text                  recital ("(A)")
    > text                  indented paragraph (party descriptions)
    | a | b | c             table row; the first row of a table is its header
    anything else           body paragraph

Inline: ``**bold**``, ``{-deleted-}`` / ``{+inserted+}`` (a tracked change by
"Counterparty Counsel") and ``<<commented text||comment>>``.

DOCX files use real Word automatic numbering (numbering.xml, paragraphs with
w:numPr), Heading styles, a running header and a "Page N of M" footer. PDFs are
rendered with reportlab (invariant mode) with the numbers as a reader sees them,
the running header "CONFIDENTIAL — Draft" and the footer "Page N of M". TXT
files hold the same text, one paragraph per line. Tracked changes appear
accepted in the PDF and TXT versions. The build is deterministic: fixed dates
and metadata, fixed zip timestamps, reportlab invariant mode.

Run: ``python samples/build_samples.py`` (or ``make samples``).
"""

from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _docx_writer import write_docx  # noqa: E402
from _pdf_writer import write_pdf  # noqa: E402

SRC = HERE / "src"
SAMPLES = {
    # name: (source files, document title, date of the tracked change and comment)
    "tech_license": (["tech_license.txt"], "Patent and Know-How Licence Agreement", "2025-03-10T09:30:00Z"),
    "jv_agreement": (["jv_agreement.txt"], "Joint Venture Agreement", "2025-05-28T14:00:00Z"),
    "rd_collaboration": (["rd_collaboration.txt"], "Research and Development Collaboration Agreement", "2025-08-20T11:15:00Z"),
    "mutual_nda": (["mutual_nda.txt"], "Mutual Non-Disclosure Agreement", "2025-01-15T16:45:00Z"),
    "outbound_license": (["outbound_license.txt"], "Technology Licence Agreement", "2025-09-12T10:20:00Z"),
}
LONG = "long_license"
COUNTERPARTY = "Counterparty Counsel"


# --------------------------------------------------------------------------- markup


@dataclass
class Run:
    text: str
    bold: bool = False
    kind: str = "text"  # text | ins | del | cstart | cend
    comment: str = ""


@dataclass
class Element:
    kind: str  # title heading heading2 clause recital party table para
    runs: list[Run] = field(default_factory=list)
    numbered: bool = False
    level: int = 0  # list level for clauses: 1 or 2
    label: str = ""  # the number as the reader sees it
    rows: list[list[str]] = field(default_factory=list)

    @property
    def plain(self) -> str:
        """Visible text with tracked changes accepted."""
        return "".join(r.text for r in self.runs if r.kind in ("text", "ins"))


_INLINE = re.compile(r"\*\*(.+?)\*\*|\{\+(.+?)\+\}|\{-(.+?)-\}|<<(.+?)\|\|(.+?)>>")


def parse_inline(text: str) -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append(Run(text[pos:m.start()]))
        if m.group(1) is not None:
            runs.append(Run(m.group(1), bold=True))
        elif m.group(2) is not None:
            runs.append(Run(m.group(2), kind="ins"))
        elif m.group(3) is not None:
            runs.append(Run(m.group(3), kind="del"))
        else:
            runs.append(Run("", kind="cstart", comment=m.group(5)))
            runs.extend(parse_inline(m.group(4)))
            runs.append(Run("", kind="cend"))
        pos = m.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return runs


def parse_markup(text: str) -> list[Element]:
    """Turn the line markup into elements and compute the visible numbers."""
    out: list[Element] = []
    art = cl = sub = rec = 0
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            continue
        if line.startswith("| "):
            cells = [c.strip() for c in line[2:].split(" | ")]
            if out and out[-1].kind == "table":
                out[-1].rows.append(cells)
            else:
                out.append(Element("table", rows=[cells]))
            continue
        for prefix, kind in (("= ", "title"), ("### ", "heading2"), ("## ", "heading"), ("# ", "heading"),
                             (".. ", "clause2"), (". ", "clause"), ("* ", "recital"), ("> ", "party")):
            if line.startswith(prefix):
                body = line[len(prefix):]
                break
        else:
            kind, body = "para", line
        el = Element(kind, parse_inline(body))
        if kind == "heading" and prefix == "# ":
            art, cl, sub = art + 1, 0, 0
            el.numbered, el.label = True, f"{art}."
        elif kind == "clause":
            cl, sub = cl + 1, 0
            el.numbered, el.level, el.label = True, 1, f"{art}.{cl}"
        elif kind == "clause2":
            sub += 1
            el.kind, el.numbered, el.level, el.label = "clause", True, 2, f"({chr(96 + sub)})"
        elif kind == "recital":
            rec += 1
            el.numbered, el.label = True, f"({chr(64 + rec)})"
        out.append(el)
    return out


# --------------------------------------------------------------------------- TXT


def render_txt(elements: list[Element]) -> str:
    lines: list[str] = []
    for el in elements:
        if el.kind == "table":
            widths = [max(len(r[i]) if i < len(r) else 0 for r in el.rows) for i in range(len(el.rows[0]))]
            for row in el.rows:
                lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        elif el.kind == "title":
            lines.append(el.plain.upper())
        elif el.kind == "heading":
            lines.append(f"{el.label} {el.plain}" if el.numbered else el.plain)
        elif el.kind == "clause" and el.level == 2:
            lines.append(f"    {el.label} {el.plain}")
        elif el.numbered:
            lines.append(f"{el.label} {el.plain}")
        elif el.kind == "party":
            lines.append(f"    {el.plain}")
        else:
            lines.append(el.plain)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- long licence


def long_license_markup() -> str:
    """The licence with its schedules extended by the technical annexes (about 30 pages)."""
    base = (SRC / "tech_license.txt").read_text(encoding="utf-8")
    base = base.split("## SCHEDULE 2 - LICENSED KNOW-HOW")[0]
    head, _, sched1 = base.partition("## SCHEDULE 1 - LICENSED PATENTS")
    from _long_annexes import annex_markup_full as annex_markup
    from _long_annexes import patent_rows

    rows = "\n".join("| " + " | ".join(r) for r in patent_rows())
    table_head = "| Country | Application / patent no. | Title | Status"
    return (head + "## SCHEDULE 1 - LICENSED PATENTS\nThe Licensed Patents comprise the following patent families "
            "and their national and regional members.\n" + table_head + "\n" + rows + "\n"
            + annex_markup())


# --------------------------------------------------------------------------- main


def build(out_dir: Path = HERE) -> list[Path]:
    written: list[Path] = []
    jobs = [(name, "".join((SRC / f).read_text(encoding="utf-8") for f in files), title, when)
            for name, (files, title, when) in SAMPLES.items()]
    jobs.append((LONG, long_license_markup(), "Patent and Know-How Licence Agreement with Technical Annexes",
                 SAMPLES["tech_license"][2]))
    for name, markup, title, when in jobs:
        elements = parse_markup(markup)
        docx = out_dir / f"{name}.docx"
        docx.write_bytes(write_docx(elements, title=title, change_author=COUNTERPARTY, change_date=when))
        pdf = out_dir / f"{name}.pdf"
        buf = io.BytesIO()
        write_pdf(elements, buf, title=title)
        pdf.write_bytes(buf.getvalue())
        written += [docx, pdf]
        if name != LONG:
            txt = out_dir / f"{name}.txt"
            txt.write_text(render_txt(elements), encoding="utf-8", newline="\n")
            written.append(txt)
    from _cjk_samples import build as build_cjk

    written += build_cjk(SRC, out_dir)
    return written


if __name__ == "__main__":
    for p in build():
        print(f"{p.relative_to(HERE.parent)}  {p.stat().st_size:,} bytes")
