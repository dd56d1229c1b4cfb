"""Governing law and forum defaults that fit the contract: its type, its parties' countries.

``forum_defaults(report)`` reads the contract's governing law (the nlp ``governing_law``
entities, else the wording of a governing-law sentence), the countries the parties come from
(the words after each party's name in the preamble: "a company organised under the laws of
Germany", "a Delaware corporation", "a limited liability company established in the PRC") and
whether the contract is a Sino-foreign equity or cooperative joint venture contract, and
returns placeholder values for the governing-law and dispute-resolution language:

- a Sino-foreign equity or cooperative joint venture contract must be governed by PRC law
  (Civil Code Art. 467(2)), so the law proposed is PRC law whatever the playbook's default;
- arbitration is offered at CIETAC, HKIAC, SIAC or ICC with the seat chosen for enforcement
  against the other side: against a PRC party, Hong Kong (HKIAC; Hong Kong awards are enforced
  in the Mainland under the 1999 Arrangement) or Beijing (CIETAC) when PRC law governs;
  otherwise a seat in a New York Convention state neutral to both parties (Singapore under the
  SIAC Rules, else Geneva or Paris under the ICC Rules);
- the law is left as the contract states it, or as a bracketed choice when it states none;
- with a Chinese party or PRC law, the export-control language names the PRC Export Control Law and
  the Technology Import and Export Regulations first, the US and EU rules where they apply, and
  does not bind the parties to act against the Anti-Foreign Sanctions Law.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

# country -> patterns that name it (as a place of incorporation or a governing law)
_COUNTRIES: dict[str, str] = {
    "China": r"People'?s\s+Republic\s+of\s+China|\bP\.?R\.?C\.?\b|\bChin(?:a|ese)\b|\bBeijing\b|\bShanghai\b|\bShenzhen\b|"
             r"中华人民共和国|中国(?!香港|澳门|台湾)|北京|上海|深圳",
    "Hong Kong": r"\bHong\s+Kong\b|香港",
    "Singapore": r"\bSingapore\b|新加坡",
    "United States": r"\bUnited\s+States\b|\bU\.S\.A?\.?\b|\bUSA\b|\bDelaware\b|\bNew\s+York\b|\bCalifornia\b|"
                     r"\bTexas\b|\bMassachusetts\b|\bWashington\b|\bNevada\b|\bIllinois\b|美国|美利坚",
    "Germany": r"\bGerman(?:y)?\b|\bGmbH\b|德国|德意志",
    "France": r"\bFrance\b|\bFrench\b|法国|法兰西",
    "United Kingdom": r"\bEngland\b|\bEnglish\b|\bUnited\s+Kingdom\b|\bScotland\b|\bWales\b|英国|英格兰",
    "Switzerland": r"\bSwitzerland\b|\bSwiss\b|瑞士",
    "Japan": r"\bJapan(?:ese)?\b|日本",
    "Netherlands": r"\bNetherlands\b|\bDutch\b|荷兰",
}
_COUNTRY_RES = {c: re.compile(p) for c, p in _COUNTRIES.items()}
# the words after a party's name that say where it comes from
_PARTY_WINDOW = 260
_JV = re.compile(r"\b(?:Sino[-\s]foreign|(?:equity|co-?operative|contractual)\s+joint\s+venture)\b|"
                 r"中外合资|中外合作|合资经营|合作经营", re.I)
_JV_COMPANY = re.compile(r"\bregistered\s+capital\b|\bjoint\s+venture\s+company\b|\bJV\s+Company\b|注册资本|合营公司|合资公司",
                         re.I)
_LAW_SENTENCE = re.compile(r"governed\s+by[^.;]{0,80}?laws?\s+of\s+(?:the\s+)?([^.;,]{2,60})|"
                           r"(?:适用|受)([^。；，、]{2,24}?)法律(?:管辖)?", re.I)

PRC_LAW = "the People's Republic of China"
CIETAC = "the CIETAC Arbitration Rules of the China International Economic and Trade Arbitration Commission"
HKIAC = "the HKIAC Administered Arbitration Rules of the Hong Kong International Arbitration Centre"
SIAC = "the Arbitration Rules of the Singapore International Arbitration Centre"
ICC = "the Rules of Arbitration of the International Chamber of Commerce"
# arbitration seats and the courts the forum defaults name
BEIJING = "Beijing, People's Republic of China"
HONG_KONG = "Hong Kong"
SINGAPORE = "Singapore"
GENEVA = "Geneva, Switzerland"
PARIS = "Paris, France"
PRC_COURTS = "the competent people's court at the place where the Company is registered"
PRC_EXPORT_CONTROL_LAWS = (
    "the Export Control Law of the People's Republic of China, the Regulations of the People's Republic of China on "
    "the Administration of Technology Import and Export and, where they apply, the US Export Administration "
    "Regulations and Regulation (EU) 2021/821; nothing in this clause requires a party to act in breach of the laws "
    "that apply to it, including the Anti-Foreign Sanctions Law of the People's Republic of China")


@dataclass
class Jurisdiction:
    """What the contract says about law and where its parties come from."""

    governing_law: Optional[str] = None  # the country whose law the contract chooses
    party_countries: list[Optional[str]] = field(default_factory=list)
    sino_foreign_jv: bool = False

    @property
    def prc_party(self) -> bool:
        return "China" in self.party_countries

    @property
    def domestic(self) -> Optional[bool]:
        """True when the parties (at least one of them known) and the governing law all point to
        one country and at least two of them are known; None when too little is known to say."""
        known = [c for c in self.party_countries if c]
        points = known + ([self.governing_law] if self.governing_law else [])
        if not known or len(points) < 2:
            return None
        return len(set(points)) == 1


def country_of(text: str) -> Optional[str]:
    """The first country ``text`` names, by position."""
    best: Optional[tuple[int, str]] = None
    for country, pat in _COUNTRY_RES.items():
        m = pat.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), country)
    return best[1] if best else None


def _law_text(report) -> Optional[str]:
    for e in getattr(report, "entities", []) or []:
        if e.type == "governing_law" and (e.value or e.text):
            return e.value or e.text
    m = _LAW_SENTENCE.search(report.text or "")
    return (m.group(1) or m.group(2)) if m else None


def party_windows(report) -> list[str]:
    """For each party of ``report``: its name and the words after it that say where it comes from."""
    text = report.text or ""
    out = []
    for p in getattr(report, "parties", []) or []:
        window = text[p.start:min(len(text), p.end + _PARTY_WINDOW)]
        window = re.split(r"\n\s*\n|\bAND\b|\band\s+(?=[A-Z])|[；。]", window[max(0, p.end - p.start):], maxsplit=1)[0]
        out.append(p.name + " " + window)
    return out


def detect(report) -> Jurisdiction:
    """Governing law, the parties' countries and the contract type, read from ``report``."""
    text = report.text or ""
    law = _law_text(report)
    countries = [country_of(w) for w in party_windows(report)]
    head = text[:4000]
    chinese = "China" in countries or bool(_COUNTRY_RES["China"].search(head))
    jv = chinese and bool(_JV.search(head) or (_JV_COMPANY.search(text) and re.search(r"joint\s+venture", head, re.I)))
    return Jurisdiction(governing_law=country_of(law) if law else None, party_countries=countries, sino_foreign_jv=jv)


