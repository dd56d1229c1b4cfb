"""Pydantic models shared by every stage.

Every span is a half-open ``[start, end)`` range into ``SourceDocument.text``.
Ids are deterministic: they hash the document's sha256 with the span (see ``make_id``).
"""

from __future__ import annotations

import hashlib
from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"


def make_id(*parts: object, length: int = 16) -> str:
    """Deterministic short id from the given parts (document hash, kind, span...)."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:length]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ValueEnum(str, Enum):
    """A ``str`` enum that prints as its value (``str()``, f-strings), as ``enum.StrEnum`` does."""

    def __str__(self) -> str:
        return self.value


class Format(str, Enum):
    DOCX = "docx"
    PDF = "pdf"
    TXT = "txt"


class Status(_ValueEnum):
    """How the analysis of one file ended.

    A report is ``SUCCESS``, ``PARTIAL_SUCCESS`` (a stage recorded an issue) or
    ``FAILURE``; ``SKIPPED`` marks a file that a batch did not try to analyze
    (unsupported type, refused upload) and is never a report's status.
    """

    SUCCESS = "success"
    PARTIAL_SUCCESS = "partial_success"
    FAILURE = "failure"
    SKIPPED = "skipped"


ReportStatus = Literal[Status.SUCCESS, Status.PARTIAL_SUCCESS, Status.FAILURE]


class Severity(_ValueEnum):
    """How much a finding or a playbook rule matters: high, medium or low."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for high, 1 for medium, 2 for low: sorts the most severe first."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Span(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Issue(_Model):
    """A problem that did not stop the analysis (or, with status failure, did)."""

    stage: str
    message: str
    page: Optional[int] = None


Language = Literal["en", "zh", "mixed"]

BlockKind = Literal[
    "paragraph",
    "heading",
    "list_item",
    "table",
    "table_cell",
    "footnote",
    "page",
    "insertion",
    "deletion",
    "comment",
]


class Block(_Model):
    """A structural unit of the source: paragraph, heading, table cell, page...

    ``start``/``end`` index ``SourceDocument.text``. ``page`` is 1-based and None
    where the format has no reliable pages (DOCX without rendered page breaks).
    ``number`` is the list label as the reader sees it ("1.1", "(a)", "Article IV").
    ``level`` is the outline/list level (0 = top). For ``deletion`` blocks the
    deleted text is not in the canonical text: ``start == end`` marks where it
    was and ``text`` holds it. ``comment`` blocks span the commented text and
    carry the comment in ``text`` and its ``author``.
    """

    id: str
    kind: BlockKind
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page: Optional[int] = None
    style: Optional[str] = None
    level: Optional[int] = None
    number: Optional[str] = None
    text: Optional[str] = None
    author: Optional[str] = None
    date: Optional[str] = None
    parent_id: Optional[str] = None
    row: Optional[int] = None
    col: Optional[int] = None
    language: Optional[Language] = Field(None, description="en, zh or mixed, by the share of CJK letters; "
                                         "None for blocks without letters")


class Page(_Model):
    number: int = Field(ge=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    ocr: bool = False


class SourceDocument(_Model):
    source: str
    format: Format
    sha256: str
    text: str
    pages: list[Page] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)

    @property
    def page_count(self) -> Optional[int]:
        return len(self.pages) or None

    def page_at(self, offset: int) -> Optional[int]:
        """1-based page holding ``offset``, or None when the format has no pages."""
        for p in self.pages:
            if p.start <= offset < p.end or (offset == p.end and p is self.pages[-1]):
                return p.number
        return None


class Clause(_Model):
    id: str
    number: Optional[str] = None
    heading: Optional[str] = None
    kind: Literal["article", "section", "subclause", "definitions", "definition", "schedule", "preamble", "recitals", "signature", "body"] = "section"
    level: int = 0
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    page_start: Optional[int] = None
    page_end: Optional[int] = None
    parent_id: Optional[str] = None
    language: Optional[Language] = None
    counterpart_id: Optional[str] = Field(None, description="the same clause in the other language of a bilingual "
                                          "document")


class Sentence(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    clause_id: Optional[str] = None


class Party(_Model):
    name: str
    role: Optional[str] = None
    alias: Optional[str] = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Entity(_Model):
    """An extracted item: defined_term, term_use, date, duration, money, percent,
    governing_law, jurisdiction, cross_reference, party..."""

    type: str
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    value: Optional[str] = None
    clause_id: Optional[str] = None
    target_clause_id: Optional[str] = None


class Label(_Model):
    category: str
    confidence: float = Field(ge=0.0, le=1.0, description="probability that the span is the category's evidence "
                              "(the span model's, for the categories it covers; else the unit probability)")
    unit_confidence: Optional[float] = Field(None, ge=0.0, le=1.0, description="probability that the span's "
                                             "units carry the category; ``flagged`` compares it with the operating threshold")
    flagged: bool
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    clause_id: Optional[str] = None

    @property
    def unit_level_confidence(self) -> float:
        """The unit probability (reports written before the span model have only ``confidence``)."""
        return self.confidence if self.unit_confidence is None else self.unit_confidence


class Presence(_Model):
    category: str
    present: bool = Field(description="the document contains a clause of this category (the document-level decision)")
    confidence: float = Field(ge=0.0, le=1.0, description="probability that the document contains such a clause")
    start: Optional[int] = Field(None, ge=0, description="the unit most likely to carry the category (evidence when "
                                 "no label of it is flagged); None for an empty document")
    end: Optional[int] = Field(None, ge=0)


AgreementTypeLabel = Literal["license", "jv", "collaboration", "development", "nda", "distribution", "services", "other"]


class TypeAlternative(_Model):
    label: AgreementTypeLabel
    confidence: float = Field(ge=0.0, le=1.0)


class AgreementType(_Model):
    label: AgreementTypeLabel
    confidence: float = Field(ge=0.0, le=1.0)
    low_confidence: bool = Field(False, description="the type is uncertain: check it and pick the playbook")
    alternatives: list[TypeAlternative] = Field(default_factory=list, description="the next most likely types")
    basis: Optional[Literal["title", "body"]] = Field(None, description="a title naming the type, or the text alone")
    subtype: Optional[Literal["supply", "services", "trademark", "software"]] = Field(
        None, description="goods supplied or services provided, from the title or the body's wording; "
                          "trademark: a licence whose title names trademarks or a brand; software: a licence "
                          "whose title names software, a subscription or hosting, and no technology or patents")
    grants_licence: Optional[bool] = Field(None, description="the text grants a licence")


class Suggestion(_Model):
    action: Literal["insert", "replace", "delete"]
    text: str = ""
    after_clause_id: Optional[str] = None
    start: Optional[int] = Field(None, description="replace/delete: the text to change; insert without "
                                 "after_clause_id: the offset the new text goes before")
    end: Optional[int] = None
    fallback_text: Optional[str] = None
    text_zh: Optional[str] = Field(None, description="the language in Chinese, where the playbook gives it")
    fallback_text_zh: Optional[str] = None


CHECK_BELOW = 0.5  # a finding less sure than this is a point to check


class Finding(_Model):
    id: str
    rule_id: str
    category: str
    kind: Literal["missing", "deviation", "risk"]
    severity: Severity
    message: str
    rationale: Optional[str] = None
    clause_id: Optional[str] = None
    evidence: list[Span] = Field(default_factory=list)
    suggestion: Optional[Suggestion] = None
    message_zh: Optional[str] = None
    rationale_zh: Optional[str] = None
    confidence: Optional[float] = Field(None, ge=0.0, le=1.0, description=(
        "how likely the finding is right, from the evidence it rests on and the agreement type that chose the "
        "playbook; below CHECK_BELOW it is shown as a point to check, not as a fact"))

    @property
    def needs_check(self) -> bool:
        return self.confidence is not None and self.confidence < CHECK_BELOW


class ClausePair(_Model):
    """An English clause and its Chinese counterpart, and how they were paired."""

    en_id: str
    zh_id: str
    by: Literal["number", "position"]
    numbers_differ: bool = False


class Bilingual(_Model):
    """How the two language versions of a bilingual document are laid out and paired."""

    layout: Literal["table", "alternating", "sequential"]
    pairs: list[ClausePair] = Field(default_factory=list)
    only_en: list[str] = Field(default_factory=list, description="clauses with no Chinese counterpart")
    only_zh: list[str] = Field(default_factory=list, description="clauses with no English counterpart")


class DocumentInfo(_Model):
    source: str
    format: Format
    sha256: str
    pages: Optional[int] = None
    chars: int
    language: Optional[Language] = Field(None, description="en, zh, or mixed for a bilingual document")


class OverlaySuggestion(_Model):
    """A jurisdiction overlay that fits the contract, and why (suggested; applied only when chosen)."""

    id: str
    reasons: list[str] = Field(default_factory=list, description="the governing law, a party's seat or the "
                               "technology's origin that points to the overlay")
    applied: bool = Field(False, description="the overlay was also chosen and applied")


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    status: ReportStatus = Status.SUCCESS
    issues: list[Issue] = Field(default_factory=list)
    document: DocumentInfo
    text: str
    agreement_type: Optional[AgreementType] = None
    playbook: Optional[str] = None
    playbook_source: Optional[Literal["agreement_type", "chosen"]] = Field(
        None, description="the playbook was chosen from the detected agreement type, or by the caller")
    skipped_rules: list[str] = Field(default_factory=list, description="playbook rules that did not apply "
                                     "(licence-only rules on a contract that grants no licence)")
    perspective: Optional[str] = None
    parties: list[Party] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    labels: list[Label] = Field(default_factory=list)
    presence: list[Presence] = Field(default_factory=list, description="per category: does the document contain "
                                     "such a clause, decided over all its units (not one label's threshold)")
    entities: list[Entity] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    blocks: list[Block] = Field(default_factory=list)
    bilingual: Optional[Bilingual] = None
    suggested_overlays: list[OverlaySuggestion] = Field(
        default_factory=list, description="jurisdiction overlays that fit the contract (its governing law, its "
                                          "parties' seats, its technology's origin); an overlay is applied only when "
                                          "chosen, and versions['overlays'] lists those applied")
    versions: dict[str, str] = Field(default_factory=dict)
