"""Durations ("thirty (30) days" -> P30D), money ("$1,500,000" -> USD 1500000) and percentages."""

from __future__ import annotations

import re
from functools import lru_cache

from analyzer.nlp.resources import (
    Hit,
    alternation,
    drop_overlaps,
    fmt_number,
    load_patterns,
    number_phrase,
    parse_amount,
    windowed,
    windows,
    words_to_number,
)

_DURATION_ANCHOR = re.compile(r"(?i)\b(?:year|month|week|day|hour|quarter)s?\b")
_PERCENT_ANCHOR = re.compile(r"%|(?i:\bper\s?cent\b|\bpercent\b)")
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


@lru_cache(maxsize=1)
def _duration_re() -> re.Pattern:
    d = load_patterns("durations")
    units = alternation(d["units"])
    qual = alternation(d["qualifiers"])
    words = number_phrase()
    return re.compile(
        rf"\b(?:(?P<w>{words})\s*\(\s*(?P<n1>\d+(?:\.\d+)?)\s*\)|(?P<n2>\d+(?:\.\d+)?)|(?P<w2>{words}))"
        rf"[\s-]*(?:\(\s*\d+\s*\)[\s-]*)?(?:{qual}[\s-]+)?(?P<u>{units})\b", re.I)


def find_durations(text: str) -> list[Hit]:
    d = load_patterns("durations")["units"]
    out = []
    for m in windowed(_duration_re(), _DURATION_ANCHOR, text, 60, 0):
        n = m.group("n1") or m.group("n2")
        value = float(n) if n else words_to_number(m.group("w") or m.group("w2") or "")
        if value is None or value <= 0 or value > 1000:
            continue
        unit = d[m.group("u").lower()]
        if unit == "Q":
            iso = f"P{fmt_number(value * 3)}M"
        elif unit == "H":
            iso = f"PT{fmt_number(value)}H"
        else:
            iso = f"P{fmt_number(value)}{unit}"
        out.append(Hit(m.start(), m.end(), "duration", iso))
    return out


@lru_cache(maxsize=1)
def _money_res() -> tuple:
    p = load_patterns("money")
    sym = alternation(p["symbols"])
    codes = alternation(p["codes"])
    words = alternation(p["words"])
    mag = r"(?:\s?(?P<mag>million|billion|thousand|MM|mm|bn|[mMkK](?![A-Za-z])))?"
    return (
        re.compile(rf"(?P<cur>{sym})\s?(?P<amt>{_NUM}){mag}"),
        re.compile(rf"\b(?P<cur>{codes})\s?(?P<amt>{_NUM}){mag}"),
        re.compile(rf"(?<![\w.,])(?P<amt>{_NUM}){mag}\s?(?P<cur>{codes})\b"),
        re.compile(rf"(?<![\w.,$])(?P<amt>{_NUM}){mag}\s+(?P<cur>{words})\b", re.I),
        re.compile(rf"\b(?P<w>{number_phrase()})\s+(?P<cur>{words})\b", re.I),
    )


@lru_cache(maxsize=1)
def _money_anchor() -> re.Pattern:
    p = load_patterns("money")
    return re.compile(rf"[$€£¥]|\b{alternation(p['codes'])}\b|(?i:\b{alternation(p['words'])}\b)")


def find_money(text: str) -> list[Hit]:
    p = load_patterns("money")
    lookup = {**p["symbols"], **{c: c for c in p["codes"]}, **{k: v for k, v in p["words"].items()}, "RMB": "CNY"}
    mags = p["magnitudes"]
    hits = []
    spans = windows(_money_anchor(), text, 80, 30)
    for rx in _money_res():
        for m in windowed(rx, spans, text):
            cur = m.group("cur")
            code = lookup.get(cur) or lookup.get(cur.lower()) or lookup.get(re.sub(r"\s+", " ", cur.lower()), "USD")
            gd = m.groupdict()
            amt = parse_amount(gd["amt"]) if gd.get("amt") else words_to_number(gd.get("w") or "")
            if amt is None:
                continue
            if gd.get("mag"):
                amt *= mags.get(gd["mag"].lower(), 1)
            hits.append(Hit(m.start(), m.end(), "money", f"{code} {fmt_number(amt)}"))
    return drop_overlaps(hits)


@lru_cache(maxsize=1)
def _percent_res() -> tuple:
    words = number_phrase()
    return (
        re.compile(r"(?<![\w.])(?P<n>\d+(?:\.\d+)?)\s?(?:%|percent\b|per\s?cent\b)", re.I),
        re.compile(rf"\b(?P<w>{words}(?:\s+(?:and\s+)?(?:one[\s-]half|a\s+half))?)\s+(?:percent|per\s?cent)\b"
                   rf"(?:\s*\(\s*(?P<n>\d+(?:\.\d+)?)\s*%\s*\))?", re.I),
    )


def find_percents(text: str) -> list[Hit]:
    hits = []
    spans = windows(_PERCENT_ANCHOR, text, 80, 20)
    for rx in _percent_res():
        for m in windowed(rx, spans, text):
            n = m.group("n")
            value = float(n) if n else words_to_number(m.groupdict().get("w") or "")
            if value is None:
                continue
            hits.append(Hit(m.start(), m.end(), "percent", f"{fmt_number(value)}%"))
    return drop_overlaps(hits)
