"""One file of a batch review, as run inside a worker (a local process or a Dask worker).

``run_task(task)`` never raises for a bad document: it returns a plain dict (picklable)
with the report JSON and its summary row, or the one-line reason it failed.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from pathlib import Path
from typing import Callable, Optional

from analyzer.core.errors import escape_name, one_line

log = logging.getLogger(__name__)

DEFAULT_ANALYZE = "analyzer.pipeline:analyze"


def warm_models() -> None:
    """Load the models once in this process, so the first file does not pay for it."""
    try:
        from analyzer.classify.classifier import get_classifier
    except ImportError:
        return
    try:
        get_classifier()
    except Exception as exc:  # analyze() records the same problem as an issue per file
        log.info("classifier not available: %s", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    try:
        from analyzer.nlp import legal_nlp

        legal_nlp()
    except Exception:  # the extract stage reports it per file
        pass


def resolve(target: str) -> Callable:
    """``"package.module:function"`` -> the function."""
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def failure(task: dict, reason: str, kind: str = "error") -> dict:
    return {"rel": task["rel"], "ok": False, "kind": kind, "error": reason, "sha256": task.get("sha256")}


def _read_source(task: dict) -> tuple[Optional[Path], Optional[bytes]]:
    """The path when this machine sees the same file, else the shipped bytes, else (None, None).

    Only a regular file is read (a FIFO or device at that path counts as not visible);
    ``parse()`` checks the file again when it opens it.
    """
    if task.get("data") is not None:
        return None, task["data"]
    path = Path(task["path"]) if task.get("path") else None
    if path is None or not path.is_file():
        return None, None
    if task.get("check_sha256"):
        from analyzer.core.errors import NotFound, NotRegularFile, TooLarge
        from analyzer.ingest import Limits, read_regular

        try:
            data = read_regular(path, task["rel"], max_bytes=Limits.from_env().max_bytes)
        except (NotFound, NotRegularFile):
            return None, None
        except TooLarge:
            return path, None  # parse() reports it
        if hashlib.sha256(data).hexdigest() != task.get("sha256"):
            return None, None
    return path, None


def run_task(task: dict, analyze_target: str = DEFAULT_ANALYZE) -> dict:
    """Analyze one file. ``task`` keys: rel, path, data, sha256, playbook, perspective, redline.

    Returns ``{"ok": True, "report_json", "row", "pages", "seconds", "versions", "redline", ...}``
    or ``{"ok": False, "kind": "error"|"need_bytes", "error": reason}``.
    """
    from analyzer.core.errors import AnalyzerError
    from analyzer.output.portfolio import summarize
    from analyzer.output.render import to_json

    rel = task["rel"]
    t0 = time.perf_counter()
    try:
        path, data = _read_source(task)
        if path is None and data is None:
            return failure(task, f"{escape_name(rel)}: file is not visible on this worker", kind="need_bytes")
        analyze = resolve(analyze_target)
        extra = {"overlays": task["overlays"]} if task.get("overlays") else {}
        report = analyze(path if path is not None else data, filename=rel,
                         playbook=task.get("playbook"), perspective=task.get("perspective"), **extra)
    except AnalyzerError as exc:
        return failure(task, one_line(exc))
    except MemoryError:
        return failure(task, f"{escape_name(rel)}: out of memory")
    except Exception as exc:  # a bug must not stop the batch; keep the reason on one line
        log.debug("unexpected error on %s", escape_name(rel), exc_info=True)
        detail = one_line(exc)[:300]
        return failure(task, f"{escape_name(rel)}: internal error ({type(exc).__name__}: {detail})")
    seconds = time.perf_counter() - t0
    result = {
        "rel": rel,
        "ok": True,
        "sha256": report.document.sha256,
        "report_json": to_json(report),
        "row": summarize(report, rel),
        "pages": report.document.pages,
        "seconds": seconds,
        "versions": dict(report.versions),
        "redline": None,
        "redline_error": None,
    }
    if task.get("redline"):
        result["redline"], result["redline_error"] = _redline(task, report, path, data)
    return result


def _redline(task: dict, report, path: Optional[Path], data: Optional[bytes]) -> tuple[Optional[bytes], Optional[str]]:
    """Redlined DOCX bytes, or the one-line reason they could not be made."""
    rel = task["rel"]
    try:
        from analyzer.redline.writer import redline_bytes

        docx, _count = redline_bytes(path if path is not None else (data or b""), report)
        return docx, None
    except Exception as exc:
        return None, f"{escape_name(rel)}: redline not written ({one_line(exc)[:300] or type(exc).__name__})"
