"""Shared state for the pages: the cached classifier, playbook choices and cached reports.

Reports are cached per file hash, playbook and perspective in ``st.session_state``;
a new playbook or perspective re-runs only the comparison (``pipeline.recompare``).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Optional

import streamlit as st

from analyzer.core.errors import AnalyzerError
from analyzer.core.schema import Report
from ui.highlight import md_escape
from ui.uploads import Upload

log = logging.getLogger(__name__)

AUTO = "auto"
STAGE_TITLES = {
    "parse": "reading the document",
    "segment": "finding clauses",
    "extract": "extracting parties, terms and dates",
    "classify": "classifying clauses",
    "compare": "comparing with the playbook",
}


@st.cache_resource(show_spinner="Loading the clause classifier…")
def classifier() -> Any:
    """The classifier, loaded once per server process (None when it cannot be loaded)."""
    try:
        from analyzer.classify.classifier import get_classifier
    except ImportError:
        return None
    try:
        return get_classifier()
    except AnalyzerError as exc:
        log.warning("classifier unavailable: %s", exc)
        return None


# The full classifier (its encoder takes seconds to load) is loaded in a background thread
# from app start; until it is there, a first request is answered by the classifier's fast
# (TF-IDF) stage alone, and the report is refined when the full classifier is ready.
_WARM: dict[Any, Any] = {}  # loader function -> Future of its classifier
_WARM_LOCK = threading.Lock()
WARM_GRACE_S = 0.5  # a first request waits this long for the full classifier before going fast


def _loader() -> Any:
    """The function that loads the full classifier (``classifier``, or what replaced it)."""
    return sys.modules[__name__].classifier


def warm_up() -> None:
    """Start loading the full classifier in a background thread (once per server process)."""
    load = _loader()
    with _WARM_LOCK:
        if load in _WARM:
            return
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="classifier-warm-up")
        _WARM[load] = pool.submit(load)
        pool.shutdown(wait=False)


def classifier_ready(wait: float = 0.0) -> bool:
    """Is the full classifier loaded (or loading was never started in the background)?"""
    future = _WARM.get(_loader())
    if future is None:
        return True
    try:
        future.result(timeout=wait)
    except Exception:  # a timeout, or a load that failed: classifier() reports the failure
        return future.done()
    return True


@st.cache_resource(show_spinner=False)
def fast_classifier() -> Any:
    """The classifier's TF-IDF stage alone (loads in a fraction of a second), or None."""
    try:
        from analyzer.classify.classifier import Classifier, model_dir

        return Classifier(model_dir(), use_encoder=False)
    except (ImportError, AnalyzerError) as exc:
        log.warning("fast classifier unavailable: %s", exc)
        return None


@st.fragment(run_every=1.0)
def _refine_when_ready() -> None:
    """Re-runs the page once the full classifier is loaded, so provisional reports are refined."""
    if classifier_ready():
        st.rerun()


def store(name: str) -> dict:
    """A dict kept in ``st.session_state`` under ``name`` (created on first use)."""
    if name not in st.session_state:
        st.session_state[name] = {}
    return st.session_state[name]


@dataclass(frozen=True)
class PlaybookChoice:
    """An entry of the playbook selector. ``spec`` is what ``analyze`` takes."""

    key: str
    label: str
    spec: Any
    perspectives: tuple[str, ...]
    default_perspective: Optional[str]


def shipped_overlays() -> list[dict]:
    """The shipped jurisdiction overlays (id, title, ...), or [] when they cannot be listed."""
    try:
        from analyzer.review.overlays import list_overlays

        return list_overlays()
    except (ImportError, AnalyzerError) as exc:
        log.warning("overlays unavailable: %s", exc)
        return []


def shipped_playbooks() -> list[dict]:
    try:
        from analyzer.review.playbook import list_playbooks

        return list_playbooks()
    except (ImportError, AnalyzerError) as exc:
        log.warning("playbooks unavailable: %s", exc)
        return []


def playbook_choices() -> list[PlaybookChoice]:
    """Auto first, then the shipped playbooks, then playbooks uploaded in this session."""
    out = [PlaybookChoice(AUTO, "Auto (from the detected agreement type)", None, (), None)]
    for p in shipped_playbooks():
        out.append(PlaybookChoice(p["id"], f"{p['title']} ({p['id']} v{p['version']})", p["id"],
                                  tuple(p["perspectives"]), p["default_perspective"]))
    for pid, pb in store("custom_playbooks").items():
        out.append(PlaybookChoice(f"custom:{pid}", f"{pb.title} (uploaded: {pid} v{pb.version})", pb,
                                  tuple(pb.perspectives), pb.default_perspective))
    return out


