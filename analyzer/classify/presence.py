"""Per-document presence: does this contract contain a clause of category X?

The decision reads the whole document's unit scores at once, not one sentence:
for each category, a logistic regression over a few features of the stage 1
probabilities of all units (the best three, how many units pass the category's
unit threshold and a third of it, their sum), whether a governing heading names
the category, the agreement type, and how many units use wording such a clause
typically uses with the best probability among them (``analyzer.classify.wording_cues``).
Its output is a calibrated probability that the document has the clause; a
per-category threshold (chosen for document F1 on validation contracts) turns it
into the decision.

The model is stored in the artifact's ``config.json`` (``presence`` block) as
plain lists, so it loads without pickle. Categories without enough training
documents fall back to "the best unit passes the unit threshold", written in
the same form (weight 1 on the best unit's logit, bias -logit(threshold)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from analyzer.classify.features import POSITION_TOKEN
from analyzer.core.taxonomy import AGREEMENT_TYPES

EPS = 1e-4
TOP_K = 3
SCORE_FEATURES = ["top1_logit", "top2_logit", "top3_logit", "n_above_threshold", "n_above_third", "sum_prob",
                  "heading_match"]
WORDING_FEATURES = ["wording_units", "wording_best_logit"]
FEATURES = SCORE_FEATURES + [f"type_{t}" for t in AGREEMENT_TYPES] + WORDING_FEATURES
TOP1 = 0  # column of the best unit's logit
WORDING = len(SCORE_FEATURES) + len(AGREEMENT_TYPES)  # column of the first wording feature

# category -> pattern a governing heading (lower case) matches when it names the category
HEADING_CUES: dict[str, str] = {
    "governing_law": r"governing law|applicable law|choice of law|law and jurisdiction|^law\b",
    "most_favored_nation": r"most[- ]favou?red",
    "non_compete": r"non[- ]?compet|competing (?:products|business)|restrictive covenant|covenant not to compete",
    "exclusivity": r"exclusiv",
    "no_solicit_of_customers": r"non[- ]?solicit|no[- ]solicit",
    "no_solicit_of_employees": r"non[- ]?solicit|no[- ]solicit|hiring of (?:employees|personnel)",
    "non_disparagement": r"disparag",
    "termination_for_convenience": r"terminat\w* (?:for|without) (?:convenience|cause)|convenience",
    "rofr_rofo_rofn": r"first refusal|first offer|first negotiation",
    "change_of_control": r"change (?:of|in) control",
    "anti_assignment": r"assign",
    "revenue_profit_sharing": r"royalt|revenue shar|profit shar|commission",
    "price_restrictions": r"pric",
    "minimum_commitment": r"minimum",
    "ip_ownership_assignment": r"ownership|intellectual property|proprietary rights|\btitle\b",
    "joint_ip_ownership": r"joint(?:ly)?[\s-]own|joint (?:ip|intellectual property|inventions)",
    "license_grant": r"licen[cs]e|grant",
    "non_transferable_license": r"licen[cs]e|grant",
    "irrevocable_or_perpetual_license": r"licen[cs]e|grant",
    "source_code_escrow": r"escrow",
    "post_termination_services": r"effect of (?:termination|expir)|consequences of (?:termination|expir)|"
                                 r"post[\s-]termination|(?:up)?on (?:termination|expir)|transition|wind[\s-]down",
    "audit_rights": r"audit|records|inspection",
    "uncapped_liability": r"liabilit",
    "cap_on_liability": r"liabilit",
    "liquidated_damages": r"liquidated damages",
    "warranty_duration": r"warrant",
    "insurance": r"insurance",
    "covenant_not_to_sue": r"not to sue|covenant not|no[- ]challenge",
    "third_party_beneficiary": r"third[- ]party beneficiar",
    "field_of_use": r"field of use|\bfields?\b",
    "territory": r"territor",
    "sublicensing": r"sub-?licen[sc]",
    "improvements": r"improvement|enhancements|derivative works",
    "confidentiality": r"confidential|non-?disclosure|secrecy",
    "term": r"^term\b|\bterm of (?:the |this )?agreement|duration",
    "termination_for_cause": r"terminat|default",
    "indemnification": r"indemn",
    "warranty": r"warrant",
    "limitation_of_liability": r"limitations? (?:of|on) liabilit|limitation of damages|liabilit",
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
    "governance": r"governance|board of (?:directors|managers)|management committee|steering committee|"
                  r"joint (?:development |research )?committee",
    "deadlock": r"deadlock",
    "transfer_restrictions": r"transfers? of (?:shares|interests?|units|membership)|restrictions? on transfer|"
                             r"transfer restrictions",
    "exit_dissolution": r"dissolution|winding[- ]up|liquidation|\bexit\b|buy-?out",
}
_CUES = {cat: re.compile(p) for cat, p in HEADING_CUES.items()}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def heading_matches(heads: list[str], categories: list[str]) -> np.ndarray:
    """Per category, 1.0 when any unit's governing heading (the ``head`` field) names it."""
    distinct = {POSITION_TOKEN.sub("", h).strip().lower() for h in heads}
    distinct.discard("")
    out = np.zeros(len(categories), dtype=np.float32)
    for j, cat in enumerate(categories):
        pattern = _CUES.get(cat)
        if pattern is not None and any(pattern.search(h) for h in distinct):
            out[j] = 1.0
    return out


