"""Structure -> clause tree: numbering, headings, definitions, schedules.

``segment(doc)`` finds clause labels ("ARTICLE IV", "Section 1.01", "7.2",
"(a)", "B.") at line starts (and after a sentence end followed by a run of
spaces, which is how flattened text often joins lines), then keeps only the
labels that continue a plausible numbering sequence: "1.5 million" or a
stray "3." inside a paragraph does not continue the open sequence and is
dropped. Accepted labels form a stack of open levels, which gives the tree.
Preamble, recitals, signature block and schedules are added around the
numbered body; a definitions section is split into one clause per term.
DOCX list labels (``Block.number``) are used when the label is not part of
the text; unnumbered DOCX headings start sections (the first one is the
title, part of the preamble). Short table cells and lines that read like
table rows (amounts, rates) never start a clause.

Numbers are stored as the document shows them without a trailing dot, the
same for every format: "1", "2.1", "(a)", "Article IV", "Schedule 1".
"""

from __future__ import annotations

import bisect
import re
from typing import Optional

from analyzer.core.headings import is_heading_like, looks_like_table_row
from analyzer.core.schema import Clause, SourceDocument
from analyzer.core.span_index import Covered
from analyzer.structure.cjk_numbers import CN_RANK, CN_STYLES
from analyzer.structure.clause_numbers import ClauseNumber, parse_label
from analyzer.structure.headings import heading_after
from analyzer.structure.tree import (
    RECITALS,
    SCHEDULE,
    SCHEDULE_RUN_ON,
    SIGNATURE,
    TITLE,
    Node,
    schedule_line_ok,
    signature_heading,
    split_definitions,
    to_clauses,
)

_LINE_START = re.compile(r"(?:^|\n)[ \t\f\v\u00a0]*(?=\S)")
_MID_START = re.compile(r"(?:(?<=[.;:])[ \t\u00a0]{2,}|(?<=[^\s,])[ \t\u00a0]{3,})(?=[(\dA-Z§])")
_LOOSE_START = re.compile(r"(?<=[.;:])[ \t\u00a0](?=(?:ARTICLE|Article|SECTION|Section)?[ \t]*\d)")
_PAGE_END = re.compile(r"(?:\s|\.{2,})(?:\d{1,3}|[ivx]{1,4})\s*$|(?:\.\s?){4,}")
_TOC_ENTRY = re.compile(r"\b(?:SECTION|Section|ARTICLE|Article)\s+[\dIVX]|(?<=\s)\d{1,2}\.\d{1,2}\s+[A-Z]")
_TOP_STYLES = {"article", "dec", "roman_dot_upper", "heading", "cn_chapter", "cn_section", "cn_article", "cn_enum"}
_LONG_CELL = 300


def segment(doc: SourceDocument) -> list[Clause]:
    """Clause tree of ``doc`` as a flat list in document order (parents first), each clause with its
    ``language``. A bilingual document gets one tree per language (``analyzer.structure.bilingual``)."""
    from analyzer.structure.bilingual import (
        detect_layout,
        segment_bilingual,
        tag_clauses,
    )

    layout = detect_layout(doc)
    clauses = segment_bilingual(doc, layout, _segment_one) if layout else _segment_one(doc)
    tag_clauses(doc.text, clauses)
    return clauses


def _segment_one(doc: SourceDocument) -> list[Clause]:
    """Clause tree of a document in one language."""
    text = doc.text
    if not text.strip():
        return []
    candidates = _candidates(doc)
    nodes = _build(text, candidates)
    if _top_count(nodes) < 3:
        # flattened text (whole pages on one line): also try labels after a single space
        loose = {m.end() for m in _LOOSE_START.finditer(text)} - {c[0] for c in candidates}
        more = sorted(candidates + [(p, False, None, "loose") for p in loose])
        alt = _build(text, more)
        if _top_count(alt) > _top_count(nodes):
            nodes = alt
    split_definitions(text, nodes)
    return to_clauses(doc, nodes)


# --------------------------------------------------------------------------- candidates

