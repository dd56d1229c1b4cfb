"""Wording that clauses of a category typically use, as evidence for the per-document decision.

Each cue is a pattern over a unit's normalised text (``analyzer.classify.features.normalise``:
one line, digits collapsed to ``0``), optionally with an exclusion. The presence model reads,
per category, how many units use the wording and the best stage 1 probability among them, so
"the document says 'irrevocable' and the model half-believes this unit is a licence grant"
counts for more than either alone. Cues exist for the 17 mission categories and 17 other CUAD
categories with telling wording; the others (names, dates, and the CUAD categories where a cue did not
help in cross-validation on the train contracts: price restrictions, licensor-affiliate licences,
covenant not to sue) and the licensing/JV categories get no wording features (zeros).
"""

from __future__ import annotations

import re

import numpy as np

# category -> (pattern, exclusion or None), in lower case, matched on lower-cased normalised unit text
WORDING_CUES: dict[str, tuple[str, str | None]] = {
    "license_grant": (r"\bgrants?\b[^.;]{0,150}\blicen[cs]e|\blicen[cs]e[sd]? (?:to|under)\b|hereby licen[cs]es", None),
    "non_transferable_license": (
        r"non-?transferable|non-?assignable|not (?:be )?(?:transferable|assignable)|non-?sub-?licen[cs]able|"
        r"without the right to (?:sub-?licen[cs]e|transfer|assign)", None),
    "irrevocable_or_perpetual_license": (r"\birrevocabl[ey]\b|\bperpetual(?:ly)?\b|in perpetuity", None),
    "ip_ownership_assignment": (
        r"(?:assigns?|transfers?|conveys?)(?: and agrees to assign)?(?: to [^.;]{0,60})? all (?:of )?"
        r"(?:its |their |his |her )?(?:right|rights), title|shall (?:be|become|remain) the (?:sole and )?"
        r"(?:exclusive )?property of|shall (?:solely |exclusively )?own all|works? made for hire|hereby assigns?", None),
    "joint_ip_ownership": (
        r"jointly[- ]own|joint(?:ly)? owned|joint ownership|co-?own|undivided[^.;]{0,30}interest|"
        r"joint (?:inventions?|intellectual property|ip\b|patents?|technology|developments?)|"
        r"(?:developed|created|conceived|made|invented) jointly|jointly (?:developed|created|conceived|made|invented)",
        None),
    "cap_on_liability": (
        r"(?:aggregate|total|maximum|cumulative|entire) liability|shall not exceed|"
        r"liability[^.;]{0,100}(?:limited to|exceed|in excess of)|in no event shall[^.;]{0,80}liab", None),
    "uncapped_liability": (
        r"(?:shall|will) not (?:apply|limit)[^.;]{0,100}(?:indemnif|confidential|gross negligence|willful|wilful|fraud)|"
        r"(?:except|exclud\w+|other than)[^.;]{0,40}(?:for|with respect to|in the case of|arising)[^.;]{0,100}"
        r"(?:indemnif|confidential|gross negligence|willful|wilful|fraud)|unlimited liability|"
        r"except (?:for |with respect to |in the case of )?[^.;]{0,150}(?:section|article|obligations|breach|indemn)"
        r"[^.;]{0,200}(?:liab|damages)", None),
    "termination_for_convenience": (
        r"terminat\w*[^.;]{0,150}(?:for convenience|without cause|for any reason|at any time|"
        r"sole (?:and absolute )?discretion|for no reason|with or without cause)|"
        r"(?:for convenience|without cause|for any reason|with or without cause)[^.;]{0,100}terminat", None),
    "governing_law": (r"governed by|construed (?:in accordance with|under)|laws of the (?:state|commonwealth|province|people)",
                      None),
    "anti_assignment": (
        r"(?:may|shall|will|can)(?:\s*not|not)\s+(?:\w+\s+){0,4}(?:assign|transfer)|"
        r"without the (?:prior )?(?:written )?consent[^.;]{0,100}(?:assign|transfer)|"
        r"(?:assign|transfer)\w*[^.;]{0,120}without[^.;]{0,40}consent|(?:assignment|transfer)[^.;]{0,60}void", None),
    "change_of_control": (
        r"change (?:of|in) (?:the )?(?:control|ownership)|controlling interest|"
        r"(?:fifty|majority)[^.;]{0,60}(?:voting|equity|shares|stock)|acquires? (?:control|a controlling)", None),
    "audit_rights": (
        r"\baudit|inspect[^.;]{0,80}(?:books|records)|(?:books|records)[^.;]{0,80}(?:inspect|examin)|"
        r"examine[^.;]{0,60}(?:books|records)", None),
    "insurance": (r"\binsurance\b|\binsured\b|\binsurer", None),
    "non_compete": (r"\bcompet(?:e|ing|itive|itor)|not (?:engage|develop|sell|market|distribute|manufacture)[^.;]{0,100}"
                    r"(?:similar|competitive|competing)", None),
    "exclusivity": (
        r"(?<!non-)(?<!non)\bexclusive(?:ly)?\b(?! remedy)|sole (?:and exclusive )?"
        r"(?:supplier|distributor|provider|source|reseller|agent)|shall not (?:purchase|obtain|buy|appoint)[^.;]{0,100}"
        r"(?:other|third)", None),
    "post_termination_services": (
        r"(?:after|following|upon|subsequent to|on) (?:the |any )?(?:such )?(?:termination|expiration|expiry)|"
        r"transition(?:al)? (?:services|period|assistance)|sell[- ]off|run-?off|wind[- ]down", None),
    "revenue_profit_sharing": (
        r"royalt|revenue[- ]shar|profit[- ]shar|percent(?:age)? of (?:the |all )?(?:net|gross)|"
        r"%\)? of (?:the |all )?(?:net|gross)|commission", None),
    "expiration_date": (
        r"(?:shall|will) (?:continue|remain) in (?:full )?(?:force|effect)[^.;]{0,150}(?:until|for a period|"
        r"for (?:an? )?(?:initial )?term)|initial term|(?:term|agreement) (?:shall|will) (?:expire|end|terminate) "
        r"(?:on|upon)|expir\w* (?:on|at)", None),
    "renewal_term": (r"renew|extended for (?:additional|successive|a further)|successive (?:periods|terms)|"
                     r"automatically (?:extend|continue)", None),
    "notice_period_to_terminate_renewal": (
        r"(?:notice|notif)[^.;]{0,120}(?:not to renew|non-?renewal|intention not to|prior to the (?:end|expiration))|"
        r"(?:non-?renewal|not to renew)[^.;]{0,100}notice", None),
    "most_favored_nation": (r"most favou?red|(?:no less|not less) favou?rable|(?:better|more favou?rable|lower) "
                            r"(?:terms|prices?|pricing)[^.;]{0,100}(?:than|to any)|lowest price", None),
    "competitive_restriction_exception": (
        r"(?:notwithstanding|except|provided,? however)[^.;]{0,150}(?:compet|exclusiv|non-?solicit)", None),
    "no_solicit_of_customers": (r"solicit[^.;]{0,100}(?:customers?|clients?|accounts)|(?:customers?|clients?)[^.;]{0,80}"
                                r"solicit", None),
    "no_solicit_of_employees": (r"solicit[^.;]{0,100}(?:employ|personnel|staff)|(?:hire|employ|engage)[^.;]{0,80}"
                                r"(?:employees?|personnel) of", None),
    "non_disparagement": (r"disparag|derogatory|negative (?:statements|comments)|reflect (?:adversely|negatively)", None),
    "rofr_rofo_rofn": (r"right of first (?:refusal|offer|negotiation)|first right (?:to|of)|(?:match|matching) "
                       r"(?:the |such )?(?:offer|terms)", None),
    "minimum_commitment": (
        r"minimum (?:purchase|order|quantit|volume|annual|commitment|royalt|payment|sales|requirement)|"
        r"(?:purchase|order|buy)[^.;]{0,60}not less than", None),
    "volume_restriction": (
        r"(?:maximum|up to|no more than|not (?:to )?exceed)[^.;]{0,60}(?:units|users|copies|installations|licenses|"
        r"seats|volume|quantit)|(?:users|copies|installations|seats)[^.;]{0,60}(?:limit|exceed)", None),
    "affiliate_license_licensee": (
        r"(?:licen|grant|right to use)[^.;]{0,150}(?:and|or|to) (?:its|their) (?:affiliates|subsidiaries)|"
        r"(?:affiliates|subsidiaries)[^.;]{0,80}(?:may|shall have the right to) (?:use|exercise)", None),
    "unlimited_all_you_can_eat_license": (
        r"unlimited (?:number|use|copies|users|access|quantit)|enterprise[- ]wide|without (?:limitation as to|limit on) "
        r"(?:the )?number|any number of", None),
    "source_code_escrow": (r"escrow|source code[^.;]{0,100}(?:deposit|release)", None),
    "liquidated_damages": (r"liquidated damages|(?:termination|cancell?ation|early termination|break(?:up)?) fee|"
                           r"not (?:as )?a penalty|genuine pre-?estimate", None),
    "warranty_duration": (
        r"warrant\w*[^.;]{0,150}(?:for a period of|(?:days|months|years) (?:from|after|following) (?:the )?"
        r"(?:date|delivery|acceptance|shipment|installation))|warranty period", None),
    "third_party_beneficiary": (r"third[- ]party beneficiar|(?:intended|express) beneficiar|rights of third parties|"
                                r"no (?:person|third party) (?:other than|shall have)", None),
}


