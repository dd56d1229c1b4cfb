"""Safe rendering of document text in the app. Pure functions: everything is escaped.

Text that comes from a document or an upload (contract text, evidence, clause
headings, party names, suggestions, file names) is never handed to Markdown.
It is shown as HTML built here with ``html.escape`` and emitted with
``st.html``, which Streamlit inserts as sanitised HTML without a Markdown pass.
``md_escape`` is only for the few places where Streamlit accepts nothing but
Markdown (alert bodies, widget labels, tooltips, progress text): it escapes
every character that could start a Markdown construct, so images, links,
raw HTML, emphasis, math and Streamlit directives cannot form.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from analyzer.output.render import md_text

CSS = """
<style>
.ca-text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5;background:#fbfbf8;
  border:1px solid #e6e6e0;border-radius:6px;padding:.6em .9em;max-height:28em;overflow:auto}
.ca-text mark.ev{background:#ffe58a;padding:0 1px}
.ca-text mark.hit{background:#ffb3a7;padding:0 1px}
.ca-text span.ent{border-bottom:2px solid #4a90d9}
.ca-text span.def{border-bottom:2px dashed #2e7d32;font-weight:600}
.ca-note{font-size:.875rem;color:rgba(49,51,63,.6);margin:0 0 .4em 0}
.ca-line{margin:0 0 .4em 0}
.ca-chip{display:inline-block;font-size:.8em;padding:0 .5em;margin:0 .25em .25em 0;border-radius:9px;
  background:#eef2f7;border:1px solid #d5dce6}
</style>
"""


@dataclass(frozen=True)
class Mark:
    """A span to highlight: ``kind`` is a CSS class (ev, hit, ent, def); ``title`` a tooltip."""

    start: int
    end: int
    kind: str = "ev"
    title: str = ""


def _wrap(segment: str, marks: list[Mark]) -> str:
    out = html.escape(segment)
    for m in marks:  # innermost first
        tag = "mark" if m.kind in ("ev", "hit") else "span"
        title = f' title="{html.escape(m.title, quote=True)}"' if m.title else ""
        out = f'<{tag} class="{m.kind}"{title}>{out}</{tag}>'
    return out


def highlight(text: str, start: int, end: int, marks: list[Mark]) -> str:
    """``text[start:end]`` as escaped HTML with each mark (clipped to the window) wrapped."""
    start, end = max(0, start), min(len(text), end)
    marks = [Mark(max(m.start, start), min(m.end, end), m.kind, m.title)
             for m in marks if m.end > start and m.start < end and m.end > m.start]
    cuts = sorted({start, end, *(m.start for m in marks), *(m.end for m in marks)})
    parts = []
    for a, b in zip(cuts, cuts[1:]):
        active = [m for m in marks if m.start <= a and b <= m.end]
        active.sort(key=lambda m: (m.end - m.start))
        parts.append(_wrap(text[a:b], active))
    return "".join(parts)


def context_window(text: str, start: int, end: int, context: int = 160) -> tuple[int, int]:
    """A window around ``[start, end)`` widened by ``context`` characters, snapped to whitespace."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    if lo > 0:
        sp = text.find(" ", lo, start)
        lo = sp + 1 if sp != -1 else lo
    if hi < len(text):
        sp = text.rfind(" ", end, hi)
        hi = sp if sp != -1 else hi
    return lo, hi


def snippet(text: str, start: int, end: int, context: int = 160, kind: str = "hit") -> str:
    """Evidence ``[start, end)`` highlighted inside its context, as a block of HTML."""
    lo, hi = context_window(text, start, end, context)
    body = highlight(text, lo, hi, [Mark(start, end, kind)])
    return f'<div class="ca-text">{"… " if lo > 0 else ""}{body}{" …" if hi < len(text) else ""}</div>'


def block(text: str, start: int, end: int, marks: list[Mark], limit: int = 12000) -> str:
    """A whole clause with its marks; very long clauses are cut at ``limit`` characters."""
    hi = min(end, start + limit)
    more = " …" if hi < end else ""
    return f'<div class="ca-text">{highlight(text, start, hi, marks)}{more}</div>'


def chips(items: list[str]) -> str:
    return "".join(f'<span class="ca-chip">{html.escape(x)}</span>' for x in items)


def esc(text: object) -> str:
    """``text`` as HTML text (``& < > " '`` escaped)."""
    return html.escape(str(text), quote=True)


def line(text: object, strong: str = "", cls: str = "ca-line") -> str:
    """A paragraph of escaped ``text``, optionally led by a bold, escaped ``strong`` label."""
    lead = f"<b>{esc(strong)}</b> " if strong else ""
    return f'<p class="{cls}">{lead}{esc(text)}</p>'


def note(text: object, strong: str = "") -> str:
    """Like ``line`` in the small grey style of a caption."""
    return line(text, strong, cls="ca-note")


def md_escape(text: object) -> str:
    """``text`` for a place that only takes Markdown, with every Markdown construct disabled.

    Each line goes through ``report.md_text`` (HTML-escaped, Markdown control
    characters backslash-escaped); that also disables Streamlit's ``:color[...]``
    directives and ``$`` math. The text reads the same once rendered.
    """
    return "\n".join(md_text(part) for part in str(text).splitlines())