def _candidates(doc: SourceDocument) -> list[tuple[int, bool, Optional[ClauseNumber], str]]:
    """(position, at_line_start, label or None, special) sorted by position."""
    text = doc.text
    out: dict[int, tuple[int, bool, Optional[ClauseNumber], str]] = {}
    for m in _LINE_START.finditer(text):
        p = m.end()
        out[p] = (p, True, None, "")
    for m in _MID_START.finditer(text):
        p = m.end()
        out.setdefault(p, (p, False, None, ""))
    for m in SCHEDULE_RUN_ON.finditer(text):
        out.setdefault(m.end(), (m.end(), False, None, "schedule"))
    tables = Covered(_data_cells(doc))
    for b in doc.blocks:
        if b.kind in ("deletion", "comment", "page", "table", "table_cell") or b.start >= len(text):
            continue
        if b.number:
            if text.startswith(b.number.strip(), b.start):
                continue  # the label is in the text and is read from there
            lab = parse_label(b.number, 0, trusted=True)
            if lab is not None:
                lab.start = lab.end = b.start
                out[b.start] = (b.start, True, lab, "")
        elif b.kind == "heading":
            out[b.start] = (b.start, True, None, f"heading:{b.level or 0}")
    # data table cells are never clause labels or headings
    return [out[k] for k in sorted(out) if not tables.point(k)]


def _data_cells(doc: SourceDocument) -> list[tuple[int, int]]:
    """Spans of short table cells (amounts, rates, names). Long cells are kept: some templates
    lay out their clauses in a table."""
    cells = [(b.start, b.end) for b in doc.blocks if b.kind == "table_cell"]
    if not cells:
        cells = [(b.start, b.end) for b in doc.blocks if b.kind == "table"]
    return [(s, e) for s, e in cells if 0 < e - s < _LONG_CELL]


# --------------------------------------------------------------------------- tree

def _build(text: str, candidates) -> list[Node]:
    """Tree from candidates; a table of contents (headings repeated) is skipped."""
    for _ in range(4):
        nodes, toc = _build_tree(text, candidates)
        if toc is None:
            return nodes
        candidates = [c for c in candidates if not toc[0] <= c[0] < toc[1]]
    return _build_tree(text, candidates, toc_check=False)[0]


def _build_tree(text: str, candidates, toc_check: bool = True):
    """(nodes, None), or (None, (start, end)) of a table of contents to skip."""
    nodes: list[Node] = []
    stack: list[Node] = []
    seen = _Seen(text)
    body_seen = signature_seen = title_seen = False

    def close(depth: int, at: int) -> None:
        while len(stack) > depth:
            stack.pop().end = at

    def add(node: Node, depth: int) -> None:
        close(depth, node.start)
        node.depth = depth
        node.parent = stack[-1] if stack else None
        stack.append(node)
        nodes.append(node)
        seen.add(node)

    for pos, line_start, given, special in candidates:
        if given is None and line_start:
            if not body_seen and not (stack and stack[0].kind == "recitals") and RECITALS.match(text, pos):
                add(Node(pos, "recitals", heading="Recitals"), 0)
                continue
            if not signature_seen and (body_seen or pos > len(text) // 3) and (
                    SIGNATURE.match(text, pos) or signature_heading(text, pos)):
                signature_seen = True
                add(Node(pos, "signature", heading="Signatures"), 0)
                continue
            sched = SCHEDULE.match(text, pos) if (body_seen or signature_seen) else None
            if sched and schedule_line_ok(text, sched):
                word = sched.group("word").title()
                number = f"{word} {sched.group('id')}" if sched.group("id") else word
                add(Node(pos, "schedule", number=number, heading=heading_after(text, sched.end())), 0)
                continue
        elif special == "schedule":
            # "... Managing Director SCHEDULE 1 - RESEARCH PLAN": a schedule title run on to the
            # last signature line (PDF text without the line break)
            sched = SCHEDULE.match(text, pos) if signature_seen else None
            if sched and schedule_line_ok(text, sched):
                add(Node(pos, "schedule", number=f"{sched.group('word').title()} {sched.group('id')}",
                         heading=heading_after(text, sched.end())), 0)
            continue
        elif given is None and SIGNATURE.match(text, pos) and body_seen and not signature_seen:
            signature_seen = True
            add(Node(pos, "signature", heading="Signatures"), 0)
            continue
        label = given or parse_label(text, pos)
        if label is None and special.startswith("heading:"):
            line = text[pos:_line_end(text, pos)].strip()
            if not body_seen and not title_seen and (not stack or TITLE.search(line)):
                title_seen = True
                continue  # the document title belongs to the preamble
            label = _heading_label(text, pos, int(special.split(":")[1]), line)
        if label is None:
            continue
        if not line_start and given is None and not _mid_ok(text, pos, label):
            continue
        if not line_start and label.styles[0][0][0] == "dec" and "." not in text[label.start:label.end]:
            continue  # "1 Article 2": a page number, not a label
        if special == "loose":
            if label.styles[0][0][0] not in ("article", "dec") or label.heading(text) is None:
                continue
            label.trusted_first = True
        toc = _toc_region(text, label, seen) if toc_check else None
        if toc is not None:
            return None, toc
        placed = _after_recitals(text, label, stack, line_start) \
            or _place(text, label, stack, line_start, body_seen)
        if placed is None:
            continue
        depth, style, value, number = placed
        if style[0] in ("article", "dec") and stack and stack[0].kind == "recitals":
            close(0, pos)
            depth = 0
        node = Node(pos, "section", number=number, style=style, value=value,
                    numeric=_numeric(style, value), heading=label.heading(text))
        add(node, depth)
        body_seen = True
    close(0, len(text))
    if sum(1 for n in nodes if n.kind == "section" and n.depth == 0) < 2:
        nodes = _add_unnumbered_headings(text, nodes)
    _finish(text, nodes)
    return nodes, None


