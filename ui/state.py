"""Shared state for the pages: the cached classifier, playbook choices and cached reports.

Reports are cached per file hash, playbook and perspective in ``st.session_state``;
a new playbook or perspective re-runs only the comparison (``pipeline.recompare``).
"""

from __future__ import annotations

import importlib.abc
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
# from app start. With that warm-up on, a new document is analyzed first with the classifier's
# fast (TF-IDF) stage alone and its findings are shown at once; a background job then refines
# that report with the full classifier (``pipeline.refine``: classification and comparison
# again, parsing and extraction reused), and the page re-runs to show the refined report.
# The warm-up loads the fast stage first; it starts on the encoder only while no first
# request is being answered, so that a document dropped at once is not slowed by it.
_WARM: dict[Any, Any] = {}  # loader function -> Future of its classifier
_WARM_LOCK = threading.Lock()
_REFINER: list = []  # the executor of refinement jobs (one worker), created on first use
REFINE_POLL_S = 0.5  # how often a page with a provisional report checks whether its refinement is done
_ANSWERING = threading.Condition()  # guards _answering: first requests being answered by the fast stage
_answering = 0
ENCODER_DEFER_S = 30.0  # the encoder waits at most this long for the first requests to be answered


def _answering_add(n: int) -> None:
    global _answering
    with _ANSWERING:
        _answering = max(0, _answering + n)
        _ANSWERING.notify_all()


def _warm(load: Any) -> Any:
    """The warm-up: the fast stage, then (once no first request is being answered) the full classifier."""
    fast = sys.modules[__name__].fast_classifier
    try:
        fast()
    except Exception:  # fast_classifier() logs its own failures; the full classifier is still wanted
        log.exception("loading the fast classifier failed")
    with _ANSWERING:
        _ANSWERING.wait_for(lambda: _answering == 0, timeout=ENCODER_DEFER_S)
    return load()


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
        _WARM[load] = pool.submit(_warm, load)
        pool.shutdown(wait=False)


def staged() -> bool:
    """Are new documents answered by the fast stage first and refined after (the warm-up is on)?"""
    return _loader() in _WARM


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


class _TorchHeldBack(importlib.abc.MetaPathFinder):
    """While active, ``import torch`` fails in the thread that activated it (other threads import it as usual).

    spaCy's thinc imports torch when it is installed, though a blank pipeline never uses it
    (thinc only records that torch is there); importing it costs about two seconds. The fast
    stage does not need torch, so loading it first without torch takes those seconds off the
    first findings; the encoder imports torch afterwards, in the background."""

    def __init__(self):
        self.thread = threading.get_ident()

    def find_spec(self, name, path=None, target=None):
        if (name == "torch" or name.startswith("torch.")) and threading.get_ident() == self.thread:
            raise ModuleNotFoundError(f"{name} is not imported while the fast stage loads", name=name)

    def __enter__(self):
        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc):
        sys.meta_path.remove(self)


@st.cache_resource(show_spinner=False)
def fast_classifier() -> Any:
    """The classifier's TF-IDF stage alone (loads in a fraction of a second, without torch), or None."""
    try:
        with _TorchHeldBack():
            from analyzer.classify.classifier import Classifier, model_dir

            return Classifier(model_dir(), use_encoder=False)
    except (ImportError, AnalyzerError) as exc:
        log.warning("fast classifier unavailable: %s", exc)
        return None


def _refine(report: Report, loading: Any) -> Report:
    """``report`` refined by the full classifier once ``loading`` (its Future) has loaded it."""
    from analyzer.pipeline import refine

    return refine(report, classifier=loading.result())


def start_refining() -> None:
    """Submit the refinement of this session's provisional reports that wait for one.

    Called when the page has been drawn, so that the refinement does not compete with
    drawing the first findings."""
    loading = _WARM.get(_loader())
    pending = [k for k, job in store("provisional").items() if not hasattr(job, "done")]
    if not pending or loading is None:
        return
    with _WARM_LOCK:
        if not _REFINER:
            from concurrent.futures import ThreadPoolExecutor

            _REFINER.append(ThreadPoolExecutor(max_workers=1, thread_name_prefix="refine"))
    provisional, reports = store("provisional"), store("reports")
    for key in pending:
        if key in reports:
            provisional[key] = _REFINER[0].submit(_refine, reports[key], loading)
        else:
            provisional.pop(key)
    _answering_add(-len(pending))


@st.fragment(run_every=REFINE_POLL_S)
def _refine_when_ready() -> None:
    """Re-runs the page once a provisional report is refined."""
    if any(hasattr(job, "done") and job.done() for job in store("provisional").values()):
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
                 overlays: tuple[str, ...] = (), notice: bool = True) -> Optional[Report]:
    """The report for ``upload`` under ``choice``/``perspective`` with the jurisdiction ``overlays``,
    from the cache or computed now.

    Shows progress with ``st.status``; failures are shown as one-line errors and give None.
    ``notice``: say that a report from the fast stage is still being refined (a page that asks
    for several reports of one upload says it once).
    """
    reports = store("reports")
    base_key = (upload.sha256, AUTO, None)
    key = (upload.sha256, choice.key, perspective) + ((tuple(overlays),) if overlays else ())
    provisional = store("provisional")  # base key -> the Future of its refinement (None until started)
    job = provisional.get(base_key)
    if hasattr(job, "done") and job.done():
        first = reports.get(base_key)
        for k in [k for k in reports if k[0] == upload.sha256]:  # labelled by the fast stage: replaced
            del reports[k]
        provisional.pop(base_key)
        try:
            reports[base_key] = job.result()
        except Exception:  # analyzed again below, with the full classifier, where a failure is shown
            log.exception("refining the report of %s failed", upload.name)
            store("unstaged")[upload.sha256] = True
        else:
            if first is not None:
                _carry_decisions(first, reports[base_key], upload.name)
    if key in reports:
        if base_key in provisional and notice:
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

                fast = None
                if staged() and upload.sha256 not in store("unstaged"):
                    _answering_add(1)  # until start_refining(): the encoder does not load meanwhile
                    provisional[base_key] = None  # refined by start_refining() once the page is drawn
                try:
                    if base_key in provisional:
                        fast = fast_classifier()
                        if fast is None:
                            provisional.pop(base_key)
                            _answering_add(-1)
                    clf = fast if fast is not None else classifier()
                    base = analyze(upload.data, filename=upload.name, classifier=clf, progress=progress)
                except BaseException:
                    if base_key in provisional and provisional.pop(base_key) is None:
                        _answering_add(-1)
                    raise
                reports[base_key] = base
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
    if base_key in provisional and notice:
        _refining_notice()
    return report


def _carry_decisions(first: Report, refined: Report, name: str) -> None:
    """Decisions made on the first findings go with them to the refined report; say which could not."""
    from ui.decisions import carry_over

    lost = carry_over(first, refined)
    if lost:
        what = ", ".join(f"{f.category} ({f.kind})" for f in lost)
        st.toast(md_escape(f"{name}: the refined analysis no longer reports {len(lost)} finding(s) you had decided "
                           f"on: {what}."), icon=":material/info:", duration="long")


def _refining_notice() -> None:
    doing = ("re-scoring the clauses" if classifier_ready() else "still loading")
    st.info(f"First findings from the fast classifier. **Refining:** the clause encoder is {doing}; "
            "the labels and findings update by themselves when it is done.", icon=":material/autorenew:")
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
