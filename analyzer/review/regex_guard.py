"""Regular expressions that run only on text holding a word they cannot match without.

Most attribute patterns match few of the sentences they are tried on, and a plain substring
test (``"royalt" in text``) costs a fraction of a regex scan. ``Guarded(pattern)`` works
out, from the parsed pattern, a set of words such that every match contains one of them
(an alternation needs a word from each branch; a sequence needs any one of its parts),
and searches only when the text holds one. The words are derived, not written by hand, so
the answers are the regular expression's own:

- a literal run in a case-sensitive part is looked for as written;
- in a case-insensitive part (``re.I``, ``(?i:...)``) only ASCII characters are used, and
  they are looked for in the text folded as ``re.IGNORECASE`` compares ASCII: lower-cased,
  with the four other characters it matches to an ASCII letter ("İ", "ı", "ſ", the Kelvin
  sign) mapped to that letter (``fold``);
- look-arounds, classes, optional and repeated-from-zero parts require nothing.
"""

from __future__ import annotations

import re
from re import _constants as _sre
from re import _parser as _sre_parse
from typing import Optional

_FOLD = {0x130: "i", 0x131: "i", 0x17F: "s", 0x212A: "k"}
_IGNORECASE = _sre.SRE_FLAG_IGNORECASE
_REPEATS = {_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT}

# what a match must contain: one of these (word, case-insensitive) pairs; None: nothing known
Need = Optional[frozenset[tuple[str, bool]]]


def fold(text: str) -> str:
    """``text`` as ``re.IGNORECASE`` compares it to ASCII letters, one character per character."""
    return (text if text.isascii() else text.translate(_FOLD)).lower()


def _score(need: frozenset[tuple[str, bool]]) -> tuple[int, int]:
    return min(len(w) for w, _ in need), -len(need)


def _need(items, ci: bool) -> Need:
    """What every match of the parsed sequence ``items`` contains: the most selective of its
    parts' needs (the longest shortest word, then the fewest words)."""
    found: list[frozenset[tuple[str, bool]]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            found.append(frozenset({("".join(run), ci)}))
            run.clear()

    for op, av in items:
        if op is _sre.LITERAL:
            ch = chr(av)
            if not ci:
                run.append(ch)
                continue
            if ch.isascii():
                run.append(ch.lower())
                continue
            close_run()
            continue
        close_run()
        need: Need = None
        if op is _sre.SUBPATTERN:
            _, add, drop, sub = av
            need = _need(sub, (ci or bool(add & _IGNORECASE)) and not (drop & _IGNORECASE))
        elif op is _sre.BRANCH:
            branches = [_need(b, ci) for b in av[1]]
            if all(b is not None for b in branches):
                need = frozenset().union(*branches)
        elif op in _REPEATS:
            low, _, sub = av
            need = _need(sub, ci) if low >= 1 else None
        elif op is _sre.ATOMIC_GROUP:
            need = _need(av, ci)
        if need:
            found.append(need)
    close_run()
    return max(found, key=_score) if found else None


def required_words(pattern: str, flags: int = 0) -> Need:
    """Words one of which every match of ``pattern`` contains (None when there are none to tell)."""
    parsed = _sre_parse.parse(pattern, flags)
    return _need(parsed, bool(parsed.state.flags & _IGNORECASE))


class Guarded:
    """A compiled pattern that searches only text holding one of its required words."""

    __slots__ = ("regex", "_exact", "_folded", "_always")

    def __init__(self, pattern: str, flags: int = 0):
        self.regex = re.compile(pattern, flags)
        need = required_words(pattern, flags)
        self._always = need is None
        self._exact = tuple(sorted(w for w, ci in need or () if not ci))
        self._folded = tuple(sorted(w for w, ci in need or () if ci))

    def may_match(self, text: str, folded: Optional[str] = None) -> bool:
        """False when ``text`` holds none of the required words (``folded``: ``fold(text)``, if known)."""
        if self._always:
            return True
        for w in self._exact:
            if w in text:
                return True
        if self._folded:
            if folded is None:
                folded = fold(text)
            for w in self._folded:
                if w in folded:
                    return True
        return False

    def search(self, text: str, folded: Optional[str] = None) -> Optional[re.Match]:
        return self.regex.search(text) if self.may_match(text, folded) else None

    def finditer(self, text: str, folded: Optional[str] = None):
        return self.regex.finditer(text) if self.may_match(text, folded) else iter(())


_GUARDED: dict[tuple[str, int], Guarded] = {}


def guarded(pattern: str, flags: int = 0) -> Guarded:
    """``Guarded(pattern, flags)``, made once per pattern (for fixed patterns only: they are kept)."""
    key = (pattern, flags)
    g = _GUARDED.get(key)
    if g is None:
        g = _GUARDED[key] = Guarded(pattern, flags)
    return g