class _Seen:
    """The nodes placed so far (in document order), with what the table-of-contents test
    reads kept up to date, so that each test costs O(log n) instead of a pass over them."""

    def __init__(self, text: str):
        self.text = text
        self.nodes: list[Node] = []
        self.starts: list[int] = []
        self.tops: dict[tuple, list[Node]] = {}  # style -> the top-level nodes of that style
        self.paged = [0]  # paged[k]: how many of the first k nodes end in a page number
        self._entries: dict[int, tuple] = {}  # start -> (match iterator, ends of the matches so far)

    def ends_paged(self, node: Node, end: int) -> bool:
        """Does the entry from ``node`` to ``end`` end in a page number (or a dot leader)?"""
        return _PAGE_END.search(self.text[node.start:min(end, node.start + 150)]) is not None

    def add(self, node: Node) -> None:
        if self.nodes:
            self.paged.append(self.paged[-1] + self.ends_paged(self.nodes[-1], node.start))
        self.nodes.append(node)
        self.starts.append(node.start)
        if node.depth == 0:
            self.tops.setdefault(node.style, []).append(node)

    def toc_entries(self, start: int, end: int) -> int:
        """``len(_TOC_ENTRY.findall(text, start, end))``, from one scan from ``start`` shared by
        all calls: a match never reads past its own end, and none begins inside another before
        that one's last character, so the window holds exactly the scan's matches ending by ``end``."""
        if start not in self._entries:
            self._entries[start] = (_TOC_ENTRY.finditer(self.text, start), [])
        found, ends = self._entries[start]
        while not ends or ends[-1] <= end:
            m = next(found, None)
            if m is None:
                break
            ends.append(m.end())
        return bisect.bisect_right(ends, end)