class WordingCues:
    """Compiled cue patterns (category -> (pattern, exclusion or None)). An artifact stores the cues
    its presence and span models were trained with (``to_config``), so its decisions do not change
    when the defaults here do. The patterns are lower case and read lower-cased text: the same
    matches as re.IGNORECASE on these ASCII patterns, at well under half the cost."""

    def __init__(self, cues: dict[str, tuple[str, str | None]]):
        for cat, (pattern, exclusion) in cues.items():
            if pattern != pattern.lower() or (exclusion is not None and exclusion != exclusion.lower()):
                raise ValueError(f"wording cue of {cat} is not in lower case")
        self.cues = {cat: (str(p), None if x is None else str(x)) for cat, (p, x) in cues.items()}
        self._compiled = {cat: (re.compile(p), re.compile(x) if x else None) for cat, (p, x) in self.cues.items()}

    def __contains__(self, category: str) -> bool:
        return category in self._compiled

    def _uses(self, category: str, lowered: str) -> bool:
        pattern, exclusion = self._compiled[category]
        return pattern.search(lowered) is not None and (exclusion is None or exclusion.search(lowered) is None)

    def uses(self, category: str, text: str) -> bool:
        """Whether normalised unit ``text`` uses the category's cue wording (False without a cue);
        case does not matter."""
        return category in self._compiled and self._uses(category, text.lower())

    def hits(self, texts: list[str], categories: list[str]) -> np.ndarray:
        """(n_units x n_categories) bool: which units use which category's cue wording."""
        out = np.zeros((len(texts), len(categories)), dtype=bool)
        lowered = [t.lower() for t in texts]
        for j, cat in enumerate(categories):
            if cat in self._compiled:
                out[:, j] = [self._uses(cat, t) for t in lowered]
        return out

    def to_config(self) -> dict[str, list]:
        return {cat: [p, x] for cat, (p, x) in self.cues.items()}

    @classmethod
    def from_config(cls, cfg: dict) -> WordingCues:
        """Read back ``to_config``; ``ValueError`` for anything but category -> [pattern, exclusion]."""
        if not isinstance(cfg, dict) or any(not isinstance(v, list) or len(v) != 2 for v in cfg.values()):
            raise ValueError("wording cues must map each category to [pattern, exclusion]")
        return cls({str(cat): (v[0], v[1]) for cat, v in cfg.items()})


DEFAULT_CUES = WordingCues(WORDING_CUES)
