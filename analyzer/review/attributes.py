"""Attributes of a clause, read from its evidence text with rules (regular expressions).

``extract_attributes(text, spans, context)`` reads each evidence span of ``text``
and returns one ``Attributes`` object: the licence's exclusivity, territory and
field of use, who owns improvements and the form of any grant-back, how long
confidentiality lasts, termination triggers and the cure period, the liability
cap and its carve-outs, the governing law and the arbitration seat and rules,
JV transfer rights and deadlock mechanisms, and so on. An attribute is None
(or an empty list) when the text does not state it. ``Attributes.spans`` maps
each attribute found to the evidence span it came from.

The rules read plain English drafting; they do not parse sentence structure,
so "who" attributes (owner, grant-back grantee, capped party) are best-effort.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Optional, get_args, get_origin

from pydantic import ConfigDict, Field

from analyzer.review.attribute_rules import read_attributes
from analyzer.review.balance_attributes import BalanceAttributes, derive_balance, infer_licence_roles
from analyzer.review.cross_border_attributes import CrossBorderAttributes

Who = Literal["licensor", "licensee", "joint", "developing_party", "each_party"]


class Attributes(CrossBorderAttributes, BalanceAttributes):
    model_config = ConfigDict(extra="forbid")

    # licence grant
    exclusivity: Optional[Literal["exclusive", "non_exclusive", "sole"]] = None
    territory: Optional[str] = None
    worldwide: Optional[bool] = None
    field_of_use: Optional[str] = None
    grantor: Optional[Who] = None
    sublicensable: Optional[bool] = None
    transferable: Optional[bool] = None
    perpetual: Optional[bool] = None
    irrevocable: Optional[bool] = None
    royalty_bearing: Optional[bool] = None
    royalty_after_expiry: Optional[bool] = None
    audit_rights: Optional[bool] = None
    # improvements and IP
    improvements_owner: Optional[Who] = None
    grant_back: Optional[Literal["exclusive", "non_exclusive", "assignment"]] = None
    severable: Optional[bool] = None
    prosecution_party: Optional[Who] = None
    prosecution_costs: Optional[Who] = None
    enforcement_party: Optional[Who] = None
    enforcement_step_in: Optional[bool] = None
    no_challenge: Optional[bool] = None
    termination_on_challenge: Optional[bool] = None
    # confidentiality
    confidentiality_years: Optional[float] = None
    confidentiality_indefinite: Optional[bool] = None
    survives: Optional[bool] = None
    exceptions: list[Literal["public", "prior_knowledge", "third_party", "independent"]] = Field(default_factory=list)
    compelled_disclosure: Optional[bool] = None
    return_or_destroy: Optional[bool] = None
    # term and termination
    termination_triggers: list[Literal["breach", "insolvency", "change_of_control", "convenience"]] = Field(default_factory=list)
    cure_days: Optional[int] = None
    # liability, warranty, indemnity
    capped: Optional[bool] = None
    uncapped: Optional[bool] = None
    cap_amount: Optional[str] = None
    cap_basis: Optional[Literal["fees", "amount", "insurance"]] = None
    cap_multiple: Optional[float] = None
    mutual: Optional[bool] = None
    liability_party: Optional[Who] = None
    excludes_indirect: Optional[bool] = None
    carve_outs: list[Literal["confidentiality", "ip_indemnity", "indemnity", "wilful_misconduct",
                             "gross_negligence", "fraud", "death_personal_injury", "ip_infringement"]] = Field(default_factory=list)
    non_infringement_warranty: Optional[bool] = None
    as_is: Optional[bool] = None
    ip_indemnity: Optional[bool] = None
    # law and disputes
    governing_law: Optional[str] = None
    arbitration: Optional[bool] = None
    arbitration_rules: Optional[Literal["ICC", "LCIA", "SIAC", "HKIAC", "UNCITRAL", "AAA", "ICDR", "JAMS",
                                        "WIPO", "DIS", "CIETAC", "SCC", "VIAC", "SWISS"]] = None
    arbitration_seat: Optional[str] = None
    courts: Optional[str] = None
    domestic: Optional[bool] = None  # of the contract, not the clause: its parties and law in one country
    # compliance
    export_regimes: list[Literal["ear", "itar", "eu_dual_use", "ofac", "generic"]] = Field(default_factory=list)
    gdpr: Optional[bool] = None
    processor_terms: Optional[bool] = None
    transfer_mechanism: Optional[bool] = None
    # assignment
    assignment_consent: Optional[bool] = None
    change_of_control_covered: Optional[bool] = None
    # joint venture
    capital_amount: Optional[str] = None
    additional_funding: Optional[bool] = None
    board: Optional[bool] = None
    reserved_matters: Optional[bool] = None
    deadlock_mechanisms: list[Literal["escalation", "mediation", "expert", "buy_sell", "put_call", "casting_vote",
                                      "dissolution", "arbitration"]] = Field(default_factory=list)
    transfer_rights: list[Literal["rofr", "rofo", "tag_along", "drag_along", "lock_up", "consent"]] = Field(default_factory=list)
    exit_routes: list[Literal["dissolution", "buy_out", "put_call", "ipo", "trade_sale"]] = Field(default_factory=list)
    ip_on_exit: Optional[bool] = None

    spans: dict[str, tuple[int, int]] = Field(default_factory=dict, exclude=True)


ATTRIBUTE_NAMES: frozenset[str] = frozenset(n for n in Attributes.model_fields if n != "spans")


def allowed_values(name: str) -> Optional[tuple]:
    """The values an enumerated attribute (or the items of a list attribute) can take; None if open."""
    ann = Attributes.model_fields[name].annotation
    for _ in range(3):
        args = get_args(ann)
        if get_origin(ann) is Literal:
            return args
        inner = [a for a in args if a is not type(None)]
        if not inner:
            return None
        ann = inner[0]
    return None


@dataclass
class Context:
    """Document-level facts the attribute rules use: defined terms and party roles."""

    defined_terms: set[str] = field(default_factory=set)          # lower-cased
    roles: dict[str, str] = field(default_factory=dict)           # lower-cased name/alias -> role
    domestic: Optional[bool] = None  # parties and governing law in one country (None: unknown)
    # what each piece of text states, read once per document (the same sentence is read for many rules)
    memo: dict[str, dict] = field(default_factory=dict, repr=False, compare=False)


_DEF = re.compile(r"[\"“']\s*(Field(?: of Use)?|Licensed Field|Territory|Licensed Territory)\s*[\"”']\s*(?:shall\s+)?(?:means?|has the meaning|refers?)", re.I)


def document_context(text: str, entities=(), parties=()) -> Context:
    ctx = Context()
    for e in entities or ():
        if e.type == "defined_term":
            ctx.defined_terms.add(re.sub(r"\s+", " ", (e.value or e.text).strip("\"'“”‘’ ")).lower())
    for m in _DEF.finditer(text):
        ctx.defined_terms.add(m.group(1).lower())
    for p in parties or ():
        if p.role:
            for n in (p.name, p.alias):
                if n and len(n.strip("\"“” ")) > 1:
                    ctx.roles[n.strip("\"“” ").lower()] = p.role.lower()
    infer_licence_roles(text, [n.strip("\"“” ") for p in parties or () for n in (p.name, p.alias) if n], ctx.roles)
    return ctx



def extract_attributes(text: str, spans: list[tuple[int, int]], context: Optional[Context] = None, *,
                       lead_ins: Optional[dict[tuple[int, int], tuple[int, int]]] = None,
                       only: Optional[dict[tuple[int, int], frozenset[str]]] = None) -> Attributes:
    """Attributes of the clause whose evidence is ``spans`` of ``text``. The first span
    that states an attribute wins; list attributes are merged over all spans.

    ``lead_ins`` maps a span (a list item) to the span that introduces it; the two are read
    together, and what they state is placed at the item. ``only`` limits what a span may state
    (a survival clause states ``survives``, not the terms of the clauses it lists)."""
    ctx = context or Context()
    lead_ins, only = lead_ins or {}, only or {}
    merged: dict = {}
    where: dict[str, tuple[int, int]] = {}
    for s, e in spans:
        lead = lead_ins.get((s, e))
        piece = f"{text[lead[0]:lead[1]]} {text[s:e]}" if lead else text[s:e]
        allowed = only.get((s, e))
        stated = ctx.memo.get(piece)
        if stated is None:
            stated = ctx.memo[piece] = read_attributes(piece, ctx)
        for k, v in stated.items():
            if allowed is not None and k not in allowed:
                continue
            if isinstance(v, list):
                old = merged.setdefault(k, [])
                old += [x for x in v if x not in old]
                where.setdefault(k, (s, e))
            elif k not in merged:
                merged[k], where[k] = v, (s, e)
    if "field_of_use" not in merged and ctx.defined_terms & {"field", "field of use", "licensed field"}:
        merged["field_of_use"] = "defined term"
    if "territory" not in merged and ctx.defined_terms & {"territory", "licensed territory"}:
        merged["territory"] = "defined term"
    derive_balance(merged, where)
    if ctx.domestic is not None:
        merged["domestic"] = ctx.domestic
    return Attributes(**merged, spans=where)