def _toc_region(text: str, label: ClauseNumber, seen: _Seen):
    """A top-level sequence restarting at its first value after short entries, or after
    entries ending in page numbers, is a table of contents followed by the real clauses."""
    for style, value, _ in label.styles:
        if not _is_first(style, value):
            continue
        tops = seen.tops.get(style, [])
        if not tops or tops[0].value != value:
            continue
        first = bisect.bisect_left(seen.starts, tops[0].start)  # the region: nodes[first:]
        last = seen.nodes[-1]
        paged = seen.paged[-1] - seen.paged[first] + seen.ends_paged(last, label.start)
        short = len(tops) >= 2 and (label.start - tops[0].start) / len(tops) < 250
        size = label.start - tops[0].start
        dense = size > 0 and seen.toc_entries(tops[0].start, label.start) * 100 >= size
        if short or dense or paged >= max(1, 0.6 * (len(seen.nodes) - first)):
            line_end = text.find("\n", last.start)
            return tops[0].start, (line_end if 0 <= line_end < label.start else label.start)
    return None


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _heading_label(text: str, pos: int, level: int, line: str) -> ClauseNumber:
    """An unnumbered DOCX heading paragraph: its own text is the heading."""
    own = re.sub(r"\s+", " ", line).strip(" .:-–—") if len(line) <= 100 and not looks_like_table_row(line) else ""
    return ClauseNumber(start=pos, end=pos, styles=[(("heading", level), (0,), None)], trusted=True,
                 _heading=heading_after(text, pos) or own or None)


def _after_recitals(text: str, label: ClauseNumber, stack: list[Node], line_start: bool):
    """The first article ("1. DEFINITIONS", "ARTICLE I") after lettered recitals ends them."""
    if not (stack and stack[0].kind == "recitals" and line_start):
        return None
    for style, value, number in label.styles:
        if style[0] in ("article", "dec") and value == (1,) and (label.trusted or label.heading(text)):
            return 0, style, value, number
    return None


def _top_count(nodes: list[Node]) -> int:
    return sum(1 for n in nodes if n.depth == 0 and n.style is not None)


def _place(text: str, label: ClauseNumber, stack: list[Node], line_start: bool, body_seen: bool):
    """Where the label goes: (depth, style, value, number) or None to reject it."""
    roots = 1 if stack and stack[0].kind in ("schedule", "signature") else 0
    # 1. continuation of an open level (deepest first)
    for k in range(len(stack) - 1, roots - 1, -1):
        open_node = stack[k]
        for style, value, number in label.styles:
            if open_node.style == style and _continues(open_node.value, value, label, text, line_start):
                if style[0] == "dec" and not _prefix_ok(stack[:k], value, allow_jump=True):
                    continue
                return k, style, value, number
    # 2. a new, deeper level starting at its first value
    for style, value, number in label.styles:
        if not body_seen and style[0] not in _TOP_STYLES and not (stack and stack[0].kind == "recitals"):
            continue
        if any(n.style == style for n in stack[roots:]) and not label.trusted:
            continue
        if not (label.trusted or _is_first(style, value) or _continues_across_chapters(style, stack)):
            continue
        if not line_start and not label.trusted and not getattr(label, "trusted_first", False):
            before = text[max(0, label.start - 80):label.start].rstrip()[-1:]
            if before != ":" and not (style[0] in ("dec", "article") and before and not before.islower()
                                      and before not in ",;"):
                continue
        if style[0] == "dec" and not _prefix_ok(stack, value, allow_jump=False):
            continue
        if stack and stack[-1].style is not None and _rank(style) < 10 and not label.trusted \
                and _rank(style) <= _rank(stack[-1].style):
            continue
        return len(stack), style, value, number
    # 3. a trusted (DOCX) label that fits nowhere: sibling of the same style, else nested
    if label.trusted and label.styles:
        style, value, number = label.styles[0]
        for k in range(len(stack) - 1, roots - 1, -1):
            if stack[k].style == style:
                return k, style, value, number
        return len(stack), style, value, number
    return None


def _continues_across_chapters(style: tuple, stack: list[Node]) -> bool:
    """Chinese articles (第X条) are numbered through the whole document, across chapters (第X章) and
    sections (第X节): the first article of a chapter need not be 第一条."""
    return style[0] == "cn_article" and bool(stack) and stack[-1].style is not None \
        and stack[-1].style[0] in ("cn_chapter", "cn_section")


def _rank(style: tuple) -> float:
    """Nesting order of label styles: articles above sections (by depth) above letters."""
    if style[0] in ("article", "roman_dot_upper"):
        return 0
    if style[0] == "dec":
        return style[1]
    if style[0] == "heading":
        return style[1] * 0.1
    if style[0] in CN_RANK:
        return CN_RANK[style[0]]
    return 10


