"""Attributes that say who holds a right or carries a burden, and terms that take control away from a party.

A one-sided term is a right that only one party holds (to terminate at will, to change the price, to
terminate on the other's change of control) or a burden that only one party carries (an indemnity,
an assignment restriction, a non-compete). ``read_balance(text, low, ctx, out)`` records, for one
sentence, who holds each right or carries each burden; ``derive_balance(merged)`` turns the holders
found across a clause (or the whole contract) into a side:

- ``"mutual"``: each party holds it (stated as "either party", or held by two different parties);
- ``"licensor"`` / ``"licensee"``: only that party, by its role;
- ``"one_party"``: only one party, whose role in a licence is not known.

It also reads terms that end or fix the deal without the affected party's say: termination at once
without notice or cure, automatic termination tied to another agreement or to insolvency, payment
terms left to be agreed, a price one party may change alone, minimum payment or purchase
commitments, and sell-off, wind-down or transition rights after termination.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

Side = Literal["mutual", "licensor", "licensee", "one_party"]

# topic -> (holders list attribute, side attribute)
TOPICS = {
    "convenience": ("convenience_holders", "convenience_side"),
    "indemnity": ("indemnitors", "indemnity_side"),
    "assignment": ("assignment_restricted", "assignment_side"),
    "non_compete": ("restricted_from_competing", "non_compete_side"),
    "warranty": ("warrantors", "warranty_side"),
}


class BalanceAttributes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # who holds a right or carries a burden: "each_party", "licensor", "licensee" or a party's name
    convenience_holders: list[str] = Field(default_factory=list)
    indemnitors: list[str] = Field(default_factory=list)
    assignment_restricted: list[str] = Field(default_factory=list)
    restricted_from_competing: list[str] = Field(default_factory=list)
    warrantors: list[str] = Field(default_factory=list)
    # the side each of those falls on, over everything read
    convenience_side: Optional[Side] = None
    indemnity_side: Optional[Side] = None
    assignment_side: Optional[Side] = None
    non_compete_side: Optional[Side] = None
    warranty_side: Optional[Side] = None
    # who may terminate on the other's change of control; who may change the price alone
    change_of_control_terminator: Optional[str] = None
    price_changer: Optional[str] = None
    # terms that take control away from a party
    immediate_termination: Optional[bool] = None     # termination for breach at once, without notice or cure
    automatic_termination: Optional[bool] = None     # ends by itself on another agreement's end or on insolvency
    fees_to_be_agreed: Optional[bool] = None         # a payment term left to later agreement
    minimum_commitment: Optional[bool] = None        # a minimum payment, guarantee or purchase quantity
    sell_off: Optional[bool] = None                  # sell-off, wind-down or transition after termination
    assignable_on_sale: Optional[bool] = None        # a party may assign without consent on a merger or sale of its business


_EACH = re.compile(r"\b(?:either|each|both|any|neither|none of the)\s+(?:of\s+the\s+)?part(?:y|ies)\b|\bthe parties\b"
                   r"|\b(?:either|each|neither)\s+of\s+(?:them|us)\b", re.I)
_NAME = re.compile(r"(?:the\s+)?((?:[A-Z][\w&'’.-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w&'’.-]*|[A-Z]))*)\s*$")
_NOT_NAMES = {"this agreement", "agreement", "the agreement", "notwithstanding", "subject", "except", "in", "if",
              "upon", "on", "after", "during", "such", "any", "all", "no", "however", "provided", "further", "and",
              "or", "but", "the", "it", "this", "that", "each", "either", "neither", "both", "section", "article"}


def holder(fragment: str, ctx) -> Optional[str]:
    """Who the words before a verb name: "each_party", a role ("licensor", "licensee") or a party's name."""
    frag = re.split(r"[,;:()]|\b(?:and|or)\s+(?:that|if|where)\b", fragment)[-1].strip()
    if not frag:
        return None
    if _EACH.search(frag):
        return "each_party"
    low = frag.lower()
    words = low.split()[-6:]
    tail = " ".join(words)
    if re.search(r"\blicensor\b", tail):
        return "licensor"
    if re.search(r"\blicensee\b", tail):
        return "licensee"
    for name, role in sorted(ctx.roles.items(), key=lambda kv: -len(kv[0])):
        if re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", tail):
            return role if role in ("licensor", "licensee") else name
    m = _NAME.search(frag)
    if m:
        name = re.sub(r"^the\s+", "", re.sub(r"\s+", " ", m.group(1)).strip(" .").lower())
        if name and name not in _NOT_NAMES and len(name) > 1 and len(name.split()) <= 5:
            return name
    return None


