"""Pydantic models of the compare report: two drafts of one contract, change by change.

Fixed fields (see ARCHITECTURE.md, "Compare report"): ``schema_version``,
``perspective``, ``old``/``new`` (``source``, ``sha256``, ``text``), ``changes``
(``id``, ``kind``, ``category``, ``judgement``, ``message``, ``rule_id``, ``old``,
``new``) and ``summary`` (``worse``, ``better``, ``neutral``). The other fields
add detail. ``old``/``new`` spans index the ``text`` of that version; ``old`` is
None for an added clause and ``new`` for a deleted one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from analyzer.core.schema import Issue, Severity, Span

COMPARE_SCHEMA_VERSION = "1"

ChangeKind = Literal["added", "deleted", "modified", "moved"]
Judgement = Literal["worse", "better", "neutral"]
JUDGEMENT_ORDER: dict[str, int] = {"worse": 0, "better": 1, "neutral": 2}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VersionInfo(_Model):
    """One draft: its file, hash and canonical text, and how it was reviewed."""

    source: str
    sha256: str
    text: str
    format: str | None = None
    playbook: str | None = None
    agreement_type: str | None = None
    findings: int = Field(0, description="playbook findings on this version")
    status: str | None = None


class ClauseRef(_Model):
    """The clause a change concerns, in one version."""

    id: str
    number: str | None = None
    heading: str | None = None
    kind: str | None = None


class DiffOp(_Model):
    """One step of the word-level diff of a clause: text kept, inserted, deleted or replaced.

    ``old_start``/``old_end`` index the old text, ``new_start``/``new_end`` the new text
    (an empty side is a zero-width span where the other side's text was or goes)."""

    op: Literal["equal", "insert", "delete", "replace"]
    old: str = ""
    new: str = ""
    old_start: int = Field(ge=0)
    old_end: int = Field(ge=0)
    new_start: int = Field(ge=0)
    new_end: int = Field(ge=0)


class Reason(_Model):
    """Why a change is worse or better for the client: a rule, and the evidence on both sides."""

    judgement: Judgement
    source: Literal["playbook", "term", "category"] = Field(
        description="a playbook finding that appears or goes, a term compared side by side "
                    "(cap, survival, cure period...), or a category of clause that appears or goes")
    rule_id: str | None = None
    category: str | None = None
    severity: Severity | None = None
    message: str
    old_value: str | None = None
    new_value: str | None = None
    old_evidence: list[Span] = Field(default_factory=list)
    new_evidence: list[Span] = Field(default_factory=list)


class Change(_Model):
    id: str
    kind: ChangeKind
    category: str | None = None
    judgement: Judgement
    message: str
    rule_id: str | None = None
    old: Span | None = None
    new: Span | None = None
    severity: Severity | None = Field(None, description="the most severe reason's severity")
    old_clause: ClauseRef | None = None
    new_clause: ClauseRef | None = None
    text_changed: bool = Field(False, description="the wording differs (a moved clause may also be reworded)")
    similarity: float | None = Field(None, description="0-100 similarity of the two wordings")
    matched_by: Literal["number", "heading", "text", "position"] | None = None
    diff: list[DiffOp] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)


class Summary(_Model):
    worse: int = 0
    better: int = 0
    neutral: int = 0
    added: int = 0
    deleted: int = 0
    modified: int = 0
    moved: int = 0
    headline: list[str] = Field(default_factory=list, description="one line per change, worse first")


class CompareReport(_Model):
    schema_version: str = COMPARE_SCHEMA_VERSION
    perspective: str | None = None
    playbook: str | None = None
    old: VersionInfo
    new: VersionInfo
    input: Literal["two_files", "tracked_changes"] = "two_files"
    changes: list[Change] = Field(default_factory=list)
    summary: Summary = Field(default_factory=Summary)
    unattributed: list[Reason] = Field(
        default_factory=list, description="findings that appear or go between the versions without a clause "
                                          "change to tie them to")
    issues: list[Issue] = Field(default_factory=list)
    versions: dict[str, str] = Field(default_factory=dict)


__all__ = ["COMPARE_SCHEMA_VERSION", "JUDGEMENT_ORDER", "Change", "ChangeKind", "ClauseRef", "CompareReport",
           "DiffOp", "Judgement", "Reason", "Summary", "VersionInfo"]