def document_features(probs: np.ndarray, thresholds: np.ndarray, heading_hits: np.ndarray,
                      agreement_type: str | None, wording: np.ndarray | None = None) -> np.ndarray:
    """Features (n_categories x len(FEATURES)) of one document from its unit probabilities
    ``probs`` (n_units x n_categories, stage 1), the categories' unit ``thresholds``, the
    heading matches, the agreement type and ``wording`` (n_units x n_categories bool, from
    ``WordingCues.hits`` of the artifact's cues; none used when omitted)."""
    n_cat = probs.shape[1] if probs.ndim == 2 else len(thresholds)
    out = np.zeros((n_cat, len(FEATURES)), dtype=np.float32)
    if len(probs):
        k = min(TOP_K, len(probs))
        top = -np.sort(-probs, axis=0)[:k]
        padded = np.full((TOP_K, n_cat), EPS, dtype=np.float64)
        padded[:k] = top
        out[:, 0:TOP_K] = _logit(padded).T
        out[:, 3] = np.log1p((probs >= thresholds).sum(0))
        out[:, 4] = np.log1p((probs >= thresholds / 3).sum(0))
        out[:, 5] = np.log1p(probs.sum(0))
    else:
        out[:, 0:TOP_K] = _logit(np.array(EPS))
    out[:, 6] = heading_hits
    if agreement_type in AGREEMENT_TYPES:
        out[:, len(SCORE_FEATURES) + AGREEMENT_TYPES.index(agreement_type)] = 1.0
    out[:, WORDING + 1] = _logit(np.array(EPS))
    if wording is not None and len(probs):
        out[:, WORDING] = np.log1p(wording.sum(0))
        best = np.where(wording, probs, 0.0).max(0)
        out[:, WORDING + 1] = np.where(wording.any(0), _logit(np.maximum(best, EPS)), out[:, WORDING + 1])
    return out


@dataclass
class PresenceModel:
    """Per-category logistic regression over ``FEATURES`` and a decision threshold."""

    categories: list[str]
    weight: np.ndarray  # (n_categories, n_features)
    bias: np.ndarray  # (n_categories,)
    thresholds: np.ndarray  # (n_categories,)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(present) per category from ``document_features`` (one document) or a stack of them
        (n_documents x n_categories x n_features)."""
        z = (features * self.weight).sum(-1) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def decide(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(present, probability) per category."""
        p = self.probabilities(features)
        return p >= self.thresholds, p

    @classmethod
    def fallback(cls, categories: list[str], unit_thresholds: np.ndarray, n_features: int = len(FEATURES)) -> PresenceModel:
        """"The best unit passes its unit threshold", written as a presence model (over ``FEATURES``,
        or over ``n_features`` columns that start with them, for studies of further features)."""
        w = np.zeros((len(categories), n_features), dtype=np.float32)
        w[:, TOP1] = 1.0
        return cls(list(categories), w, -_logit(np.asarray(unit_thresholds, dtype=np.float64)).astype(np.float32),
                   np.full(len(categories), 0.5, dtype=np.float32))

    def to_config(self) -> dict:
        return {"features": FEATURES, "categories": self.categories,
                "weight": np.round(self.weight, 6).tolist(), "bias": np.round(self.bias, 6).tolist(),
                "thresholds": np.round(self.thresholds, 6).tolist()}

    @classmethod
    def from_config(cls, cfg: dict, categories: list[str]) -> PresenceModel:
        """Read back ``to_config``. An artifact trained before the wording features (its features
        a prefix of ``FEATURES``) gets weight 0 on the features it lacks, so it decides as before."""
        names = list(cfg["features"])
        if names != FEATURES[:len(names)] or len(names) < len(SCORE_FEATURES) + len(AGREEMENT_TYPES):
            raise ValueError(f"presence features {cfg['features']} are not {FEATURES}")
        if list(cfg["categories"]) != list(categories):
            raise ValueError("presence categories differ from the unit model's")
        weight = np.zeros((len(categories), len(FEATURES)), dtype=np.float32)
        weight[:, :len(names)] = np.asarray(cfg["weight"], dtype=np.float32)
        return cls(list(categories), weight, np.asarray(cfg["bias"], dtype=np.float32),
                   np.asarray(cfg["thresholds"], dtype=np.float32))
