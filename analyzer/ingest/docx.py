"""DOCX → ``SourceDocument``, read straight from the OOXML parts with lxml.

Canonical text (see ``docx_body`` for the layout rules):

1. the body in reading order (paragraphs, tables, content controls), every
   tracked change accepted, list labels rebuilt from ``numbering.xml``;
2. then, when the document has notes, ``"\\n\\nFootnotes\\n[1] text"`` and
   ``"\\n\\nEndnotes\\n[i] text"`` sections, in order of first reference; the
   body keeps the ``[1]`` marker where the reference was.

Headers and footers are not part of the text. Pages are best-effort: when Word
saved rendered page breaks (``w:lastRenderedPageBreak``) they define the pages,
otherwise hard breaks (``w:br w:type="page"``, ``pageBreakBefore``, section
breaks) do; without any break ``SourceDocument.pages`` is empty and
``Block.page`` is None. Notes sections are outside every page.

Blocks: paragraph / heading / list_item (with ``style``, ``level``, ``number``),
table + table_cell (``row``, ``col``, ``parent_id``), insertion (span of the
inserted text, ``text`` = that text), deletion (zero-width, ``text`` = the
deleted text), comment (span of the anchored text, ``text`` = the comment),
footnote (the note's lines in the notes section; ``style`` is "footnote" or
"endnote"). A revision of a paragraph
mark is a zero-width insertion/deletion block whose ``text`` is ``"\\n"``.
"""

from __future__ import annotations

from lxml import etree

from analyzer.core.errors import Corrupt, NoText, TooLarge, UnsupportedFormat
from analyzer.core.schema import Block, Format, Issue, SourceDocument
from analyzer.core.text_builder import TextBuilder, char_limit, page_at
from analyzer.ooxml.body import BodyWalker
from analyzer.ooxml.elements import plain_text
from analyzer.ooxml.numbering import ListCounter, Numbering, Styles, W
from analyzer.ooxml.package import Package, open_package

_NOTE_PARTS = {
    "footnote": ("/footnotes", "word/footnotes.xml", "Footnotes"),
    "endnote": ("/endnotes", "word/endnotes.xml", "Endnotes"),
}
_BLOCK_RANK = {"table": 0, "table_cell": 1, "heading": 2, "list_item": 2, "paragraph": 2,
               "footnote": 2, "comment": 3, "insertion": 4, "deletion": 5}


def parse_docx(data: bytes, *, name: str, sha256: str, limits) -> SourceDocument:
    pkg = open_package(data, name, limits)
    try:
        return _parse(pkg, name, sha256, limits)
    except (etree.LxmlError, RecursionError) as exc:
        raise Corrupt(name, f"document XML cannot be read: {exc}") from None


def _parse(pkg: Package, name: str, sha256: str, limits) -> SourceDocument:
    main = pkg.main_part
    root = pkg.xml(main)
    if root is not None and "purl.oclc.org/ooxml" in (etree.QName(root).namespace or ""):
        raise UnsupportedFormat(name, "Strict Open XML document; save it as a standard .docx")
    body = root.find(W + "body") if root is not None else None
    if body is None:
        raise Corrupt(name, f"{main} has no w:body")
    styles = Styles(pkg.xml(pkg.related(main, "/styles", "word/styles.xml") or ""))
    numbering = Numbering(pkg.xml(pkg.related(main, "/numbering", "word/numbering.xml") or ""), styles)
    rendered = body.find(f".//{W}lastRenderedPageBreak") is not None

    b = TextBuilder(sha256, max_chars=char_limit(limits), name=name)
    walker = BodyWalker(b, styles, ListCounter(numbering), rendered_pages=rendered)
    walker.blocks(body)
    walker.flush_merge()
    body_end = b.offset
    _notes(walker, pkg)
    text = b.text()
    if not text.strip():
        raise NoText(name, "the document body has no text")

    _comments(walker, pkg, body_end)
    blocks = _finish_blocks(b.blocks, text)
    pages = _pages(b, walker.state.page_starts, body_end)
    if len(pages) > limits.max_pages:
        raise TooLarge(name, f"{len(pages):,} pages > limit {limits.max_pages:,}")
    if pages:
        for block in blocks:
            if block.kind != "footnote" and block.start <= body_end:
                block.page = page_at(pages, block.start)
    return SourceDocument(source=name, format=Format.DOCX, sha256=sha256, text=text,
                          pages=pages, blocks=blocks, issues=_issues(body))


def _notes(walker: BodyWalker, pkg: Package) -> None:
    """Append the footnotes / endnotes sections, one entry per referenced note."""
    for kind, (rel, default, title) in _NOTE_PARTS.items():
        if not any(r.kind == kind for r in walker.state.note_refs):
            continue
        root = pkg.xml(pkg.related(pkg.main_part, rel, default) or "")
        notes = {n.get(W + "id"): n for n in root.iter(W + kind)} if root is not None else {}
        walker.notes_section(title, kind, notes)


def _comments(walker: BodyWalker, pkg: Package, body_end: int) -> None:
    part = pkg.related(pkg.main_part, "/comments", "word/comments.xml")
    root = pkg.xml(part) if part else None
    if root is None:
        return
    st = walker.state
    for c in root.iter(W + "comment"):
        cid = c.get(W + "id")
        start = st.comment_starts.get(cid, st.comment_refs.get(cid))
        if start is None:
            continue  # not anchored in the body: Word does not show it
        end = st.comment_ends.get(cid, st.comment_refs.get(cid, start))
        start = min(start, body_end)
        end = min(max(start, end), body_end)
        text = plain_text(c, deleted=False)
        walker.b.count_extra(len(text))
        walker.b.add_block("comment", start, end, text=text,
                           author=c.get(W + "author"), date=c.get(W + "date"))


def _finish_blocks(blocks: list[Block], text: str) -> list[Block]:
    n = len(text)
    for block in blocks:
        if block.end > n:
            block.end = n
        if block.start > block.end:
            block.start = block.end
        if block.kind == "insertion" and block.text is None:
            block.text = text[block.start:block.end]
    return sorted(blocks, key=lambda x: (x.start, -x.end, _BLOCK_RANK.get(x.kind, 9)))


def _pages(b: TextBuilder, starts: list[int], body_end: int):
    starts = sorted({s for s in starts if 0 < s < body_end})
    if not starts:
        return []
    bounds = [0, *starts, body_end]
    for i in range(len(bounds) - 1):
        b.add_page(i + 1, bounds[i], bounds[i + 1])
    return b.pages


def _issues(body: etree._Element) -> list[Issue]:
    issues = []
    boxes = len(body.findall(f".//{W}txbxContent"))
    if boxes:
        issues.append(Issue(stage="parse", message=f"{boxes} text box(es) are not part of the text"))
    chunks = len(body.findall(f".//{W}altChunk"))
    if chunks:
        issues.append(Issue(stage="parse", message=f"{chunks} embedded document(s) (altChunk) skipped"))
    return issues