def _before(t: str, i: int) -> str:
    """The words before position ``i`` of ``t`` in the same sentence part (at most 80 characters)."""
    seg = t[max(0, i - 80):i]
    k = max(seg.rfind("."), seg.rfind(";"), seg.rfind(":"))
    return seg[k + 1:] if k >= 0 else seg


def _holders(pattern: re.Pattern, t: str, ctx) -> list[str]:
    out: list[str] = []
    for m in pattern.finditer(t):
        w = _before(t, m.start())
        if re.search(r"\b(?:not|never|no|nor)\b|n't", " ".join(w.lower().split()[-5:])):
            continue  # "X shall not be required to indemnify"
        who = holder(w, ctx)
        if who and who not in out:
            out.append(who)
    return out


_SUBJECT = r"(?<=\s)"  # the verb phrase starts a word; its subject is read back from there (see _before)
_CONVENIENCE = re.compile(
    _SUBJECT + r"(?:(?:shall|will)\s+)?(?:may|(?:shall|will)\s+(?:have|be entitled)\s+(?:the\s+)?(?:right|option)?\s*to|"
    r"(?:is|are)\s+entitled\s+to|(?:has|have)\s+the\s+right\s+to)\s+(?:at\s+any\s+time\s+)?(?:\w+\s+){0,2}?terminate\b"
    r"(?=[^.;]{0,160}(?:for convenience|for any (?:or no )?reason|without (?:cause|reason)|at (?:any time|will)\b[^.;]{0,80}notice"
    r"|\bat its (?:sole )?(?:discretion|option)\b|\bin advance\b|\bby (?:sending|giving|serving)\b[^.;]{0,30}notice|upon\s+(?:not less than\s+)?[\w()\s-]{1,30}(?:days?|months?)'?\s*(?:prior\s+)?"
    r"(?:written\s+)?notice(?![^.;]{0,60}(?:breach|default|fail|insolv|bankrupt))))", re.I)
_INDEMNIFY = re.compile(
    _SUBJECT + r"(?:(?:shall|will|must|hereby)\s+|agrees?\s+to\s+|undertakes?\s+to\s+|covenants?\s+to\s+)*(?:(?:\w+\s*,?\s+){0,3}and\s+)?"
    r"(?:indemnif(?:y|ies)|defends?,?\s+(?:and\s+)?(?:hold harmless|indemnify)|holds?\s+harmless|keeps?\s+\w+\s+indemnified)", re.I)
_ASSIGN_BAN = re.compile(
    _SUBJECT + r"(?:shall|will|may|must|can)\s*(?:not|n[o']t)\s+(?:\w+\s+){0,3}?(?:assign|transfer|novate)\b"
    r"|" + _SUBJECT + r"(?:is|are)\s+not\s+(?:permitted|entitled|allowed)\s+to\s+(?:\w+\s+){0,2}?(?:assign|transfer)", re.I)
_COMPETE = re.compile(
    _SUBJECT + r"(?:shall|will|may|must|agrees?)\s*(?:not|n[o']t|to\s+refrain\s+from|refrain\s+from)\s+(?:\w+\s+){0,6}?"
    r"(?:compet|engag\w*\s+in\s+(?:any\s+)?(?:other\s+|similar\s+|competing\s+)?(?:business|activit)|carry\s+on\s+(?:any\s+)?(?:other\s+)?business|"
    r"(?:manufactur|sell|distribut|market|develop)\w*\s+(?:any\s+)?(?:products?|services?|goods)\s+(?:that|which)\s+(?:compete|are\s+competitive))", re.I)
_WARRANT = re.compile(_SUBJECT + r"(?:hereby\s+)?(?:represents?\s+(?:and|&)\s+)?warrants?\b(?!\s+(?:and\s+)?(?:disclaim|exclud))", re.I)
_CC_TERMINATE = re.compile(_SUBJECT + r"(?:may|shall\s+(?:have|be\s+entitled)\s+(?:the\s+right\s+)?to|(?:is|are)\s+entitled\s+to|"
                           r"(?:has|have)\s+the\s+right\s+to)\s+(?:\w+\s+){0,3}?terminat", re.I)
_PRICE_CHANGE = re.compile(
    _SUBJECT + r"(?:may|shall\s+be\s+entitled\s+to|reserves?\s+the\s+right\s+to)\s+(?:at\s+any\s+time\s+)?(?:unilaterally\s+)?"
    r"(?:\w+\s+){0,2}?(?:adjust|change|increase|modify|revise|amend|vary|raise|set)\s+(?:the\s+|its\s+|such\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:fees?|prices?|pricing|rates?|charges?|royalt(?:y|ies)|service fee)", re.I)


