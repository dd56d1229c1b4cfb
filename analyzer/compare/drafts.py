"""``compare_drafts()``: read two drafts (or one DOCX with tracked changes), analyze both the
same way and compare them.

With one DOCX, the draft before the tracked changes (every change rejected) is the old
version and the document as it reads with every change accepted is the new one. Both
drafts are reviewed with the same playbook and perspective: the ones given, else those
chosen for the old draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from analyzer.compare.report import compare_reports
from analyzer.core.compare_schema import CompareReport
from analyzer.core.errors import DocumentError
from analyzer.core.schema import Format, Report
from analyzer.core.settings import Limits
from analyzer.ingest import detect_format, parse, read_regular
from analyzer.ooxml.revisions import document_has_revisions, reject_revisions
from analyzer.pipeline import analyze

Source = Union[str, Path, bytes]


class NoTrackedChanges(DocumentError):
    reason = "has no tracked changes: give the old and the new draft"


@dataclass
class Comparison:
    """The compare report with what made it: both reports and the new draft's bytes."""

    report: CompareReport
    old: Report
    new: Report
    new_data: bytes
    new_name: str


def _read(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        name = name or Path(source).name
        return read_regular(source, name, max_bytes=limits.max_bytes), name
    return bytes(source), name or "<bytes>"


def compare_drafts(old: Source, new: Source | None = None, *, old_name: str | None = None,
                   new_name: str | None = None, playbook=None, perspective: str | None = None,
                   classifier=None, limits: Limits | None = None,
                   progress: Callable[[str], None] | None = None) -> Comparison:
    """Compare ``old`` with ``new`` (paths or bytes; give the names with bytes). Without ``new``,
    ``old`` is one DOCX whose tracked changes make the new draft."""
    limits = limits or Limits.from_env()
    step = progress or (lambda _name: None)
    old_data, old_name = _read(old, old_name, limits)
    if new is None:
        if not old_data.strip() or detect_format(old_data, old_name) is not Format.DOCX \
                or not document_has_revisions(old_data, old_name, limits):
            raise NoTrackedChanges(old_name)
        new_data, new_name = old_data, old_name
        before = reject_revisions(old_data, old_name, limits)
        old_doc = parse(before, filename=f"{old_name} (before tracked changes)", limits=limits)
        input_kind = "tracked_changes"
    else:
        new_data, new_name = _read(new, new_name, limits)
        old_doc = parse(old_data, filename=old_name, limits=limits)
        input_kind = "two_files"
    new_doc = parse(new_data, filename=new_name, limits=limits)
    step("analyze the old draft")
    old_report = analyze(old_doc, playbook=playbook, perspective=perspective, classifier=classifier, limits=limits)
    step("analyze the new draft")
    same_playbook = playbook if playbook is not None else old_report.playbook
    new_report = analyze(new_doc, playbook=same_playbook, perspective=perspective or old_report.perspective,
                         classifier=classifier, limits=limits)
    step("compare")
    report = compare_reports(old_report, new_report, playbook=playbook,
                             perspective=perspective or new_report.perspective, input_kind=input_kind)
    return Comparison(report, old_report, new_report, new_data, new_name)


__all__ = ["Comparison", "NoTrackedChanges", "compare_drafts"]
