"""Pattern data files (``patterns/*.json``) and the small helpers built on them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"


@lru_cache(maxsize=None)
def load_patterns(name: str) -> dict:
    """The parsed ``patterns/<name>.json``."""
    return json.loads((PATTERNS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Hit:
    """One extracted item: a half-open span into the text, its type and normalised value."""

    start: int
    end: int
    label: str
    value: Optional[str] = None


def alternation(words, flags_upper: bool = False) -> str:
    """Regex alternation of ``words``, longest first, each escaped."""
    items = sorted(set(words), key=len, reverse=True)
    if flags_upper:
        items = sorted(set(items) | {w.upper() for w in items} | {w.title() for w in items}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in items) + ")"


@lru_cache(maxsize=1)
def number_phrase() -> str:
    """Regex for an English number phrase ("thirty", "one hundred and twenty", "twenty-four")."""
    n = load_patterns("numbers")
    words = [w for w in list(n["units"]) + list(n["tens"]) + list(n["scales"]) if w not in ("a", "an", "half")]
    w = alternation(words)
    return rf"(?:{w})(?:[\s-]+(?:and[\s-]+)?(?:{w}))*"


def words_to_number(s: str) -> Optional[float]:
    """Value of an English number phrase, or None."""
    n = load_patterns("numbers")
    total, current, seen = 0.0, 0.0, False
    for tok in re.split(r"[\s-]+", s.lower().strip()):
        if not tok or tok == "and":
            continue
        if tok in n["units"]:
            current += n["units"][tok]
        elif tok in n["tens"]:
            current += n["tens"][tok]
        elif tok in n["scales"]:
            scale = n["scales"][tok]
            if scale == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * scale
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_amount(s: str) -> Optional[float]:
    try:
        return float(s.replace(",", "").replace(" ", ""))
    except ValueError:
        return None


def fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def drop_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping hits (earliest first on ties)."""
    out: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        if out and h.start < out[-1].end:
            if h.end - h.start > out[-1].end - out[-1].start and h.start == out[-1].start:
                out[-1] = h
            continue
        out.append(h)
    return out


def windowed(rx: re.Pattern, anchor, text: str, before: int = 0, after: int = 0):
    """``rx.finditer`` restricted to windows around cheap ``anchor`` matches (much faster than
    scanning the whole text with a long alternation). ``anchor`` may be precomputed windows."""
    for s, e in (anchor if isinstance(anchor, list) else windows(anchor, text, before, after)):
        yield from rx.finditer(text, s, e)


def windows(anchor: re.Pattern, text: str, before: int, after: int) -> list[list[int]]:
    """Merged ``[start, end)`` windows around ``anchor`` matches, widened to whitespace."""
    windows: list[list[int]] = []
    n = len(text)
    for m in anchor.finditer(text):
        s, e = max(0, m.start() - before), min(n, m.end() + after)
        while s > 0 and not text[s - 1].isspace():
            s -= 1
        while e < n and not text[e].isspace():
            e += 1
        if windows and s <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], e)
        else:
            windows.append([s, e])
    return windows