def either(first: str, second: str) -> str:
    """A default with its alternative in brackets: "first [or second]"."""
    return f"{first} [or {second}]"


def seats(*places: str) -> str:
    """Bracketed seats, each after the first as an alternative: "[first] [or second]"."""
    return " ".join(f"[{p}]" if i == 0 else f"[or {p}]" for i, p in enumerate(places))


def forum_defaults(report, j: Optional[Jurisdiction] = None) -> dict[str, str]:
    """Placeholder values for the law, forum and export-control language (``governing_law``,
    ``arbitration_rules``, ``arbitration_seat``, ``courts``, ``export_control_laws``) that fit
    ``report`` (whose ``detect`` is ``j`` when given); empty when there is nothing to go on."""
    j = j or detect(report)
    out: dict[str, str] = {}
    if j.sino_foreign_jv:
        out["governing_law"] = PRC_LAW
        out["courts"] = PRC_COURTS
    prc_law = j.sino_foreign_jv or j.governing_law == "China"
    if j.prc_party or prc_law:
        out["export_control_laws"] = PRC_EXPORT_CONTROL_LAWS
        if prc_law:
            out["arbitration_rules"] = either(CIETAC, HKIAC)
            out["arbitration_seat"] = seats(BEIJING, HONG_KONG)
        else:
            out["arbitration_rules"] = either(HKIAC, SIAC)
            out["arbitration_seat"] = seats(HONG_KONG, SINGAPORE)
        return out
    known = {c for c in j.party_countries if c}
    if len(known) >= 2 or (known and j.governing_law and j.governing_law not in known):
        if "Singapore" not in known:
            out["arbitration_rules"] = either(SIAC, ICC)
            out["arbitration_seat"] = seats(SINGAPORE)
        else:
            out["arbitration_rules"] = ICC
            out["arbitration_seat"] = seats(GENEVA) if "Switzerland" not in known else seats(PARIS)
    return out
