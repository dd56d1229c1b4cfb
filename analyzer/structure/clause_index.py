"""The clause at an offset: one lookup over the segmenter's clauses for every stage.

Sentences and entities (``analyzer.nlp``), classifier labels, presence evidence and
findings, and the redline's anchors all name their clause through ``ClauseIndex``, so
the same span always gets the same clause.
"""

from __future__ import annotations

from typing import Iterable, Optional

from analyzer.core.schema import Clause
from analyzer.core.span_index import Innermost


class ClauseIndex:
    """Clauses by id and by position, O(log² n) per position query after an O(n log n) build."""

    def __init__(self, clauses: Iterable[Clause]):
        self.clauses = list(clauses or ())
        self.by_id = {c.id: c for c in self.clauses}
        self._inner = Innermost([(c.start, c.end) for c in self.clauses])

    def get(self, clause_id: Optional[str]) -> Optional[Clause]:
        return self.by_id.get(clause_id) if clause_id else None

    def innermost(self, start: int, end: int) -> Optional[Clause]:
        """The smallest clause holding all of ``[start, end)``, or, when none does, the smallest
        holding ``start``; the first in the list on a tie, None when no clause holds ``start``."""
        i = self._inner(start, end)
        if i is None and end > start + 1:
            i = self._inner(start, start + 1)
        return self.clauses[i] if i is not None else None

    def innermost_id(self, start: int, end: int) -> Optional[str]:
        """The id of ``innermost(start, end)``."""
        c = self.innermost(start, end)
        return c.id if c is not None else None

    def top_level(self, clause_id: Optional[str]) -> Optional[Clause]:
        """The outermost listed ancestor of ``clause_id`` (the clause itself at the top level)."""
        c = self.get(clause_id)
        seen: set[str] = set()
        while c is not None and c.parent_id in self.by_id and c.id not in seen:
            seen.add(c.id)
            c = self.by_id[c.parent_id]
        return c

    def first_of_kind(self, kind: str) -> Optional[Clause]:
        """The first clause in the list of ``kind`` ("signature", "schedule", ...)."""
        return next((c for c in self.clauses if c.kind == kind), None)
