"""Walk a WordprocessingML body in reading order and write the canonical text.

The canonical text is the document with every tracked change accepted:
``w:ins``/``w:moveTo`` content is kept, ``w:del``/``w:moveFrom`` content is left
out and recorded as a zero-width ``deletion`` block. Layout of the text:

- paragraphs are separated by one ``"\\n"``; empty paragraphs add nothing;
- a list paragraph starts with its label as Word draws it ("1.1", "(a)", "•")
  followed by the level's suffix (tab by default, or a space);
- table cells are joined by ``" | "`` and rows end with ``"\\n"``; paragraphs
  inside a cell are separated by ``"\\n"``;
- ``w:tab`` → ``"\\t"``, ``w:br``/``w:cr`` → ``"\\n"``, ``w:noBreakHyphen`` → ``"-"``;
  a page or column break inside a paragraph's text is a ``"\n"``;
- footnote and endnote references become ``"[1]"`` / ``"[i]"`` markers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Optional

from lxml import etree

from analyzer.core.text_builder import TextBuilder
from analyzer.ooxml.elements import (
    M_NS,
    has_accepted_text,
    is_on,
    plain_text,
    row_cells,
    symbol,
    table_rows,
)
from analyzer.ooxml.numbering import ListCounter, Styles, W, _int, format_number, wattr

_TRANSPARENT = {W + t for t in ("hyperlink", "smartTag", "customXml", "fldSimple", "bdo", "dir")}
_INSERTED = {W + "ins", W + "moveTo"}
_DELETED = {W + "del", W + "moveFrom"}
_SECTION_PAGE_TYPES = {None, "nextPage", "oddPage", "evenPage"}
MAX_GRID_SPAN = 63  # Word tables have at most 63 columns


@dataclass
class NoteRef:
    kind: str        # "footnote" | "endnote"
    note_id: str
    label: str
    offset: int


@dataclass
class BodyState:
    """What the walk collects besides the text."""

    comment_starts: dict[str, int] = field(default_factory=dict)
    comment_ends: dict[str, int] = field(default_factory=dict)
    comment_refs: dict[str, int] = field(default_factory=dict)
    note_refs: list[NoteRef] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)


class BodyWalker:
    def __init__(self, builder: TextBuilder, styles: Styles, counter: ListCounter,
                 rendered_pages: bool):
        self.b = builder
        self.styles = styles
        self.counter = counter
        self.rendered_pages = rendered_pages
        self.state = BodyState()
        self._sep = ""
        self._sink: Optional[list[str]] = None      # collects deleted text when set
        self._merge: Optional[dict] = None           # paragraph whose mark was deleted
        self._in_notes = False
        self._note_counts = {"footnote": 0, "endnote": 0}
        self._cell_children: Optional[list] = None
        self._mute = False                           # paragraph without visible text
        self._lstrip = False                         # drop leading blanks (start of a note)
        self._para_before = 0                        # builder offset where the paragraph began

    # ------------------------------------------------------------------ text output
    def pos(self) -> int:
        """Offset where the next emitted character will land."""
        return self.b.offset + len(self._sep)

    def emit(self, text: str) -> None:
        if not text:
            return
        if self._sink is not None:
            self.b.count_extra(len(text))
            self._sink.append(text)
            return
        if self._mute:
            return
        if self._lstrip:
            text = text.lstrip()
            if not text:
                return
            self._lstrip = False
        if self._sep:
            self.b.append(self._sep)
            self._sep = ""
        self.b.append(unicodedata.normalize("NFC", text))

    def _flush_sep(self, sep: str) -> None:
        self._sep = ""
        if sep and self._sink is None and not self._mute:
            self.b.append(sep)

    def page_break(self, offset: Optional[int] = None) -> None:
        if self._in_notes:
            return
        at = self.pos() if offset is None else offset
        starts = self.state.page_starts
        if at > 0 and (not starts or at > starts[-1]):
            starts.append(at)

    def add_block(self, kind: str, start: int, end: int, **fields):
        block = self.b.add_block(kind, start, max(start, end), **fields)
        if self._cell_children is not None and kind in ("paragraph", "heading", "list_item", "table"):
            self._cell_children.append(block)
        return block

    # ------------------------------------------------------------------ block level
    def blocks(self, parent: etree._Element, depth: int = 0) -> None:
        for el in parent:
            tag = el.tag
            if tag == W + "p":
                self.paragraph(el)
            elif tag == W + "tbl":
                self.table(el, depth)
            elif tag in (W + "sdt",):
                content = el.find(W + "sdtContent")
                if content is not None:
                    self.blocks(content, depth)
            elif tag in (W + "customXml", W + "ins", W + "moveTo"):
                self.blocks(el, depth)
            elif tag in (W + "commentRangeStart", W + "commentRangeEnd"):
                self.inline_marker(el)

    def paragraph(self, p: etree._Element) -> None:
        ppr = p.find(W + "pPr")
        mark_rpr = ppr.find(W + "rPr") if ppr is not None else None
        mark_del = mark_rpr.find(W + "del") if mark_rpr is not None else None
        if mark_del is None and mark_rpr is not None:
            mark_del = mark_rpr.find(W + "moveFrom")
        mark_ins = mark_rpr.find(W + "ins") if mark_rpr is not None else None
        if mark_ins is None and mark_rpr is not None:
            mark_ins = mark_rpr.find(W + "moveTo")
        has_text = has_accepted_text(p)

        if ppr is not None and not self.rendered_pages:
            if is_on(ppr.find(W + "pageBreakBefore")):
                self.page_break()

        merging = self._merge is not None
        if merging:
            info, self._merge = self._merge, None
        else:
            # Word (and LibreOffice) give no number to an empty paragraph whose mark was
            # deleted or that only carries a section break.
            carries_sect = ppr is not None and ppr.find(W + "sectPr") is not None
            info = self._paragraph_info(ppr, counts=has_text or (mark_del is None and not carries_sect))
        start = info["start"] if merging else None

        sep0 = "" if merging else self._sep
        if merging:
            self._sep = ""
        before = self.b.offset
        self._para_before = before
        if has_text and not merging and info["label"] is not None:
            self.emit(info["label"].text + info["label"].suffix)
        self._mute = not has_text
        self.inline(p)
        self._mute = False
        if start is None and self.b.offset > before:
            start = before + len(sep0)
        end = self.b.offset

        if mark_del is not None:
            self.add_block("deletion", self.pos(), self.pos(), text="\n",
                           author=wattr(mark_del, "author"), date=wattr(mark_del, "date"))
        if mark_ins is not None:
            self.add_block("insertion", end, end, text="\n",
                           author=wattr(mark_ins, "author"), date=wattr(mark_ins, "date"))
        if start is None:
            return  # nothing visible
        if mark_del is not None:
            info["start"] = start  # accepted: this paragraph runs on into the next one
            self._merge = info
            return
        label = info["label"]
        self.add_block(info["kind"], start, end, style=info["style"], level=info["level"],
                       number=None if label is None or label.bullet else label.text)
        self._sep = "\n"
        if ppr is not None and not self.rendered_pages:
            sect = ppr.find(W + "sectPr")
            if sect is not None and wattr(sect.find(W + "type")) in _SECTION_PAGE_TYPES:
                self.page_break(self.b.offset + 1)

    def flush_merge(self) -> None:
        """Close a paragraph whose deleted mark had nothing left to join."""
        if self._merge is None:
            return
        info, self._merge = self._merge, None
        label = info["label"]
        self.add_block(info["kind"], info["start"], self.b.offset, style=info["style"],
                       level=info["level"], number=None if label is None or label.bullet else label.text)
        self._sep = "\n"

    def _paragraph_info(self, ppr, counts: bool) -> dict:
        style_id = wattr(ppr.find(W + "pStyle")) if ppr is not None else None
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        num_id, ilvl = self.styles.numbering(style_id)
        from_style = num_id is not None
        if numpr is not None:
            direct_num = wattr(numpr.find(W + "numId"))
            direct_lvl = _int(wattr(numpr.find(W + "ilvl")))
            if direct_num is not None:
                num_id, from_style = direct_num, False
            if direct_lvl is not None:
                ilvl = direct_lvl
        if num_id is not None and ilvl is None and from_style:
            ilvl = self.counter.numbering.level_for_style(num_id, style_id)
        label = None
        if counts and num_id not in (None, "0"):
            label = self.counter.next_label(num_id, ilvl or 0)
        outline = self.styles.outline_level(style_id)
        direct_outline = _int(wattr(ppr.find(W + "outlineLvl"))) if ppr is not None else None
        if direct_outline is not None and direct_outline >= 0:
            outline = direct_outline
        if outline is not None and outline < 9:
            kind, level = "heading", outline
        elif label is not None:
            kind, level = "list_item", label.level
        else:
            kind, level = "paragraph", None
        return {"kind": kind, "level": level, "label": label, "start": None,
                "style": self.styles.name(style_id) if style_id or self.styles.default_paragraph else None}

    def table(self, tbl: etree._Element, depth: int) -> None:
        self.flush_merge()
        outer_children = self._cell_children
        table_start: Optional[int] = None
        cells = []
        r = -1  # row index once tracked changes are accepted (deleted rows do not count)
        for tr in table_rows(tbl):
            trpr = tr.find(W + "trPr")
            row_del = trpr.find(W + "del") if trpr is not None else None
            if row_del is not None:
                deleted = plain_text(tr, deleted=True)
                self.b.count_extra(len(deleted))
                self.add_block("deletion", self.pos(), self.pos(), text=deleted,
                               author=wattr(row_del, "author"), date=wattr(row_del, "date"))
                continue
            r += 1
            # Separators inside a table are written eagerly so that empty cells keep their place.
            self._flush_sep("\n" if table_start is not None else self._sep)
            col = 0
            for c, tc in enumerate(row_cells(tr)):
                tcpr = tc.find(W + "tcPr")
                span = wattr(tcpr.find(W + "gridSpan")) if tcpr is not None else None
                if c > 0:
                    self._flush_sep(" | ")
                start = self.b.offset
                if table_start is None:
                    table_start = start
                self._cell_children = []
                self.blocks(tc, depth + 1)
                self.flush_merge()
                end = self.b.offset
                cells.append((self._cell_children, start, end, r, col))
                self._cell_children = None
                self._sep = ""
                col += max(1, min(_int(span) or 1, MAX_GRID_SPAN))
        self._cell_children = outer_children
        if table_start is None:
            return
        end = self.b.offset
        table = self.add_block("table", min(table_start, end), end, level=depth)
        for children, start, cend, r, col in cells:
            cell = self.b.add_block("table_cell", start, cend, row=r, col=col, parent_id=table.id)
            for child in children:
                if child.parent_id is None:
                    child.parent_id = cell.id
        self._sep = "\n"

    # ------------------------------------------------------------------ inline level
    def inline(self, parent: etree._Element) -> None:
        for el in parent:
            tag = el.tag
            if tag == W + "r":
                self.run(el)
            elif tag in _INSERTED:
                self.revision(el, inserted=True)
            elif tag in _DELETED:
                self.revision(el, inserted=False)
            elif tag in _TRANSPARENT:
                self.inline(el)
            elif tag == W + "sdt":
                content = el.find(W + "sdtContent")
                if content is not None:
                    self.inline(content)
            elif tag in (W + "commentRangeStart", W + "commentRangeEnd"):
                self.inline_marker(el)
            elif tag in (M_NS + "oMath", M_NS + "oMathPara"):
                self.emit("".join(t.text or "" for t in el.iter(M_NS + "t")))

    def inline_marker(self, el: etree._Element) -> None:
        cid = el.get(W + "id")
        if cid is None:
            return
        if el.tag == W + "commentRangeStart":
            self.state.comment_starts.setdefault(cid, self.pos())
        else:
            self.state.comment_ends[cid] = self.b.offset

    def revision(self, el: etree._Element, inserted: bool) -> None:
        author, date = wattr(el, "author"), wattr(el, "date")
        if inserted and self._sink is None:
            start = self.pos()
            self.inline(el)
            end = self.b.offset
            if end > start or plain_text(el, deleted=False):
                # ``text`` is filled from the final canonical text once it is complete.
                self.add_block("insertion", min(start, end), end, author=author, date=date)
            return
        if not inserted and self._sink is None:
            at = self.pos()
            self._sink = []
            self.inline(el)
            deleted, self._sink = "".join(self._sink), None
            if deleted:
                self.add_block("deletion", at, at, text=unicodedata.normalize("NFC", deleted),
                               author=author, date=date)
            return
        self.inline(el)  # nested inside a deletion: everything goes to the sink

    def run(self, r: etree._Element) -> None:
        for el in r:
            tag = el.tag
            if tag == W + "t":
                self.emit(el.text or "")
            elif tag == W + "delText":
                if self._sink is not None and el.text:
                    self.b.count_extra(len(el.text))
                    self._sink.append(el.text)
            elif tag == W + "tab":
                self.emit("\t")
            elif tag == W + "br":
                kind = el.get(W + "type")
                if kind in ("page", "column"):
                    # Inside a paragraph a page break still separates lines of text.
                    if self.b.offset > self._para_before and not self._mute:
                        self.emit("\n")
                    if kind == "page" and not self.rendered_pages:
                        self.page_break()
                else:
                    self.emit("\n")
            elif tag == W + "cr":
                self.emit("\n")
            elif tag == W + "noBreakHyphen":
                self.emit("-")
            elif tag == W + "sym":
                self.emit(symbol(el))
            elif tag == W + "lastRenderedPageBreak":
                if self.rendered_pages:
                    self.page_break()
            elif tag in (W + "footnoteReference", W + "endnoteReference"):
                self.note_reference(el)
            elif tag == W + "commentReference":
                cid = el.get(W + "id")
                if cid is not None:
                    self.state.comment_refs.setdefault(cid, self.b.offset)
            elif tag == W + "ptab":
                self.emit("\t")
            elif tag == W + "ruby":  # East Asian phonetic guide: the base text is the text
                base = el.find(W + "rubyBase")
                if base is not None:
                    self.inline(base)

    def note_reference(self, el: etree._Element) -> None:
        if self._in_notes or self._sink is not None:
            return
        kind = "footnote" if el.tag == W + "footnoteReference" else "endnote"
        nid = el.get(W + "id")
        if nid is None:
            return
        self._note_counts[kind] += 1
        n = self._note_counts[kind]
        label = str(n) if kind == "footnote" else format_number(n, "lowerRoman")
        offset = self.pos()
        self.emit(f"[{label}]")
        self.state.note_refs.append(NoteRef(kind, nid, label, offset))

    # ------------------------------------------------------------------ notes
    def notes_section(self, title: str, kind: str, notes: dict[str, etree._Element]) -> None:
        """Append ``title`` and one entry per referenced note of ``kind``: "[1] text"."""
        wanted = [r for r in self.state.note_refs if r.kind == kind]
        if not wanted:
            return
        self._in_notes = True
        self._sep = "\n\n"
        self.emit(title)
        for ref in wanted:
            self._sep = "\n"
            start = self.pos()
            self.emit(f"[{ref.label}] ")
            note = notes.get(ref.note_id)
            self._lstrip = True
            for i, p in enumerate(note.iter(W + "p") if note is not None else []):
                if i:
                    self._sep = "\n"
                self.inline(p)
            self._lstrip = False
            self._sep = ""
            if self.b.offset > start:
                self.b.add_block("footnote", start, self.b.offset, number=ref.label, style=kind)
        self._in_notes = False