def read_balance(t: str, low: str, ctx, a: dict) -> None:
    """Add what ``t`` (one sentence or clause) states about who holds a right or carries a burden."""
    if re.search(r"terminat|cancel", low):
        if re.search(r"for convenience|for any (?:or no )?reason|without (?:cause|reason)|at (?:any time|will)|at its (?:sole )?(?:discretion|option)"
                     r"|\bin advance\b|\bby (?:sending|giving|serving)\b[^.;]{0,30}notice"
                     r"|(?:days?|months?)'?\s*(?:prior\s+)?(?:written\s+)?notice", low) \
                and not re.search(r"\bbreach|\bdefault|fail(?:s|ure)? to|insolven|bankrupt|change (?:of|in) control", low):
            if hs := _holders(_CONVENIENCE, t, ctx):
                a["convenience_holders"] = hs
        if re.search(r"change (?:of|in) (?:the )?(?:control|ownership|active management)|controlling interest|ceases? to be controlled"
                     r"|is acquired by|(?:merger|consolidation) (?:of|with|into)", low):
            hs = _holders(_CC_TERMINATE, t, ctx)
            if hs:
                a["change_of_control_terminator"] = hs[0]
        if re.search(r"\bbreach|\bdefault|fail(?:s|ure)? to (?:perform|comply|pay|observe)", low) and re.search(
                r"\bimmediately\b|\bforthwith\b|with immediate effect|without (?:any\s+)?(?:prior\s+)?notice|summar(?:y|ily)", low) \
                and not re.search(r"\bcure|\bremed(?:y|ied)|\brectif|fails? to (?:cure|remedy)|not (?:been )?(?:cured|remedied)"
                                  r"|within\s+[\w()\s-]{1,20}(?:days?|months?)\s+(?:after|of|following)\s+(?:receipt|written notice|notice)", low):
            a["immediate_termination"] = True
        if re.search(r"terminat\w*\s+automatically|automatic(?:ally)?\s+terminat|(?:shall|will)\s+(?:also\s+)?(?:immediately\s+)?"
                     r"(?:terminate|cease|end|expire)\b[^.;]{0,40}(?:upon|on|if|in the event (?:of|that))[^.;]{0,100}"
                     r"(?:terminat\w*|expir\w*)\s+(?:of\s+)?(?:the|that|such|any)\s+(?:[A-Z][\w-]*\s+){1,5}(?:Agreement|Licen[cs]e)", t, re.I) \
                and re.search(r"insolven|bankrupt|receiver|creditors|liquidat|(?:terminat\w*|expir\w*)\s+(?:of\s+)?(?:the|that|such|any)\s+"
                              r"(?:[A-Z][\w-]*\s+){1,5}(?:Agreement|Licen[cs]e)", t, re.I):
            a["automatic_termination"] = True
    if re.search(r"indemn|hold harmless", low) and (hs := _holders(_INDEMNIFY, t, ctx)):
        a["indemnitors"] = hs
    if re.search(r"assign|transfer|novat", low):
        if re.search(r"\bmay\s+(?:\w+\s+){0,3}?(?:assign|transfer)\b[^.;]{0,160}\b(?:to|in connection with|upon|on|following|as part of|by way of)\s+"
                     r"(?:(?:a|an|the|any|its)\s+)?(?:\w+\s+){0,2}?(?:merger|consolidation|reorgani[sz]ation|change (?:of|in) control"
                     r"|sale of (?:all|substantially all)|acquisition|acquirer|purchaser|successor)", low) \
                and not re.search(r"(?:with|upon|subject to)[^.;]{0,20}(?:the\s+)?(?:prior\s+)?(?:written\s+)?(?:consent|approval)[^.;]{0,80}"
                                  r"(?:merger|sale of|acquir|successor)|competitor", low):
            a["assignable_on_sale"] = True
        hs = []
        for m in _ASSIGN_BAN.finditer(t):
            who = holder(_before(t, m.start()), ctx)
            if who and who not in hs:
                hs.append(who)
        if re.search(r"\b(?:neither|no)\s+(?:of\s+the\s+)?part(?:y|ies)\b[^.;]{0,40}\b(?:may|shall|will|can|is\s+entitled\s+to)\s+"
                     r"(?:\w+\s+){0,3}?(?:assign|transfer|novate)", low) and "each_party" not in hs:
            hs.append("each_party")
        if hs:
            a["assignment_restricted"] = hs
    if re.search(r"compet|engag\w* in|carry on", low) and (hs := _holders(_COMPETE, t, ctx)):
        a["restricted_from_competing"] = hs
    if re.search(r"warrant", low) and not re.search(r"disclaim|no (?:other )?warrant|without warrant|as[\s-]is", low) \
            and (hs := _holders(_WARRANT, t, ctx)):
        a["warrantors"] = hs
    if re.search(r"fee|price|pricing|rate|charge|royalt|payment|compensation|consideration|remuneration", low):
        if re.search(r"(?:fees?|prices?|pricing|royalt\w*|compensation|consideration|remuneration|payments?|amounts?|rates?)\b[^.;]{0,120}"
                     r"\b(?:(?:to|shall|will|would)\s+be\s+(?:mutually\s+)?(?:agreed|negotiated|determined\s+by\s+mutual)"
                     r"|(?:as|to be)\s+(?:may be\s+)?(?:mutually\s+)?agreed(?:\s+upon)?\s+(?:by|between)\s+the\s+parties"
                     r"|(?:shall|will)\s+negotiate\s+in\s+good\s+faith)"
                     r"|\bagree(?:d)?\s+(?:upon\s+)?(?:at\s+a\s+later\s+date|in\s+the\s+future|from\s+time\s+to\s+time)\b[^.;]{0,60}(?:fee|price|royalt|compensation)", low) \
                and not re.search(r"\boption\b|right (?:of first|to) negotiat", low):  # a negotiation option is deliberate
            a["fees_to_be_agreed"] = True
        if hs := _holders(_PRICE_CHANGE, t, ctx):
            a["price_changer"] = hs[0]
        if re.search(r"\bminimum\s+(?:annual\s+|yearly\s+|quarterly\s+)?(?:royalt|payment|purchase|order|quantit|guarantee|fee|commitment|sales)"
                     r"|\bguaranteed\s+(?:annual\s+|minimum\s+)?(?:royalt|payment|amount|fee)|\bannual\s+guarantee", low):
            a["minimum_commitment"] = True
    if re.search(r"sell[\s-]off|sell\s+(?:off|out)\s+(?:its|any|all|the|remaining)|wind[\s-]?down\s+period|run[\s-]?off\s+period"
                 r"|transition(?:al)?\s+(?:assistance|services?|period|plan)|(?:dispose\s+of|sell|distribute)\s+(?:any\s+|all\s+|its\s+)?"
                 r"(?:remaining|existing|unsold|then[\s-]current)\s+(?:inventory|stock|products|units)|continu\w+\s+to\s+(?:sell|supply|service|support)"
                 r"[^.;]{0,80}(?:after|following|notwithstanding)\s+(?:the\s+)?(?:termination|expiration|expiry)", low):
        a["sell_off"] = True