def _continues(prev: tuple, value: tuple, label: ClauseNumber, text: str, line_start: bool) -> bool:
    if len(prev) != len(value):
        return False
    if prev[:-1] == value[:-1]:
        step = value[-1] - prev[-1]
        if step in (1, 2) or label.trusted:
            return step >= 0 or label.trusted
        return step == 0 and line_start and len(value) == 1 and label.heading(text) is not None
    for i in range(len(value) - 1):  # implicit parent step: 1.9 -> 2.1
        if value[:i] == prev[:i] and value[i] - prev[i] in (1, 2):
            return all(v <= 1 for v in value[i + 1:])
    return False


def _is_first(style: tuple, value: tuple) -> bool:
    if style[0] == "dec" and len(value) > 1:
        return value[-1] in (0, 1)
    return value[-1] == 1


def _prefix_ok(stack: list[Node], value: tuple, allow_jump: bool) -> bool:
    for n in reversed(stack):
        if n.numeric is not None:
            t = n.numeric
            if len(t) >= len(value):
                return allow_jump
            return value[:len(t)] == t
    return True


def _numeric(style: tuple, value: tuple) -> Optional[tuple]:
    if style[0] in ("article", "dec", "roman_dot_upper"):
        return value
    return None


def _mid_ok(text: str, pos: int, label: ClauseNumber) -> bool:
    """A label found mid-line must be followed by a capital, quote or bracket."""
    rest = text[label.end:label.end + 40].lstrip(" \t")
    return bool(rest) and (rest[0].isupper() or rest[0] in "\"“([") or label.styles[0][0] == "paren"


def _add_unnumbered_headings(text: str, nodes: list[Node]) -> list[Node]:
    """Documents without numbering: standalone heading lines start top-level sections."""
    first_special = min((n.start for n in nodes if n.kind in ("signature", "schedule")), default=len(text))
    recitals = [n for n in nodes if n.kind == "recitals"]
    begin = text.find("\n\n", recitals[0].start) if recitals else 0
    begin = max(begin, 0)
    extra: list[Node] = []
    for m in re.finditer(r"(?:^|\n[ \t]*\n)[ \t]*([^\n]{3,80})\n", text):
        s = m.start(1)
        if s <= begin or s >= first_special:
            continue
        line = m.group(1).strip()
        if is_heading_like(line, strict=True) and not RECITALS.match(line) and "AGREEMENT" not in line.upper():
            extra.append(Node(s, "section", heading=line.rstrip(".:"), style=("heading", 0), value=(0,)))
    if len(extra) < 2:
        return nodes
    keep = [n for n in nodes if n.depth == 0 and n.kind != "section"] + extra
    keep.sort(key=lambda n: n.start)
    for n in keep:
        n.depth, n.parent, n.children = 0, None, []
    return keep


def _finish(text: str, nodes: list[Node]) -> None:
    """Ends: the next node at the same or a shallower depth, else the parent's end."""
    nodes.sort(key=lambda n: (n.start, n.depth))
    nxt: list[Optional[int]] = [None] * len(nodes)  # start of the next node at the same or a shallower depth
    open_: list[int] = []
    for j, later in enumerate(nodes):
        while open_ and later.depth <= nodes[open_[-1]].depth:
            nxt[open_.pop()] = later.start
        open_.append(j)
    for i, n in enumerate(nodes):
        end = n.parent.end if n.parent is not None and n.parent.end else len(text)
        if nxt[i] is not None:
            end = min(end, nxt[i])
        n.end = end
    first = nodes[0].start if nodes else len(text)
    if text[:first].strip():
        nodes.insert(0, Node(0, "preamble", heading=None, end=first, depth=0))
    for n in nodes:
        n.kind = _kind(n) if n.kind == "section" else n.kind


def _kind(n: Node) -> str:
    if n.depth == 0:
        return "article" if n.style and n.style[0] in ("article", "dec", "roman_dot_upper", "heading", *CN_STYLES[:4]) \
            else "section"
    if n.style and n.style[0] in ("dec", "article", "heading", *CN_STYLES[:4]):
        return "section"
    return "subclause"

