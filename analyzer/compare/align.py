"""Align the clause trees of two drafts: which clause of the old draft became which of the new.

Each clause is compared by its own wording: its text up to its first sub-clause, without its
number label. Four passes, each over the clauses still unmatched:

1. **number**: the same number path ("4", "4.2", "4.2 (a)") and similar wording, with no
   clearly better partner on either side (a renumbered draft reuses numbers for other clauses);
2. **heading**: the same heading (or, for a preamble, recitals or signature block, the same
   kind), with looser wording;
3. **text**: the most similar wordings first (rapidfuzz ``ratio``), a bonus when the parents
   are matched to each other;
4. **position**: a clause left between the same matched neighbours under matched parents,
   with some wording in common (a heavily reworded clause).

A matched clause is **moved** when its parent's partner is not its new parent, or when it
leaves the longest run of siblings that kept their order. A clause without a partner is
**deleted** (old) or **added** (new); only the topmost of a deleted or added subtree is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from analyzer.core.schema import Clause

NUMBER_MIN = 50.0      # pass 1: wording similarity for the same number
HEADING_MIN = 30.0     # pass 2: for the same heading
TEXT_MIN = 60.0        # pass 3: for wording alone
POSITION_MIN = 35.0    # pass 4: between matched neighbours
MARGIN = 10.0          # a partner this much better elsewhere vetoes passes 1, 2 and 4
PARENT_BONUS = 10.0    # pass 3: the parents are matched to each other
_SINGLETON_KINDS = ("preamble", "recitals", "signature")
_LABEL_WORD = re.compile(r"^\s*(?:article|section|clause|schedule|annex|appendix|exhibit|part)\s+", re.IGNORECASE)


@dataclass
class Unit:
    """One clause of one draft, as the aligner sees it."""

    index: int
    clause: Clause
    parent: int | None
    children: list[int] = field(default_factory=list)
    path: tuple[str, ...] = ()
    heading: str = ""
    own_start: int = 0   # the clause's own text: from its start to its first sub-clause
    own_end: int = 0
    body_start: int = 0  # own text after the number label
    key: str = ""        # own text after the label, normalised, for similarity


@dataclass
class Pair:
    old: int
    new: int
    by: str
    score: float
    moved: bool = False


@dataclass
class Alignment:
    old: list[Unit]
    new: list[Unit]
    pairs: list[Pair]
    deleted: list[int]   # topmost unmatched old units
    added: list[int]     # topmost unmatched new units
    old_to_new: dict[int, int] = field(default_factory=dict)
    new_to_old: dict[int, int] = field(default_factory=dict)


def _norm_number(number: str | None) -> str:
    if not number:
        return ""
    n = _LABEL_WORD.sub("", number.strip()).lower()
    return n.strip(" .:)(").replace(" ", "")


def _label_end(text: str, start: int, end: int, number: str | None) -> int:
    """Offset just after the clause's number label (``start`` when it has none at its start)."""
    if not number:
        return start
    i = start
    while i < end and text[i].isspace():
        i += 1
    m = _LABEL_WORD.match(text, i, end)
    if m:
        i = m.end()
    if text.startswith(number, i):
        i += len(number)
    elif text.startswith(_norm_number(number), i):
        i += len(_norm_number(number))
    else:
        return start
    while i < end and (text[i] in ".):" or text[i].isspace()):
        i += 1
    return i


def units(clauses: Sequence[Clause], text: str) -> list[Unit]:
    """The clauses of one draft as units, with parents, children and number paths."""
    index = {c.id: i for i, c in enumerate(clauses)}
    out = [Unit(i, c, index.get(c.parent_id) if c.parent_id else None) for i, c in enumerate(clauses)]
    for u in out:
        if u.parent is not None:
            out[u.parent].children.append(u.index)
    for u in out:
        c = u.clause
        parent_path = out[u.parent].path if u.parent is not None else ()
        u.path = parent_path + ((_norm_number(c.number) or f"#{c.kind}"),)
        u.heading = " ".join((c.heading or "").lower().split()) or (c.kind if c.kind in _SINGLETON_KINDS else "")
        first_child = min((out[k].clause.start for k in u.children), default=c.end)
        u.own_start, u.own_end = c.start, max(c.start, min(first_child, c.end))
        u.body_start = _label_end(text, u.own_start, u.own_end, c.number)
        u.key = default_process(text[u.body_start:u.own_end]) or u.heading
    return out


def _best(scores, axis: int):
    return scores.max(axis=axis) if scores.size else scores