def side_of(holders: list[str]) -> Optional[str]:
    """The side a right or burden falls on, from everyone found to hold it."""
    if not holders:
        return None
    found = set(holders)
    if "each_party" in found or len(found) > 1:
        return "mutual"
    only = next(iter(found))
    return only if only in ("licensor", "licensee") else "one_party"


def derive_balance(merged: dict, where: dict) -> None:
    """Set the side attributes from the holders merged over everything read; a side is stated
    where its holders were first found."""
    for holders_attr, side_attr in TOPICS.values():
        side = side_of(merged.get(holders_attr) or [])
        if side:
            merged[side_attr] = side
            if holders_attr in where:
                where[side_attr] = where[holders_attr]


_GRANT = re.compile(r"(?<=\s)(?:hereby\s+)?grants?\s+(?:and\s+agrees\s+to\s+grant\s+)?(?:to\s+)?(?P<b>[^.;:]{0,60}?)"
                    r"(?:\s+and\s+its\s+affiliates)?,?\s+(?:an?|the)\s+(?:[\w-]+[\s,]+){0,8}?licen[cs]e", re.I)


def infer_licence_roles(text: str, names: list[str], roles: dict[str, str]) -> None:
    """Give the parties of a licence grant ("Sony hereby grants to Purchaser a ... licence") the roles
    licensor and licensee in ``roles`` (lower-cased name -> role), where no party has them yet."""
    if any(r in ("licensor", "licensee") for r in roles.values()):
        return
    keyed = sorted({n.lower() for n in names if n and len(n) > 1}, key=len, reverse=True)
    for m in _GRANT.finditer(text[:400_000]):
        a, b = _before(text, m.start()).lower(), m.group("b").lower()  # the grantor is read back from "grants"
        grantor = next((n for n in keyed if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", a)), None)
        grantee = next((n for n in keyed if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", b)), None)
        if grantor and grantee and grantor != grantee:
            roles[grantor], roles[grantee] = "licensor", "licensee"
            return
