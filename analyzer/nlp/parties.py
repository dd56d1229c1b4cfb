"""Parties from the preamble ('between ACME CORP., a Delaware corporation ("Licensor"), and
Beta GmbH ("Licensee")') and, as a fallback, from the signature blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from analyzer.nlp.resources import alternation, load_patterns

_INTRO = re.compile(r"\b(?:by\s+and\s+)?(?:between|among|amongst|BETWEEN|AMONG|AMONGST|Between|Among)\b[\s:]*"
                    r"|\bPARTIES\b[\s:]*|\bParties\s*:\s*")
_SCOPE_END = re.compile(r"\bWHEREAS\b|\bWhereas\b|\bRECITALS\b|\bRecitals\b|\bNOW,?\s+THEREFORE\b|\bNow,?\s+[Tt]herefore\b"
                        r"|W\s?I\s?T\s?N\s?E\s?S\s?S\s?E\s?T\s?H|\bBACKGROUND\b|\bBackground\b|\n\s*\n\s*\n|"
                        r"\b(?:agree|agrees)\s+as\s+follows")
_LEAD = re.compile(r"^[\s,;:.]*(?:(?:by\s+and\s+)?(?:between|among|amongst)|and|AND|And|by|with|&)?[\s,;:]*"
                   r"(?:\(\s*(?:\d{1,2}|[a-z]|[ivx]+)\s*\)\s*|\d{1,2}\.\s+)?", re.I)
_CAP_RUN = re.compile(r"[A-Z0-9][\w&'’.\-/]*(?:(?:,?[ \t]{1,2}|,)(?:[A-Z0-9][\w&'’.\-/]*|\([A-Z][\w&.\-]*\)|of|and|&|de|du|la|der|von|van|y|für|the|for))*")
_AND_SPLIT = re.compile(r",?\s+(?:and|AND|And)\s+(?=[A-Z])|;\s+(?=[A-Z])")
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-Z][a-z]*\s+[a-z])")
_BARE_ALIAS = re.compile(r"\((?:(?i:hereinafter|hereafter)\s+(?:(?i:referred\s+to\s+as)\s+)?|the\s+)?"
                         r"(?P<t>[A-Z][\w&.\-]*(?:\s[A-Z][\w&.\-]*){0,3})\)(?=\s*(?:[,;.]|and\b|AND\b|$))")
_SENT_STOP = re.compile(r"\.\s+(?=[A-Z][a-z])")
_ABBREV_WORD = re.compile(r"(?:\b(?:Inc|Ltd|Co|Corp|Bros|Nos|No|Mr|Ms|Dr|St|Jr|Sr)|\b[A-Z]|[A-Z]\.[A-Z]|\.[A-Za-z])$")
_SIGN_BY = re.compile(r"^\s*(?:By|BY)\s*[:_]", re.M)


@dataclass
class PartyHit:
    name: Optional[tuple[int, int]] = None
    aliases: list[tuple[int, int]] = field(default_factory=list)
    role: Optional[str] = None


@lru_cache(maxsize=1)
def _org() -> dict:
    o = load_patterns("organizations")
    r = load_patterns("roles")
    return {
        "suffix": re.compile(r"(?:^|[\s,]+)" + alternation(o["suffixes"], flags_upper=True) + r"(?![\w])"),
        "stops": re.compile("|".join(o["description_stops"])),
        "roles": r["roles"],
        "role_patterns": [(w, re.compile(rf"\b{re.escape(w)}\b")) for w in sorted(r["roles"], key=len, reverse=True)],
        "not_parties": set(r["not_parties"]),
        "abbrev_end": re.compile(r"(?:Inc|Corp|Co|Ltd|L\.L\.C|S\.A|N\.V|B\.V|L\.P|P\.C|S\.p\.A|Pty|Pte|Ltda|U\.S\.A|[A-Z])\.$"),
    }


def role_of(alias: str) -> Optional[str]:
    o = _org()
    low = re.sub(r"\s+", " ", alias.lower().strip())
    if low in o["roles"]:
        return o["roles"][low]
    for w, pattern in o["role_patterns"]:
        if pattern.search(low):
            return o["roles"][w]
    return None


def _name_in(text: str, s: int, e: int, prefer_last: bool = False) -> Optional[tuple[int, int]]:
    """The legal name at the start of ``text[s:e]`` (after connectors), cut before its description."""
    chunk = text[s:e]
    lead = _LEAD.match(chunk)
    off = lead.end() if lead else 0
    stop = _org()["stops"].search(chunk, off)
    end = stop.start() if stop else len(chunk)
    sent = _SENTENCE_END.search(chunk, off, end)
    end = sent.start() if sent else end
    run = _CAP_RUN.match(chunk, off, end)
    if run is None or prefer_last:
        runs = [m for m in _CAP_RUN.finditer(chunk, off, end) if len(m.group(0)) >= 2]
        if not runs:
            return None
        run = runs[-1]
    a, b = run.span()
    while b > a and chunk[b - 1] in " ,;:(":
        b -= 1
    if chunk[b - 1:b] == "." and not _org()["abbrev_end"].search(chunk[a:b]):
        b -= 1
    suffix = _org()["suffix"].search(chunk, a, b)
    if suffix:  # "NLS-1 Pharma AG Alter Postplatz 2" -> "NLS-1 Pharma AG"
        cut = suffix.end()
        more = _org()["suffix"].match(chunk, cut, b)
        while more:
            cut = more.end()
            more = _org()["suffix"].match(chunk, cut, b)
        if chunk[cut:b].strip(" ,.") and not re.match(r"[\s,]*(?:\(|d/b/a|dba|f/k/a)", chunk[cut:b]):
            b = cut
    name = chunk[a:b]
    if len(name) < 2 or len(name.split()) > 14 or not re.search(r"[A-Za-z]{2}", name):
        return None
    return s + a, s + b


def find_parties(text: str, start: int, end: int, aliases: list[tuple[int, int]]) -> list[PartyHit]:
    """Parties in the preamble ``text[start:end]``; ``aliases`` are defined-term spans found there.
    A cover page ("Between: A And B") is followed by the full party sentence: up to three
    "between" phrases are read until one gives defined aliases."""
    hits: list[PartyHit] = []
    pos = start
    for _ in range(3):
        intro = _INTRO.search(text, pos, min(end, start + 6000))
        found, pos = _parties_after(text, start, end, aliases, intro)
        for h in found:
            k = _key(text, h.name)
            if h.name and h.aliases:  # a later mention with aliases replaces a bare cover-page name
                hits = [x for x in hits if x.aliases or _key(text, x.name) != k]
            elif h.name and k in {_key(text, x.name) for x in hits}:
                continue
            hits.append(h)
        if intro is None or any(h.aliases for h in found):
            break
    return hits


def _key(text: str, span) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text[span[0]:span[1]].lower())) if span else ""


_NOT_NAMES = re.compile(r"(?:Exhibit|EXHIBIT|Schedule|SCHEDULE|Gentlemen|Ladies|Dear|Dated|DATED|Page|Section|Article|"
                        r"ARTICLE|Source|The\s+University$)\b")


def _parties_after(text: str, start: int, end: int, aliases, intro) -> tuple[list[PartyHit], int]:
    o = _org()
    s0 = intro.end() if intro else start
    stop = _SCOPE_END.search(text, s0, min(end, s0 + 3000))
    s1 = stop.start() if stop else min(end, s0 + 2000)
    if intro is not None:
        for sent in _SENT_STOP.finditer(text, s0, s1):
            if not _ABBREV_WORD.search(text, max(s0, sent.start() - 6), sent.start()):
                s1 = sent.start() + 1
                break
    aliases = [(a, b) for a, b in aliases if _in_alias_position(text, s0, a)]
    quoted = {(a, b) for a, b in aliases}
    for m in _BARE_ALIAS.finditer(text, s0, s1):
        a, b = m.span("t")
        if (a, b) not in quoted and not o["suffix"].fullmatch(" " + m.group("t")):
            aliases = list(aliases) + [(a, b)]
    # group alias spans by their parenthesis
    groups: list[tuple[int, int, list[tuple[int, int]]]] = []
    for a, b in sorted(aliases):
        if not s0 <= a < s1:
            continue
        p0 = text.rfind("(", s0, a)
        p1 = text.find(")", b, s1)
        p0, p1 = (p0 if p0 != -1 else a - 1), (p1 + 1 if p1 != -1 else b + 1)
        if groups and groups[-1][0] == p0:
            groups[-1][2].append((a, b))
        else:
            groups.append((p0, p1, [(a, b)]))
    hits: list[PartyHit] = []
    prev = s0
    for p0, p1, spans in groups:
        names = [text[a:b] for a, b in spans]
        keep = [sp for sp, n in zip(spans, names) if n.lower() not in o["not_parties"]]
        chunk_start, prev = prev, p1
        if not keep:
            continue
        pieces = _split_and(text, chunk_start, p0)
        listed = []
        for ps, pe in pieces[:-1]:  # parties listed without their own alias
            name = _name_in(text, ps, pe)
            if name and o["suffix"].search(text[name[0]:name[1]]):
                listed.append(PartyHit(name=name))
        name = _name_in(text, *pieces[-1]) if pieces else None
        if name is None and pieces:
            name = _name_in(text, *pieces[-1], prefer_last=True)
        if listed and (name is None or not is_legal_person(text[name[0]:name[1]])):
            # "Beta Ltd., a company registered in Ruritania and Other Place ("Beta")": the words after
            # the "and" belong to Beta's description, so the alias is Beta's
            name = listed.pop().name
        hits.extend(listed)
        role = next((role_of(text[a:b]) for a, b in keep if role_of(text[a:b])), None)
        if name is None and role is None:
            continue
        if name and text[name[0]:name[1]] in [text[a:b] for a, b in keep]:
            name = None  # '("Licensor")' right after the same word
        hits.append(PartyHit(name=name, aliases=keep, role=role))
    # parties after the last alias, or when no alias was given at all
    tail_end = text.find(".", prev, s1)
    tail_end = s1 if tail_end == -1 or not hits else tail_end
    for k, (ps, pe) in enumerate(_split_and(text, prev, tail_end)):
        name = _name_in(text, ps, pe, prefer_last=(k == 0 and intro is None))
        if name and o["suffix"].search(text[name[0]:name[1]]):
            hits.append(PartyHit(name=name))
    for h in hits:
        if h.name and _NOT_NAMES.match(text, h.name[0]):
            h.name = None
        if intro is None and h.name and not is_legal_person(text[h.name[0]:h.name[1]]):
            h.name = None  # without "between ..." only a company or a person's name is a party
    if intro is None:
        hits = [h for h in hits if h.name]
    return [h for h in hits if h.name or h.aliases], max(s1, (intro.end() if intro else start) + 1)


_ALIAS_LEAD = re.compile(r"(?i:hereinafter|hereafter|referred\s+to\s+as|called|known\s+as)[\s,:]*(?:the\s+)?[\"“]?$")


def _in_alias_position(text: str, s0: int, a: int) -> bool:
    """A short name is given inside parentheses or after "hereinafter (referred to as)"; a
    '"X" means' definition names a term, not a party."""
    open_ = text.rfind("(", s0, a)
    if open_ != -1 and open_ > text.rfind(")", s0, a) and a - open_ < 200:
        return True
    return bool(_ALIAS_LEAD.search(text, max(s0, a - 60), a))


_NOT_PERSON_WORDS = re.compile(
    r"\b(?:Agreement|Contract|Licen[cs]e|Period|Definitions?|Conflicts?|Investment|Schedule|Exhibit|Annex|Appendix|"
    r"Section|Article|Clause|Terms?|Conditions?|Services?|Subscription|Witness|Whereof|Signature|Signed|Executed|"
    r"Parties|Party|Recitals?|Background|Page|Date|Effective|Notices?|Payment|Fees?|Confidential\w*|Termination|"
    r"Warrant\w*|Liability|Indemn\w*|Law|Governing|Term|Territory|Products?|Patents?|Rights?)\b", re.I)
_PERSON = re.compile(r"(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?[A-Z][A-Za-z'’\-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][A-Za-z'’\-]+){1,3}")


def is_legal_person(name: str) -> bool:
    """A company (its name carries a legal-form suffix) or a person's name; a heading or a
    defined term ("Cloud Service Agreement; The Subscription Period") is neither."""
    name = name.strip()
    if not name or ";" in name or len(name) > 120:
        return False
    if _org()["suffix"].search(name):
        return True
    return bool(_PERSON.fullmatch(name)) and not _NOT_PERSON_WORDS.search(name)


# "registered in England and Wales", "organised under the laws of Trinidad and Tobago": an "and" inside
# a party's seat joins two place names, not two parties
_SEAT_BEFORE_AND = re.compile(r"\b(?:registered|incorporated|organi[sz]ed|established|formed|existing|domiciled)\b"
                              r"[^,;()]{0,40}\b(?:in|of)\s+(?:the\s+)?[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3}\s*$")


def _split_and(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, pos = [], s
    for m in _AND_SPLIT.finditer(text, s, e):
        if _SEAT_BEFORE_AND.search(text, max(s, m.start() - 120), m.start()):
            continue
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if b > a]


_ON_BEHALF = re.compile(r"(?i:(?:signed\s+)?(?:for\s+and\s+)?on\s+behalf\s+of|signed\s+(?:by|for))\s+(?P<n>.+)$")


def find_signatories(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Names printed above "By:" lines in a signature block."""
    out = []
    for m in _SIGN_BY.finditer(text, start, end):
        before = text[max(start, m.start() - 300):m.start()]
        lines = [ln for ln in before.split("\n") if ln.strip() and not re.fullmatch(r"[\s_\-]*", ln)]
        if not lines:
            continue
        line = lines[-1].strip().rstrip(":")
        if len(line) > 80 or re.match(r"(?:Name|Title|Date|Signature|Its|By)\b", line, re.I):
            continue
        behalf = _ON_BEHALF.search(line)
        if behalf:
            line = behalf.group("n").strip(" ,.:")
        if (line.isupper() and not _NOT_PERSON_WORDS.search(line)) or is_legal_person(line):
            s = text.rfind(line, max(start, m.start() - 300), m.start())
            if s != -1:
                out.append((s, s + len(line)))
    return out


_COLLECTIVE = re.compile(r"[\"“ʺ”](?:Party|Parties|PARTY|PARTIES|party|parties)\.?[\"”ʺ]")


def find_collective(text: str, start: int, end: int) -> Optional[tuple[int, int]]:
    """The phrase naming the parties together ('(each a "Party", together the "Parties")',
    'A and B are each referred to as a "Party" ...')."""
    m = _COLLECTIVE.search(text, start, min(end, start + 8000))
    if m is None:
        return None
    open_ = text.rfind("(", max(start, m.start() - 200), m.start())
    close_before = text.rfind(")", max(start, m.start() - 200), m.start())
    close = text.find(")", m.end(), m.end() + 200)
    if open_ > close_before and close != -1:
        return open_, close + 1
    a = max(text.rfind(". ", max(start, m.start() - 300), m.start()) + 2,
            text.rfind("\n", max(start, m.start() - 300), m.start()) + 1, start)
    ends = [i for i in (text.find(". ", m.end(), m.end() + 300), text.find("\n", m.end(), m.end() + 300)) if i != -1]
    b = min(ends) + 1 if ends else min(len(text), m.end() + 1)
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return (a, b) if b > a else None
