"""Parts of a clause tree besides numbered clauses: recitals, signature block and schedules
(found by their wording), the tree node, definitions split per term, and nodes -> ``Clause``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from analyzer.core.headings import is_heading_like, is_signature_heading
from analyzer.core.schema import Clause, SourceDocument, make_id

RECITALS = re.compile(
    r"(?:WHEREAS\b|Whereas\b|RECITALS?\b|Recitals\b|BACKGROUND\s*$|Background\s*$"
    r"|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|PRELIMINARY\s+STATEMENTS?)", re.M)
SIGNATURE = re.compile(r"IN\s+WITNESS\s+(?:WHEREOF|THEREOF)|In\s+[Ww]itness\s+[Ww]hereof"
                       r"|[(（]以下无正文[)）]|签[ \t]*(?:署|字)[ \t]*页?[ \t]*(?=\n|$|[ \t]*\|)")
SCHEDULE = re.compile(
    r"(?P<word>SCHEDULE|EXHIBIT|ANNEX|APPENDIX|ATTACHMENT|Schedule|Exhibit|Annex|Appendix|Attachment)"
    r"(?:[ \t]+(?P<id>[A-Z]{1,3}(?:-\d{1,3})?|\d{1,3}(?:\.\d{1,2})?|[IVX]{1,5}))?(?=[ \t]*(?:$|[-–—:.]|\n|[ \t]\S))")
DEFINITION_START = re.compile(
    r"(?:[A-Z][\w'’]*[ \t]+){0,3}[\"“][^\"”\n]{1,80}[\"”]"
    r"(?:\s*(?:,|or|and)\s*[\"“][^\"”\n]{1,80}[\"”])*"  # "Processing" or "Process" means
    r"\s*(?:,\s*)?(?:shall\s+|will\s+|when\s+used\b[^,]{0,40},\s*)?"
    r"(?:mean|means|has|have|include|includes|refers?|is|are|shall)\b")
SIGNATURE_NEXT = re.compile(SIGNATURE.pattern + r"|\b(?:Signed|SIGNED|Executed|EXECUTED)\b|\bBy:|\bName:")
SCHEDULE_RUN_ON = re.compile(
    r"(?<=\S )(?=(?:SCHEDULE|EXHIBIT|ANNEX|APPENDIX|ATTACHMENT)[ \t]+[A-Z0-9]{1,3}[ \t]+[-–—:][ \t]+[A-Z]{3})")
TITLE = re.compile(r"\b(?:AGREEMENT|Agreement|CONTRACT|Contract|TERMS|Terms|NDA|LICEN[CS]E|Licen[cs]e)\b")
DEF_HEADING = re.compile(r"definition|defined\s+terms|^\W*interpretation\W*$", re.I)


@dataclass
class Node:
    start: int
    kind: str
    number: Optional[str] = None
    heading: Optional[str] = None
    style: Optional[tuple] = None
    value: Optional[tuple] = None
    numeric: Optional[tuple] = None
    depth: int = 0
    end: int = 0
    parent: Optional["Node"] = None
    children: list = field(default_factory=list)


def signature_heading(text: str, pos: int) -> bool:
    """A "SIGNATURES" / "EXECUTION PAGE" line right before the testimonium starts the signature block."""
    end = text.find("\n", pos)
    if end == -1 or not is_signature_heading(text[pos:end]):
        return False
    end = pos + len(text[pos:end].rstrip(" \t"))
    return SIGNATURE_NEXT.search(text[end:end + 400]) is not None



def schedule_line_ok(text: str, m: re.Match) -> bool:
    line_end = text.find("\n", m.end())
    rest = text[m.end(): line_end if line_end != -1 else len(text)].strip(" \t-–—:.")
    if not m.group("id") and not m.group("word").isupper():
        return False
    return not rest or (len(rest) <= 100 and is_heading_like(rest))



# --------------------------------------------------------------------------- definitions

def split_definitions(text: str, nodes: list[Node]) -> None:
    tree = _Tree(nodes)
    for n in list(nodes):
        if n.kind in ("preamble", "recitals", "signature", "schedule") or not n.heading:
            continue
        if not DEF_HEADING.search(n.heading) or len(n.heading) > 60:
            continue
        n.kind = "definitions"
        kids = tree.descendants(n)
        if kids:
            for c in kids:
                # own text only: up to its first sub-clause
                stop = min([k.start for k in tree.children(c)] + [c.end, c.start + 200])
                m = DEFINITION_START.search(text, c.start, stop)
                if m:
                    c.kind = "definition"
                    q = re.search(r"[\"“]([^\"”]+)[\"”]", m.group())
                    c.heading = c.heading or (q.group(1) if q else None)
            continue
        starts = []
        for m in re.finditer(r"(?:^|\n|[.;][ \t]{2,})[ \t]*(?=[\"“A-Z])", text[n.start:n.end]):
            s = n.start + m.end()
            if s > n.start and DEFINITION_START.match(text, s):
                starts.append(s)
        for i, s in enumerate(starts):
            e = starts[i + 1] if i + 1 < len(starts) else n.end
            q = re.search(r"[\"“]([^\"”]+)[\"”]", text[s:e])
            d = Node(s, "definition", heading=q.group(1) if q else None, depth=n.depth + 1, end=e, parent=n)
            nodes.append(d)
            tree.add(d)
    nodes.sort(key=lambda x: (x.start, x.depth))


class _Tree:
    """Children by parent over a list of nodes, for ``descends`` queries in time linear in the
    answer. Parents that are not in the list still link their descendants, as in ``descends``."""

    def __init__(self, nodes: list[Node]):
        self._kids: dict[int, list[Node]] = {}
        self._pos: dict[int, int] = {}  # listed node -> its place in the list
        self._linked: set[int] = set()
        for n in nodes:
            self.add(n)

    def add(self, node: Node) -> None:
        self._pos.setdefault(id(node), len(self._pos))
        while node.parent is not None and id(node) not in self._linked:
            self._linked.add(id(node))
            self._kids.setdefault(id(node.parent), []).append(node)
            node = node.parent

    def children(self, node: Node) -> list[Node]:
        """The listed nodes whose parent is ``node``, in list order."""
        return sorted((c for c in self._kids.get(id(node), []) if id(c) in self._pos), key=lambda c: self._pos[id(c)])

    def descendants(self, node: Node) -> list[Node]:
        """The listed nodes for which ``descends(c, node)`` holds, in list order."""
        found: list[Node] = []
        todo = list(self._kids.get(id(node), []))
        seen: set[int] = set()
        while todo:
            c = todo.pop()
            if id(c) in seen:
                continue
            seen.add(id(c))
            if id(c) in self._pos:
                found.append(c)
            todo += self._kids.get(id(c), [])
        return sorted(found, key=lambda c: self._pos[id(c)])


def descends(node: Node, ancestor: Node) -> bool:
    p = node.parent
    while p is not None:
        if p is ancestor:
            return True
        p = p.parent
    return False


# --------------------------------------------------------------------------- output

def to_clauses(doc: SourceDocument, nodes: list[Node]) -> list[Clause]:
    text = doc.text
    out: list[Clause] = []
    ids: dict[int, str] = {}
    used: set[str] = set()  # the ids given so far
    spans: dict[int, tuple[int, int]] = {}
    for n in nodes:
        s, e = trim(text, n.start, n.end)
        if n.parent is not None and id(n.parent) in spans:
            ps, pe = spans[id(n.parent)]
            s, e = max(s, ps), min(e, pe)
        if e <= s:
            continue
        spans[id(n)] = (s, e)
        cid = make_id(doc.sha256, "clause", s, e)
        if cid in used:
            cid = make_id(doc.sha256, "clause", s, e, n.kind)
        ids[id(n)] = cid
        used.add(cid)
        parent_id = ids.get(id(n.parent)) if n.parent is not None else None
        level = 0
        p = n.parent
        while p is not None:
            level += 1 if id(p) in ids else 0
            p = p.parent
        out.append(Clause(id=cid, number=n.number, heading=n.heading, kind=n.kind, level=level,
                          start=s, end=e, page_start=doc.page_at(s), page_end=doc.page_at(max(s, e - 1)),
                          parent_id=parent_id))
    return out


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e
