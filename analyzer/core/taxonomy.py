"""The fixed category taxonomy: 41 CUAD categories plus licensing/JV categories."""

from __future__ import annotations

import re

CUAD_NAMES = [
    "Document Name", "Parties", "Agreement Date", "Effective Date", "Expiration Date",
    "Renewal Term", "Notice Period To Terminate Renewal", "Governing Law", "Most Favored Nation",
    "Competitive Restriction Exception", "Non-Compete", "Exclusivity", "No-Solicit Of Customers",
    "No-Solicit Of Employees", "Non-Disparagement", "Termination For Convenience", "Rofr/Rofo/Rofn",
    "Change Of Control", "Anti-Assignment", "Revenue/Profit Sharing", "Price Restrictions",
    "Minimum Commitment", "Volume Restriction", "Ip Ownership Assignment", "Joint Ip Ownership",
    "License Grant", "Non-Transferable License", "Affiliate License-Licensor",
    "Affiliate License-Licensee", "Unlimited/All-You-Can-Eat-License",
    "Irrevocable Or Perpetual License", "Source Code Escrow", "Post-Termination Services",
    "Audit Rights", "Uncapped Liability", "Cap On Liability", "Liquidated Damages",
    "Warranty Duration", "Insurance", "Covenant Not To Sue", "Third Party Beneficiary",
]


def category_id(name: str) -> str:
    """CUAD name -> id: lower-cased, every run of non-alphanumerics turned into '_'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


CUAD_CATEGORIES: list[str] = [category_id(n) for n in CUAD_NAMES]

LICENSING_JV_CATEGORIES: list[str] = [
    "field_of_use", "territory", "sublicensing", "improvements", "confidentiality", "term",
    "termination_for_cause", "indemnification", "warranty", "limitation_of_liability",
    "dispute_resolution", "export_control", "data_protection", "force_majeure",
    "royalties_payment", "patent_prosecution_maintenance", "ip_enforcement", "no_challenge",
    "technology_transfer_know_how", "standards_frand", "capital_contribution", "governance",
    "deadlock", "transfer_restrictions", "exit_dissolution",
]

ALL_CATEGORIES: list[str] = CUAD_CATEGORIES + LICENSING_JV_CATEGORIES

# Categories whose evidence is an entity (a name or a date), not a clause sentence.
ENTITY_CATEGORIES = ["document_name", "parties", "agreement_date", "effective_date"]

MISSION_CATEGORIES = [
    "license_grant", "non_transferable_license", "irrevocable_or_perpetual_license",
    "ip_ownership_assignment", "joint_ip_ownership", "cap_on_liability", "uncapped_liability",
    "termination_for_convenience", "governing_law", "anti_assignment", "change_of_control",
    "audit_rights", "insurance", "non_compete", "exclusivity", "post_termination_services",
    "revenue_profit_sharing",
]

AGREEMENT_TYPES = ["license", "jv", "collaboration", "development", "nda", "distribution", "services", "other"]

assert len(CUAD_CATEGORIES) == 41 and len(set(ALL_CATEGORIES)) == len(ALL_CATEGORIES)
