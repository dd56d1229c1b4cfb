"""``analyze()``: the one library entry point.

parse -> segment -> sentences/entities (spaCy) -> classify -> compare (playbook).

A document that cannot be parsed raises a ``DocumentError``. After parsing, an
expected problem in a stage (an ``AnalyzerError``: the document, the classifier
artifact, a playbook chosen from the agreement type) is recorded as an issue and
the report is ``partial_success``. Everything else propagates: a ``ConfigError``
(a bad ``ANALYZER_*`` setting), a ``PlaybookError`` for a playbook the caller
named, and any other exception, which is a bug and must not pass for a partial result.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable, Optional, Union

from analyzer.core.errors import AnalyzerError, ConfigError, PlaybookError
from analyzer.core.schema import DocumentInfo, Issue, Report, SourceDocument, Status
from analyzer.core.settings import Limits
from analyzer.core.version import __version__
from analyzer.ingest import parse

log = logging.getLogger(__name__)


def analyze(
    source: Union[str, Path, bytes, SourceDocument],
    *,
    playbook=None,
    perspective: Optional[str] = None,
    overlays=(),
    filename: Optional[str] = None,
    all_candidates: bool = False,
    limits: Optional[Limits] = None,
    classifier=None,
    compare_playbook: bool = True,
    progress: Optional[Callable[[str], None]] = None,
) -> Report:
    """Analyze a contract and return a ``Report``.

    ``source`` is a path, raw bytes (give ``filename``) or an already parsed
    ``SourceDocument``. ``playbook`` is a playbook id, a path, a ``Playbook`` or
    None (chosen from the detected agreement type). ``classifier`` overrides the
    default cached classifier (see ``analyzer.classify.classifier.get_classifier``).
    ``progress``, when given, is called with each stage's name as it starts.
    ``overlays`` are jurisdiction overlays (ids, paths or ``Overlay`` objects, see
    ``analyzer.review.overlays``) applied to the playbook; a bad one raises ``PlaybookError``
    before anything is parsed.
    """
    step = progress or (lambda _name: None)
    chosen = _overlays(overlays)
    step("parse")
    doc = source if isinstance(source, SourceDocument) else parse(source, filename=filename, limits=limits)
    issues: list[Issue] = list(doc.issues)
    report = Report(
        document=DocumentInfo(source=doc.source, format=doc.format, sha256=doc.sha256,
                              pages=doc.page_count, chars=len(doc.text)),
        text=doc.text,
        blocks=doc.blocks,
        versions={"analyzer": __version__},
    )

    from analyzer.structure.segment import segment

    step("segment")
    report.clauses = _stage("segment", issues, lambda: segment(doc), [])
    from analyzer.structure.bilingual import alignment, document_language

    report.document.language = document_language(doc)
    report.bilingual = alignment(doc, report.clauses)

    from analyzer.nlp import run_nlp

    step("extract")
    nlp_out = _stage("extract", issues, lambda: run_nlp(doc, report.clauses), None)
    if nlp_out is not None:
        report.sentences, report.parties, report.entities = nlp_out.sentences, nlp_out.parties, nlp_out.entities

    return _classify_and_compare(report, issues, classifier=classifier, playbook=playbook, perspective=perspective,
                                 overlays=chosen, all_candidates=all_candidates, compare_playbook=compare_playbook,
                                 step=step)


# What ``analyze`` sets before classification (with the default of every other field, a report to classify)
_BEFORE_CLASSIFY = ("document", "text", "blocks", "clauses", "sentences", "parties", "entities", "bilingual")


def refine(report: Report, *, classifier=None, playbook=None, perspective: Optional[str] = None, overlays=(),
           all_candidates: bool = False, progress: Optional[Callable[[str], None]] = None) -> Report:
    """``report`` classified again by ``classifier`` and compared again, reusing its parsing,
    clauses, sentences and entities: the report that ``analyze`` gives with that classifier.

    For a first report from a fast classifier (the TF-IDF stage alone) refined by the full one.
    ``report`` itself is left as it is.
    """
    step = progress or (lambda _name: None)
    chosen = _overlays(overlays)
    out = Report(**{name: getattr(report, name) for name in _BEFORE_CLASSIFY},
                 versions={k: v for k, v in report.versions.items() if k == "analyzer"})
    issues = [i for i in report.issues if i.stage not in ("classify", "compare")]
    return _classify_and_compare(out, issues, classifier=classifier, playbook=playbook, perspective=perspective,
                                 overlays=chosen, all_candidates=all_candidates, compare_playbook=True, step=step)


def _classify_and_compare(report: Report, issues: list[Issue], *, classifier, playbook, perspective: Optional[str],
                          overlays: list, all_candidates: bool, compare_playbook: bool,
                          step: Callable[[str], None]) -> Report:
    """The stages after extraction, on ``report`` in place: labels, agreement type, presence, findings."""

    def _classify():
        from analyzer.classify.classifier import get_classifier

        clf = classifier or get_classifier()
        report.versions["model"] = clf.version
        return clf.predict(report.text, report.clauses, report.sentences, all_candidates=all_candidates,
                           entities=report.entities)

    step("classify")
    out = _stage("classify", issues, _classify, None)
    if out is not None:
        report.labels, report.agreement_type = out.labels, out.agreement_type
        report.presence = list(getattr(out, "presence", []))
    from analyzer.classify.cjk_labels import label_chinese

    _stage("classify", issues, lambda: label_chinese(report, all_candidates=all_candidates), None)

    if compare_playbook:
        step("compare")
        report.findings = _stage("compare", issues, lambda: _compare(report, playbook, perspective, issues, overlays),
                                 [], playbook_named=playbook is not None)

    report.issues = issues
    report.status = Status.PARTIAL_SUCCESS if issues else Status.SUCCESS
    return report


def recompare(report: Report, *, playbook=None, perspective: Optional[str] = None, overlays=()) -> Report:
    """A copy of ``report`` with only the playbook comparison re-run.

    For a new playbook or perspective on a document already analyzed: parsing,
    extraction and classification are reused.
    """
    chosen = _overlays(overlays)
    out = report.model_copy(update={"versions": {k: v for k, v in report.versions.items() if k != "overlays"},
                                    "findings": []})
    issues = [i for i in out.issues if i.stage != "compare"]
    out.findings = _stage("compare", issues, lambda: _compare(out, playbook, perspective, issues, chosen), [],
                          playbook_named=playbook is not None)
    out.issues = issues
    out.status = Status.PARTIAL_SUCCESS if issues else Status.SUCCESS
    return out


def _overlays(overlays) -> list:
    """The jurisdiction overlays named by ``overlays`` (ids, paths or ``Overlay`` objects), loaded."""
    if not overlays:
        return []
    from analyzer.review.overlays import resolve_overlays

    return resolve_overlays([overlays] if isinstance(overlays, (str, Path)) else list(overlays))


def _compare(report: Report, playbook, perspective: Optional[str], issues: list[Issue], overlays=()):
    """Resolve the playbook and perspective, apply the chosen overlays, record them on ``report``,
    suggest the overlays that fit the contract, and return the findings.

    A perspective the playbook does not declare falls back to its default, with an issue.
    """
    from analyzer.review.findings import compare
    from analyzer.review.overlays import (
        apply_overlays,
        suggest_overlays,
        version_string,
    )
    from analyzer.review.playbook import applicable, resolve_playbook

    pb = resolve_playbook(playbook, report.agreement_type)
    report.playbook = pb.id
    report.playbook_source = "agreement_type" if playbook is None else "chosen"
    pb, overlay_skipped = apply_overlays(pb, overlays, report)
    if overlays:
        report.versions["overlays"] = version_string(overlays)
    report.suggested_overlays = suggest_overlays(report, [o.id for o in overlays])
    pb, report.skipped_rules = applicable(pb, report)
    report.skipped_rules += [r for r in overlay_skipped if r not in report.skipped_rules]
    report.versions["playbook"] = f"{pb.id}@{pb.version}"
    persp = perspective or pb.default_perspective
    if persp not in pb.perspectives:
        issues.append(Issue(stage="compare", message=(
            f"playbook {pb.id} has no perspective {persp!r} (it has {', '.join(pb.perspectives)}); "
            f"reviewed as {pb.default_perspective}")))
        persp = pb.default_perspective
    report.perspective = persp
    from analyzer.review.confidence import with_confidence
    from analyzer.review.outside_terms import without_missing
    from analyzer.review.language_version import review_languages

    findings, note = without_missing(report, compare(report, pb, persp))
    if note:
        issues.append(Issue(stage="scope", message=note))
    return with_confidence(report, review_languages(report, pb, persp, findings))


def _stage(name: str, issues: list[Issue], fn, default, *, playbook_named: bool = False):
    """``fn()``; an expected problem becomes an issue of stage ``name`` and gives ``default``.

    Expected: an ``AnalyzerError`` (a document the stage cannot handle, a missing
    or broken classifier artifact, a playbook chosen automatically that does not
    load). A ``ConfigError``, a ``PlaybookError`` when ``playbook_named`` (the
    caller chose the playbook) and every other exception (a bug) propagate.
    """
    try:
        return fn()
    except AnalyzerError as exc:
        if isinstance(exc, ConfigError) or (playbook_named and isinstance(exc, PlaybookError)):
            raise
        log.warning("stage %s failed: %s", name, exc)
        log.debug("stage %s traceback", name, exc_info=True)
        issues.append(Issue(stage=name, message=f"{type(exc).__name__}: {exc}".splitlines()[0]))
        return default
