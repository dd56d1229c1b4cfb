"""Terms read from both wordings of a changed clause and compared with a fixed direction per
perspective: the liability cap, survival, the confidentiality and cure periods, exclusivity, and
licence flags (``FLAG_RULES``: who each one helps and whom it hurts)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Optional

from analyzer.core.compare_schema import Reason
from analyzer.core.schema import Severity, Span
from analyzer.review.attributes import Attributes

_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million|billion|m|bn|k)?\b", re.IGNORECASE)
_SCALE = {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}


def _spans(pairs) -> list[Span]:
    return [Span(start=s, end=e) for s, e in pairs]


def _money(value: str | None) -> float | None:
    if not value:
        return None
    m = _NUMBER.search(value)
    if not m:
        return None
    try:
        n = float(m.group(1).replace(",", ""))
    except ValueError:
        return None
    return n * _SCALE.get((m.group(2) or "").lower(), 1.0)


def _cap(a: Attributes) -> tuple[str, float] | None:
    if a.uncapped:
        return ("any", math.inf)
    if a.cap_multiple is not None:
        return ("multiple", float(a.cap_multiple))
    amount = _money(a.cap_amount)
    if amount is not None:
        return ("amount", amount)
    return None


def _show(v) -> str:
    if v is None:
        return "not stated"
    if isinstance(v, tuple):
        kind, n = v
        return "no cap" if math.isinf(n) else (f"{n:g} x fees" if kind == "multiple" else f"{n:,.0f}")
    if isinstance(v, float) and math.isinf(v):
        return "indefinite"
    if isinstance(v, bool):
        return "stated" if v else "not stated"
    return str(v)


TermResult = Optional[tuple[str, str, object, object, tuple[str, ...]]]


def _cap_rule(o: Attributes, n: Attributes, persp: str, kind: str) -> TermResult:
    co, cn = _cap(o), _cap(n)
    if co is not None and cn is None and kind == "deleted":
        cn = ("any", math.inf)
    if co is None and cn is not None and kind == "added" and not math.isinf(cn[1]):
        co = ("any", math.inf)
    if co is None or cn is None or co == cn:
        return None
    if co[0] != cn[0] and not (math.isinf(co[1]) or math.isinf(cn[1])):
        return None  # a multiple of fees against a sum: not comparable
    raised = cn[1] > co[1]
    party = o.liability_party or n.liability_party
    client_capped = party in (None, "each_party", "joint") or party == persp
    worse = raised == client_capped
    what = "liability cap removed" if math.isinf(cn[1]) else "liability cap raised" if raised else \
        "liability cap added" if math.isinf(co[1]) else "liability cap lowered"
    whose = "" if party in (None, "each_party", "joint") else f" (the {party}'s liability)"
    return ("worse" if worse else "better"), what + whose, co, cn, ("cap_amount", "cap_multiple", "uncapped")


def _survival_rule(o: Attributes, n: Attributes, persp: str, kind: str) -> TermResult:
    if o.survives and not n.survives:
        return "worse", "survival after termination dropped", None, None, ("survives",)
    if n.survives and not o.survives and kind != "added":
        return "better", "survival after termination added", None, None, ("survives",)
    return None


def _years(a: Attributes) -> float | None:
    return math.inf if a.confidentiality_indefinite else a.confidentiality_years


def _confidentiality_rule(o: Attributes, n: Attributes, persp: str, kind: str) -> TermResult:
    yo, yn = _years(o), _years(n)
    if yo is None or yn is None or yo == yn:
        return None
    return ("worse" if yn < yo else "better",
            f"confidentiality period {'shortened' if yn < yo else 'lengthened'}",
            _show(yo) if math.isinf(yo) else f"{yo:g} years", _show(yn) if math.isinf(yn) else f"{yn:g} years",
            ("confidentiality_years", "confidentiality_indefinite"))


def _cure_rule(o: Attributes, n: Attributes, persp: str, kind: str) -> TermResult:
    if o.cure_days is None or o.cure_days == n.cure_days:
        return None
    if n.cure_days is None:
        return ("worse", "cure period before termination dropped", f"{o.cure_days} days", "none", ("cure_days",)) \
            if kind in ("deleted", "modified", "moved") else None
    shorter = n.cure_days < o.cure_days
    return ("worse" if shorter else "better", f"cure period {'shortened' if shorter else 'lengthened'}",
            f"{o.cure_days} days", f"{n.cure_days} days", ("cure_days",))


def _exclusivity_rule(o: Attributes, n: Attributes, persp: str, kind: str) -> TermResult:
    if persp not in ("licensor", "licensee"):
        return None
    was = o.exclusivity in ("exclusive", "sole")
    now = n.exclusivity in ("exclusive", "sole")
    if was == now or (n.exclusivity is None and kind not in ("deleted", "modified")) or \
            (o.exclusivity is None and kind not in ("added", "modified")):
        return None
    granted = now and not was
    worse = granted == (persp == "licensor")
    return ("worse" if worse else "better", "exclusivity granted" if granted else "exclusivity withdrawn",
            o.exclusivity or "not stated", n.exclusivity or "not stated", ("exclusivity",))


# attribute, the value that counts, who it helps, who it hurts, label
FLAG_RULES: tuple[tuple[str, object, str, str, str], ...] = (
    ("no_challenge", True, "licensor", "licensee", "no-challenge obligation"),
    ("termination_on_challenge", True, "licensor", "licensee", "termination if the licensee challenges the patents"),
    ("royalty_after_expiry", True, "licensor", "licensee", "royalties after the patents expire"),
    ("as_is", True, "licensor", "licensee", "technology supplied as is"),
    ("sublicensable", True, "licensee", "licensor", "right to sublicense"),
    ("perpetual", True, "licensee", "licensor", "perpetual licence"),
    ("irrevocable", True, "licensee", "licensor", "irrevocable licence"),
    ("transferable", True, "licensee", "licensor", "transferable licence"),
    ("audit_rights", True, "licensor", "licensee", "audit rights"),
    ("non_infringement_warranty", True, "licensee", "licensor", "non-infringement warranty"),
    ("ip_indemnity", True, "licensee", "licensor", "IP infringement indemnity"),
    ("grant_back", ("exclusive", "assignment"), "licensor", "licensee", "exclusive grant-back or assignment of improvements"),
)


def _flag_reasons(o: Attributes, n: Attributes, persp: str, kind: str):
    for attr, value, helps, hurts, label in FLAG_RULES:
        if persp not in (helps, hurts):
            continue
        vo, vn = getattr(o, attr), getattr(n, attr)
        has_o = vo in value if isinstance(value, tuple) else vo is value
        has_n = vn in value if isinstance(value, tuple) else vn is value
        if has_o == has_n:
            continue
        if has_o and vn is None and kind == "added":
            continue
        if has_n and vo is None and kind == "deleted":
            continue
        gained = has_n
        good = gained == (persp == helps)
        yield ("better" if good else "worse", f"{label} {'added' if gained else 'removed'}", vo, vn, (attr,))


TERM_RULES: tuple[Callable[[Attributes, Attributes, str, str], TermResult], ...] = (
    _cap_rule, _survival_rule, _confidentiality_rule, _cure_rule, _exclusivity_rule)


def term_reasons(ch, old, new, persp: str, severities: dict[str, Severity]) -> list[Reason]:
    """Reasons from the terms of change ``ch`` (a ``RawChange``), read on each side (``Side``)."""
    o, n = old.attributes(ch.old_span), new.attributes(ch.new_span)
    results = [r for rule in TERM_RULES if (r := rule(o, n, persp, ch.kind)) is not None]
    results += list(_flag_reasons(o, n, persp, ch.kind))
    out = []
    for judgement, message, vo, vn, attrs in results:
        old_ev = [o.spans[a] for a in attrs if a in o.spans][:1] or ([ch.old_span] if ch.old_span else [])
        new_ev = [n.spans[a] for a in attrs if a in n.spans][:1] or ([ch.new_span] if ch.new_span else [])
        out.append(Reason(judgement=judgement, source="term", rule_id=f"compare.{attrs[0]}",
                          category=_ATTRIBUTE_CATEGORY.get(attrs[0]),
                          severity=severities.get(_ATTRIBUTE_CATEGORY.get(attrs[0], ""), Severity.MEDIUM),
                          message=f"{message}: {_show(vo)} → {_show(vn)}" if vo is not None or vn is not None else message,
                          old_value=None if vo is None else _show(vo), new_value=None if vn is None else _show(vn),
                          old_evidence=_spans(old_ev), new_evidence=_spans(new_ev)))
    return out


_ATTRIBUTE_CATEGORY = {
    "cap_amount": "cap_on_liability", "survives": "confidentiality", "confidentiality_years": "confidentiality",
    "cure_days": "termination_for_cause", "exclusivity": "license_grant", "no_challenge": "no_challenge",
    "termination_on_challenge": "no_challenge", "royalty_after_expiry": "royalties_payment", "as_is": "warranty",
    "sublicensable": "sublicensing", "perpetual": "irrevocable_or_perpetual_license",
    "irrevocable": "irrevocable_or_perpetual_license", "transferable": "non_transferable_license",
    "audit_rights": "audit_rights", "non_infringement_warranty": "warranty", "ip_indemnity": "indemnification",
    "grant_back": "improvements",
}


__all__ = ["FLAG_RULES", "TERM_RULES", "term_reasons"]
