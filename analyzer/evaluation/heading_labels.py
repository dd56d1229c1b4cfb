"""Distant-supervision labels for the licensing/JV categories that CUAD lacks.

A unit is a positive example of a category when the heading that governs it
matches the category's heading pattern (as LEDGAR labels provisions by their
headings), when it defines the category's key term ('"Field" means ...'), or,
for a few categories, when its own wording is unambiguous. These labels are
used for training and, on held-out contracts, to measure recall.
"""

from __future__ import annotations

import re

HEADING_PATTERNS: dict[str, str] = {
    "field_of_use": r"field of use|\bfields?\b",
    "territory": r"territor",
    "sublicensing": r"sub-?licen[sc]",
    "improvements": r"improvement|enhancements|derivative works",
    "confidentiality": r"confidential|non-?disclosure|secrecy",
    "term": r"(?:^|/ )(?:term|duration)(?: of (?:the |this )?agreement)?(?: and (?:termination|renewal))?(?: /|$)|^term\b",
    "termination_for_cause": r"terminat|default",
    "indemnification": r"indemn",
    "warranty": r"warrant",
    "limitation_of_liability": r"limitations? (?:of|on) liabilit|limitation of damages|liability",
    "dispute_resolution": r"dispute|arbitrat|mediation",
    "export_control": r"export",
    "data_protection": r"data protection|privacy|personal (?:data|information)|data security",
    "force_majeure": r"force majeure|excused performance|acts? of god",
    "royalties_payment": r"royalt|payment|\bfees?\b|compensation",
    "patent_prosecution_maintenance": r"prosecution|patent maintenance|maintenance of (?:the )?patents",
    "ip_enforcement": r"enforcement|infringement",
    "no_challenge": r"no[- ]challenge|challenge",
    "technology_transfer_know_how": r"know[- ]how|technology transfer|technical assistance|transfer of technology",
    "standards_frand": r"\bfrand\b|standards?[- ]essential",
    "capital_contribution": r"capital contribution|contributions?\b|funding",
    "governance": r"governance|board of (?:directors|managers)|management committee|steering committee|joint (?:development |research )?committee|\bmanagement\b",
    "deadlock": r"deadlock",
    "transfer_restrictions": r"transfers? of (?:shares|interests?|units|membership)|restrictions? on transfer|transfer restrictions",
    "exit_dissolution": r"dissolution|winding[- ]up|liquidation|\bexit\b|buy-?out",
}

# The unit's own wording must also fit for headings that cover several things.
TEXT_REQUIREMENTS: dict[str, str] = {
    "termination_for_cause": r"breach|insolv|bankrupt|default|receiver|cure|liquidat",
    "royalties_payment": r"royalt|pay|fee|invoice|\$",
    "limitation_of_liability": r"liab|damages",
    "term": r"\bterm\b|year|expire|continue|renew|effect",
}

# Wording that marks a category on its own, wherever it appears.
TEXT_PATTERNS: dict[str, str] = {
    "no_challenge": r"(?:not|never)\b[^.]{0,80}\b(?:challenge|contest)\w*\b[^.]{0,60}\b(?:validity|enforceability|ownership)",
    "standards_frand": r"\bFRAND\b|fair, reasonable and non-?discriminatory|standard[- ]essential",
    "deadlock": r"\bdeadlock",
    "force_majeure": r"\bforce majeure\b",
    "export_control": r"\bexport (?:control|administration|laws?|regulations?)\b",
}

DEFINED_TERMS: dict[str, str] = {
    "field_of_use": r"[\"“](?:licensed )?fields?(?: of use)?[\"”]\s+(?:shall )?means?",
    "territory": r"[\"“](?:licensed )?territory[\"”]\s+(?:shall )?means?",
    "improvements": r"[\"“]improvements?[\"”]\s+(?:shall )?means?",
    "confidentiality": r"[\"“]confidential information[\"”]\s+(?:shall )?means?",
    "technology_transfer_know_how": r"[\"“](?:licensed )?know[- ]how[\"”]\s+(?:shall )?means?",
    "capital_contribution": r"[\"“]capital contributions?[\"”]\s+(?:shall )?means?",
}

_H = {k: re.compile(v) for k, v in HEADING_PATTERNS.items()}
_REQ = {k: re.compile(v, re.I) for k, v in TEXT_REQUIREMENTS.items()}
_TXT = {k: re.compile(v, re.I) for k, v in TEXT_PATTERNS.items()}
_DEF = {k: re.compile(v, re.I) for k, v in DEFINED_TERMS.items()}


def heading_labels(heading: str, text: str) -> set[str]:
    """Categories whose heading pattern matches ``heading`` (lower-cased context)."""
    out = set()
    if heading:
        for cat, rx in _H.items():
            if rx.search(heading) and (cat not in _REQ or _REQ[cat].search(text)):
                out.add(cat)
    return out


def text_labels(text: str) -> set[str]:
    """Categories marked by the unit's own wording or a definition it makes."""
    out = {cat for cat, rx in _TXT.items() if rx.search(text)}
    out |= {cat for cat, rx in _DEF.items() if rx.search(text[:200])}
    return out


def distant_labels(heading: str, text: str) -> set[str]:
    return heading_labels(heading, text) | text_labels(text)