def align(old_clauses: Sequence[Clause], old_text: str, new_clauses: Sequence[Clause], new_text: str) -> Alignment:
    """Align two clause lists (document order, with ``parent_id``) over their texts."""
    old, new = units(old_clauses, old_text), units(new_clauses, new_text)
    if old and new:
        scores = process.cdist([u.key for u in old], [u.key for u in new], scorer=fuzz.ratio, workers=1)
    else:
        import numpy as np

        scores = np.zeros((len(old), len(new)))
    best_row, best_col = _best(scores, 1), _best(scores, 0)
    o2n: dict[int, int] = {}
    n2o: dict[int, int] = {}
    pairs: list[Pair] = []

    def take(i: int, j: int, by: str) -> None:
        o2n[i], n2o[j] = j, i
        pairs.append(Pair(i, j, by, float(scores[i, j])))

    def clear(i: int, j: int, floor: float) -> bool:
        s = scores[i, j]
        return s >= floor and s + MARGIN >= best_row[i] and s + MARGIN >= best_col[j]

    # 1. number paths
    by_path: dict[tuple, list[int]] = {}
    for u in new:
        by_path.setdefault(u.path, []).append(u.index)
    for u in old:
        for j in by_path.get(u.path, []):
            if j not in n2o and u.index not in o2n and clear(u.index, j, NUMBER_MIN):
                take(u.index, j, "number")
    # 2. headings (unique among the unmatched on each side)
    _by_heading(old, new, o2n, n2o, clear, take)
    # 3. wording
    cands = []
    for i in range(len(old)):
        if i in o2n:
            continue
        for j in range(len(new)):
            if j in n2o:
                continue
            s = float(scores[i, j])
            if s + PARENT_BONUS < TEXT_MIN:
                continue
            po, pn = old[i].parent, new[j].parent
            bonus = PARENT_BONUS if (po is None and pn is None) or (po is not None and o2n.get(po) == pn) else 0.0
            if s + bonus >= TEXT_MIN and s >= TEXT_MIN - PARENT_BONUS:
                cands.append((s + bonus, i, j))
    for _, i, j in sorted(cands, key=lambda t: (-t[0], t[1], t[2])):
        if i not in o2n and j not in n2o:
            take(i, j, "text")
    # 4. position between matched neighbours
    _by_position(old, new, scores, o2n, n2o, clear, take)

    pairs.sort(key=lambda p: p.old)
    _mark_moves(old, new, pairs, o2n)
    deleted = [u.index for u in old if u.index not in o2n and (u.parent is None or u.parent in o2n)]
    added = [u.index for u in new if u.index not in n2o and (u.parent is None or u.parent in n2o)]
    return Alignment(old, new, pairs, deleted, added, o2n, n2o)


def _by_heading(old, new, o2n, n2o, clear, take) -> None:
    def unique(side, taken):
        seen: dict[str, list[int]] = {}
        for u in side:
            if u.heading and u.index not in taken:
                seen.setdefault(u.heading, []).append(u.index)
        return {h: ids[0] for h, ids in seen.items() if len(ids) == 1}

    left, right = unique(old, o2n), unique(new, n2o)
    for h, i in left.items():
        j = right.get(h)
        if j is not None and clear(i, j, HEADING_MIN):
            take(i, j, "heading")


def _by_position(old, new, scores, o2n, n2o, clear, take) -> None:
    """Match what is left between the same matched neighbours under matched parents."""
    def siblings(side, parent):
        return [u.index for u in side if u.parent == parent]

    for po, pn in [(None, None)] + sorted(o2n.items()):
        gaps_new = _gaps(siblings(new, pn), n2o)
        for (prev_o, next_o), members in _gaps(siblings(old, po), o2n).items():
            key = (o2n.get(prev_o) if prev_o is not None else None, o2n.get(next_o) if next_o is not None else None)
            cand = gaps_new.get(key, [])
            for i in members:
                options = [j for j in cand if j not in n2o and clear(i, j, POSITION_MIN)]
                if options:
                    take(i, max(options, key=lambda j: scores[i, j]), "position")


def _gaps(members: list[int], matched: dict[int, int]) -> dict[tuple, list[int]]:
    """Unmatched members grouped by their matched neighbours (previous, next)."""
    out: dict[tuple, list[int]] = {}
    prev = None
    pending: list[int] = []
    for m in members:
        if m in matched:
            if pending:
                out[(prev, m)] = pending
            prev, pending = m, []
        else:
            pending.append(m)
    if pending:
        out[(prev, None)] = pending
    return out


def _mark_moves(old: list[Unit], new: list[Unit], pairs: list[Pair], o2n: dict[int, int]) -> None:
    groups: dict[int | None, list[Pair]] = {}
    for p in pairs:
        po, pn = old[p.old].parent, new[p.new].parent
        same_parent = (po is None and pn is None) or (po is not None and o2n.get(po) == pn)
        if not same_parent:
            p.moved = True
            continue
        groups.setdefault(pn, []).append(p)
    for members in groups.values():
        members.sort(key=lambda p: p.old)
        keep = _longest_increasing([p.new for p in members])
        for k, p in enumerate(members):
            if k not in keep:
                p.moved = True


def _longest_increasing(seq: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``seq``."""
    import bisect

    tails: list[int] = []
    tail_pos: list[int] = []
    back = [-1] * len(seq)
    for k, v in enumerate(seq):
        i = bisect.bisect_left(tails, v)
        if i == len(tails):
            tails.append(v)
            tail_pos.append(k)
        else:
            tails[i], tail_pos[i] = v, k
        back[k] = tail_pos[i - 1] if i > 0 else -1
    out: set[int] = set()
    k = tail_pos[-1] if tail_pos else -1
    while k >= 0:
        out.add(k)
        k = back[k]
    return out


__all__ = ["Alignment", "Pair", "Unit", "align", "units"]
