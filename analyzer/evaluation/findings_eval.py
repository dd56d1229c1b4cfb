"""``clause-analyzer eval --findings GOLD_DIR``: score the review findings against expert gold.

``GOLD_DIR`` holds one ``<id>.json`` annotation per contract. Each names its
contract by ``source_pdf`` and ``source_txt``, relative to the folder two levels
above the gold files (``shared/`` for ``shared/findings_gold/dev``), and the
``perspective`` to review it from. Every contract is analyzed with that
perspective and its JSON report (the same JSON as ``clause-analyzer analyze``
writes) saved as ``<id>.json`` in a reports folder. The scorer, an external
script (by default ``score_findings.py`` beside ``GOLD_DIR``), is then run on
the gold folder and the reports folder, and its output is returned.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from analyzer.core.errors import AnalyzerError, NotFound, escape_name, one_line
from analyzer.core.files import write_text
from analyzer.core.schema import Report
from analyzer.output.render import to_json
from analyzer.pipeline import analyze

SOURCE_FORMATS = ("pdf", "txt")
SCORER_NAME = "score_findings.py"
SCORER_TIMEOUT = 600.0  # seconds; the scorer only reads JSON files
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class GoldError(AnalyzerError):
    """A gold annotation file cannot be used (unreadable JSON, a field missing or malformed)."""


class ScorerError(AnalyzerError):
    """The scorer exited with an error."""


@dataclass(frozen=True)
class GoldContract:
    """One gold annotation: its id, the contract to analyze and the perspective to review it from."""

    id: str
    gold_path: Path
    source: Path
    perspective: str


@dataclass(frozen=True)
class FindingsEval:
    """The outcome of a run: where the reports went and what the scorer printed."""

    reports_dir: Path
    reports: list[Path]
    scorer_output: str


def _field(gold: dict, name: str, path: Path) -> str:
    value = gold.get(name)
    if not isinstance(value, str) or not value.strip():
        raise GoldError(f"{escape_name(path)}: field {name!r} is missing or not a string")
    return value


def load_gold(gold_dir: Path, source_format: str = "pdf") -> list[GoldContract]:
    """The gold contracts of ``gold_dir`` in file-name order (the scorer's order).

    Raises ``NotFound`` when the folder has no gold file or a contract file is
    missing, and ``GoldError`` for an annotation that cannot be read.
    """
    if source_format not in SOURCE_FORMATS:
        raise ValueError(f"source_format must be one of {SOURCE_FORMATS}, not {source_format!r}")
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise NotFound(gold_dir, "gold folder")
    base = gold_dir.resolve().parent.parent
    contracts: list[GoldContract] = []
    for path in sorted(gold_dir.iterdir(), key=lambda p: p.name):
        if path.suffix != ".json" or not path.is_file():
            continue
        try:
            gold = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise GoldError(f"{escape_name(path)}: not a JSON gold file ({one_line(exc)})") from None
        if not isinstance(gold, dict):
            raise GoldError(f"{escape_name(path)}: not a JSON object")
        gid = _field(gold, "id", path)
        if not _ID.fullmatch(gid):
            raise GoldError(f"{escape_name(path)}: id {gid!r} is not a plain file name")
        rel = _field(gold, f"source_{source_format}", path)
        source = base / rel
        if not source.is_file():
            raise NotFound(source, f"source_{source_format} of {path.name}")
        contracts.append(GoldContract(gid, path, source, _field(gold, "perspective", path)))
    if not contracts:
        raise NotFound(gold_dir, "no gold *.json file in the folder")
    ids = [c.id for c in contracts]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise GoldError(f"{escape_name(gold_dir)}: gold id {dupes[0]!r} appears more than once")
    return contracts


def find_scorer(gold_dir: Path, scorer: Path | None = None) -> Path:
    """The scorer script: ``scorer`` when given, else ``score_findings.py`` beside ``gold_dir``."""
    path = Path(scorer) if scorer is not None else Path(gold_dir).resolve().parent / SCORER_NAME
    if not path.is_file():
        raise NotFound(path, "findings scorer; give --scorer PATH")
    return path


def write_reports(
    contracts: list[GoldContract],
    reports_dir: Path,
    *,
    on_report: Callable[[GoldContract, Report, float], None] | None = None,
    overlays=(),
) -> list[Path]:
    """Analyze each contract with its gold perspective and write ``<id>.json`` into ``reports_dir``.

    The classifier is loaded once (``analyze`` uses the cached default one).
    ``on_report`` is called after each contract with its report and the seconds it took.
    ``overlays`` (ids or paths) are the jurisdiction overlays applied to every contract.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in contracts:
        t0 = time.perf_counter()
        report = analyze(contract.source, perspective=contract.perspective, overlays=overlays)
        out = reports_dir / f"{contract.id}.json"
        write_text(out, to_json(report))
        written.append(out)
        if on_report is not None:
            on_report(contract, report, time.perf_counter() - t0)
    return written


def run_scorer(scorer: Path, gold_dir: Path, reports_dir: Path, *, verbose: bool = False) -> str:
    """Run ``scorer GOLD_DIR REPORTS_DIR [--verbose]`` with this Python and return what it printed.

    Its standard error goes to ours; a non-zero exit raises ``ScorerError`` with its last line.
    """
    cmd = [sys.executable, str(scorer), str(gold_dir), str(reports_dir)]
    if verbose:
        cmd.append("--verbose")
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=SCORER_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise ScorerError(f"{escape_name(scorer)}: scorer did not finish in {SCORER_TIMEOUT:.0f} s") from None
    if proc.stderr:
        sys.stderr.write(proc.stderr)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        last = f" ({one_line(lines[-1])})" if lines else ""
        raise ScorerError(f"{escape_name(scorer)}: scorer exited with status {proc.returncode}{last}")
    return proc.stdout


def run_findings_eval(
    gold_dir: Path,
    reports_dir: Path | None = None,
    *,
    source_format: str = "pdf",
    scorer: Path | None = None,
    verbose: bool = False,
    on_report: Callable[[GoldContract, Report, float], None] | None = None,
    overlays=(),
) -> FindingsEval:
    """Analyze every gold contract, write the reports and score them.

    The gold folder, every contract and the scorer are checked before any
    analysis. Without ``reports_dir`` the reports go to a temporary folder that
    is removed afterwards (``FindingsEval.reports_dir`` then no longer exists).
    """
    gold_dir = Path(gold_dir)
    contracts = load_gold(gold_dir, source_format)
    scorer_path = find_scorer(gold_dir, scorer)
    if reports_dir is not None:
        written = write_reports(contracts, reports_dir, on_report=on_report, overlays=overlays)
        output = run_scorer(scorer_path, gold_dir, reports_dir, verbose=verbose)
        return FindingsEval(Path(reports_dir), written, output)
    with tempfile.TemporaryDirectory(prefix="findings-eval-") as tmp:
        written = write_reports(contracts, Path(tmp), on_report=on_report, overlays=overlays)
        output = run_scorer(scorer_path, gold_dir, Path(tmp), verbose=verbose)
        return FindingsEval(Path(tmp), written, output)