def choice_for_report(report: Report, choices: list[PlaybookChoice]) -> Optional[PlaybookChoice]:
    """The shipped playbook the auto choice resolved to for ``report``."""
    return next((c for c in choices if c.key == report.playbook), None)


def one_line_error(exc: BaseException, name: str) -> str:
    """The message to show for a failure: an ``AnalyzerError``'s own line, or a one-line summary."""
    msg = (str(exc).splitlines() or [""])[0]
    if isinstance(exc, AnalyzerError):
        return msg
    return f"{name}: unexpected error ({type(exc).__name__}: {msg})"


def run_analysis(upload: Upload, choice: PlaybookChoice, perspective: Optional[str],
                 overlays: tuple[str, ...] = ()) -> Optional[Report]:
    """The report for ``upload`` under ``choice``/``perspective`` with the jurisdiction ``overlays``,
    from the cache or computed now.

    Shows progress with ``st.status``; failures are shown as one-line errors and give None.
    """
    reports = store("reports")
    base_key = (upload.sha256, AUTO, None)
    key = (upload.sha256, choice.key, perspective) + ((tuple(overlays),) if overlays else ())
    provisional = store("provisional")
    if base_key in provisional and classifier_ready():
        for k in [k for k in reports if k[0] == upload.sha256]:  # labelled by the fast stage: redo
            del reports[k]
        provisional.pop(base_key)
    if key in reports:
        if base_key in provisional:
            _refining_notice()
        return reports[key]
    base = reports.get(base_key)
    if (base is not None and not overlays and choice.key in (AUTO, base.playbook)
            and perspective in (None, base.perspective)):
        return base
    name = md_escape(upload.name)  # status labels are Markdown
    with st.status(f"Analyzing {name}…", expanded=False) as status:
        t0 = time.perf_counter()
        try:
            if base is None:
                def progress(stage: str) -> None:
                    status.update(label=f"Analyzing {name}: {STAGE_TITLES.get(stage, stage)}…")
                    status.write(STAGE_TITLES.get(stage, stage).capitalize())

                from analyzer.pipeline import analyze

                full = classifier_ready(WARM_GRACE_S)
                clf = classifier() if full else fast_classifier()
                base = analyze(upload.data, filename=upload.name, classifier=clf, progress=progress)
                reports[base_key] = base
                if not full and clf is not None:
                    provisional[base_key] = True
            report = base
            if key != base_key:
                from analyzer.pipeline import recompare

                status.write(STAGE_TITLES["compare"].capitalize())
                report = recompare(base, playbook=choice.spec, perspective=perspective, overlays=list(overlays))
                reports[key] = report
        except Exception as exc:  # shown as one line; the log keeps the traceback
            if not isinstance(exc, AnalyzerError):
                log.exception("analysis of %s failed", upload.name)
            status.update(label=f"Could not analyze {name}", state="error")
            st.error(md_escape(one_line_error(exc, upload.name)))
            return None
        status.update(label=f"Analyzed {name} in {time.perf_counter() - t0:.1f} s: "
                            f"{len(report.findings)} finding(s)", state="complete")
    if base_key in provisional:
        _refining_notice()
    return report


def _refining_notice() -> None:
    st.info("First findings from the fast classifier. **Refining:** the clause encoder is still "
            "loading; the labels and findings update by themselves when it is ready.", icon=":material/autorenew:")
    _refine_when_ready()



def remember(slot: str, re_entered: bool, value: Any) -> Any:
    """Keep an uploader's value across page switches.

    Streamlit drops a widget's state when its page is not shown, so coming back
    shows an empty uploader. ``re_entered`` is "the uploader's key is not in
    ``st.session_state``", read *before* the uploader is created. The remembered
    value is forgotten only when the user removes the file from the uploader
    (it showed a file in the previous run and is empty now).
    """
    memory = store("uploads")
    shown_key = f"{slot}:shown"
    had_value = memory.get(shown_key, False) and not re_entered
    memory[shown_key] = bool(value)
    if value:
        memory[slot] = value
        return value
    if had_value:
        memory.pop(slot, None)
        return None
    return memory.get(slot)
