"""Changes between two drafts from their alignment: added, deleted, modified and moved clauses."""

from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.compare.align import Alignment, Unit
from analyzer.compare.diff import changed, word_diff
from analyzer.core.compare_schema import ChangeKind, ClauseRef, DiffOp


@dataclass
class RawChange:
    """A change before it is judged: the clause on each side, spans and the word diff."""

    kind: ChangeKind
    old: Unit | None
    new: Unit | None
    old_span: tuple[int, int] | None
    new_span: tuple[int, int] | None
    diff: list[DiffOp] = field(default_factory=list)
    text_changed: bool = False
    similarity: float | None = None
    matched_by: str | None = None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def clause_ref(u: Unit | None) -> ClauseRef | None:
    if u is None:
        return None
    c = u.clause
    return ClauseRef(id=c.id, number=c.number, heading=c.heading, kind=c.kind)


def changes(al: Alignment, old_text: str, new_text: str) -> list[RawChange]:
    """Every change in new-document order (deleted clauses where they were)."""
    out: list[RawChange] = []
    for p in al.pairs:
        o, n = al.old[p.old], al.new[p.new]
        diff = word_diff(old_text, o.body_start, o.own_end, new_text, n.body_start, n.own_end)
        differs = changed(diff)
        if not differs and not p.moved:
            continue
        out.append(RawChange("moved" if p.moved else "modified", o, n,
                             _trim(old_text, o.own_start, o.own_end), _trim(new_text, n.own_start, n.own_end),
                             diff=diff, text_changed=differs, similarity=round(p.score, 1), matched_by=p.by))
    for i in al.deleted:
        o = al.old[i]
        s, e = _trim(old_text, o.clause.start, o.clause.end)
        at = _new_position(al, o)
        out.append(RawChange("deleted", o, None, (s, e), None,
                             diff=[DiffOp(op="delete", old=old_text[s:e], old_start=s, old_end=e,
                                          new_start=at, new_end=at)]))
    for j in al.added:
        n = al.new[j]
        s, e = _trim(new_text, n.clause.start, n.clause.end)
        at = _old_position(al, n)
        out.append(RawChange("added", None, n, None, (s, e),
                             diff=[DiffOp(op="insert", new=new_text[s:e], old_start=at, old_end=at,
                                          new_start=s, new_end=e)]))
    out.sort(key=lambda c: (c.new_span[0] if c.new_span else _new_position(al, c.old), c.kind != "deleted"))
    return out


def _new_position(al: Alignment, o: Unit) -> int:
    """Where a deleted old clause would sit in the new text: after the partner of the closest
    matched clause before it (inside it, after its own text, when that clause is an ancestor)."""
    return _position(al.old, al.new, [(p.old, p.new) for p in al.pairs], o)


def _old_position(al: Alignment, n: Unit) -> int:
    """Where an added new clause would have sat in the old text."""
    return _position(al.new, al.old, [(p.new, p.old) for p in al.pairs], n)


def _position(side: list[Unit], other: list[Unit], pairs: list[tuple[int, int]], u: Unit) -> int:
    before = [(a, b) for a, b in pairs if side[a].clause.start < u.clause.start]
    if not before:
        return 0
    a, b = max(before, key=lambda ab: side[ab[0]].clause.start)
    partner = other[b]
    return partner.own_end if a in _ancestors(side, u) else partner.clause.end


def _ancestors(units: list[Unit], u: Unit) -> set[int]:
    out = set()
    while u.parent is not None:
        out.add(u.parent)
        u = units[u.parent]
    return out


__all__ = ["RawChange", "changes", "clause_ref"]
