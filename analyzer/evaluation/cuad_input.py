"""``clause-analyzer eval --cuad DIR --input pdf``: the classifier on CUAD contracts read from their PDFs.

Training and the default evaluation read CUAD's TXT files; users give PDFs, which the PDF
parser turns into a different text (whitespace, quotes, hyphenation, page furniture) and so
into different clauses, sentences and units. Here each contract goes through ``analyze()``
(parse, segment, extract, classify; no playbook comparison) twice with the same classifier:
from its TXT and from its PDF. The two are scored side by side; the difference is the
train/serve skew of the input format.

- Document level: the report's per-document decisions (``Report.presence``) against CUAD's
  per-document gold (a category is present when the contract has an answer for it).
- Span metric (AUPR, precision at 80% recall): the report's labels (all candidates) against
  CUAD's answers. For the PDF, each answer (offsets into the TXT) is carried over to the PDF
  text by a word alignment (``analyzer.evaluation.text_alignment``); an answer that cannot be
  carried over stays in the gold as an answer no prediction can match, so it counts as missed.
  A PDF that fails to parse predicts nothing: its answers are missed, its categories absent.

Each analysis is cached under ``work_dir()/cuad_input/``, keyed by the file's bytes, the
classifier version and the source of the stages it runs.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from analyzer.core.errors import AnalyzerError
from analyzer.core.settings import work_dir
from analyzer.core.taxonomy import CUAD_CATEGORIES, MISSION_CATEGORIES
from analyzer.core.version import __version__
from analyzer.evaluation.cuad_data import Contract, load_contracts, load_split
from analyzer.evaluation.metrics import cuad_scores, jaccard, prf
from analyzer.evaluation.text_alignment import WordAlignment

INPUTS = ("txt", "pdf")
NAMED_DOC_CATEGORIES = ["license_grant", "ip_ownership_assignment", "cap_on_liability", "anti_assignment",
                        "change_of_control", "governing_law", "termination_for_convenience"]
# Stages that ``analyze(..., compare_playbook=False)`` runs: their source is part of the cache key.
_STAGES = ("core", "ooxml", "ingest", "structure", "nlp", "classify", "pipeline.py")
LONG_UNIT = 1000  # characters


@dataclass
class Analyzed:
    """What the evaluation keeps of one ``analyze()`` report."""

    text: str = ""
    labels: list[tuple[str, int, int, float]] = field(default_factory=list)  # category, start, end, confidence
    present: list[str] = field(default_factory=list)  # categories the document-level decision finds
    units: list[tuple[int, int]] = field(default_factory=list)  # the units the classifier scored
    headed_units: int = 0  # units under a heading (a non-empty heading context)
    clauses: int = 0
    sentences: int = 0
    pages: int | None = None
    seconds: float = 0.0
    issues: list[str] = field(default_factory=list)
    error: str | None = None  # why the document could not be analyzed


@dataclass
class MappedGold:
    """CUAD's answers of one contract as text of the PDF rendering."""

    answers: dict[str, list[str]]  # category -> answer texts (an unmatchable marker when not carried over)
    total: int = 0
    mapped: int = 0
    complete: int = 0  # every word of the answer aligned
    methods: dict[str, int] = field(default_factory=dict)  # how they were carried over (see ``MappedSpan``)
    similar: int = 0   # the carried-over text still matches the TXT answer (word Jaccard >= 0.5)


def unmapped_marker(k: int) -> str:
    """An answer text that no prediction matches (one word of a non-character)."""
    return f"\uffff{k}\uffff"


def pdf_paths(cuad_dir: Path) -> dict[str, Path]:
    """Contract name (the TXT stem) -> its PDF, from ``annotations.jsonl``."""
    out = {}
    with open(Path(cuad_dir) / "annotations.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("pdf"):
                out[Path(r["txt"]).stem] = Path(cuad_dir) / r["pdf"]
    return out


def map_gold(contract: Contract, target: str) -> MappedGold:
    """``contract``'s answers carried over from its TXT onto ``target`` (the PDF's text)."""
    align = WordAlignment(contract.text, target)
    out = MappedGold(answers={})
    for cat in CUAD_CATEGORIES:
        texts = []
        for s, e, answer in contract.spans.get(cat, []):
            out.total += 1
            span = align.map_span(s, e)
            if span is None:
                texts.append(unmapped_marker(out.total))
                continue
            mapped = target[span.start:span.end]
            texts.append(mapped)
            out.mapped += 1
            out.complete += span.method == "words" and span.coverage == 1.0
            out.methods[span.method] = out.methods.get(span.method, 0) + 1
            out.similar += jaccard(answer, mapped) >= 0.5
        out.answers[cat] = texts
    return out


def stage_fingerprint(classifier_version: str) -> str:
    """Hash of the classifier version, the package version and the source of the stages analyze() runs."""
    h = hashlib.sha256(f"{classifier_version}|{__version__}".encode())
    root = Path(__file__).resolve().parent.parent  # the analyzer package
    for stage in _STAGES:
        path = root / stage
        for p in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def analyze_file(path: Path, clf) -> Analyzed:
    """``analyze()`` of ``path`` with ``clf``, all candidates kept, without the playbook comparison."""
    from analyzer.classify.units import document_units, make_units
    from analyzer.pipeline import analyze
    from analyzer.structure.headings import HeadingIndex

    t0 = time.perf_counter()
    try:
        report = analyze(path, classifier=clf, compare_playbook=False, all_candidates=True)
    except AnalyzerError as exc:
        return Analyzed(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                        seconds=time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    text = report.text
    spans = [(s.start, s.end) for s in report.sentences]
    units = make_units(text, spans) if spans else document_units(text)  # as Classifier.score makes them
    index = HeadingIndex(text)
    return Analyzed(
        text=text, labels=[(lb.category, lb.start, lb.end, lb.confidence) for lb in report.labels],
        present=[p.category for p in report.presence if p.present], units=units,
        headed_units=sum(bool(index.context(s)) for s, _ in units), clauses=len(report.clauses),
        sentences=len(report.sentences), pages=report.document.pages, seconds=seconds,
        issues=[f"{i.stage}: {i.message}" for i in report.issues])


def analyzed_cached(path: Path, clf, fingerprint: str, use_cache: bool = True) -> tuple[Analyzed, bool]:
    """(``analyze_file(path, clf)``, whether it came from the cache)."""
    from analyzer.core.files import write_text

    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    cache = work_dir() / "cuad_input" / fingerprint / f"{digest}.json"
    if use_cache and cache.is_file():
        data = json.loads(cache.read_text(encoding="utf-8"))
        data["labels"] = [tuple(x) for x in data["labels"]]
        data["units"] = [tuple(x) for x in data["units"]]
        return Analyzed(**data), True
    result = analyze_file(path, clf)
    if use_cache:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_text(cache, json.dumps(asdict(result)))
    return result, False


def _predictions(name: str, a: Analyzed) -> dict:
    preds: dict = {(name, cat): [] for cat in CUAD_CATEGORIES}
    for cat, s, e, conf in a.labels:
        if (name, cat) in preds:
            preds[(name, cat)].append((a.text[s:e], conf))
    return preds


def _doc_f1(decisions: np.ndarray, truth: np.ndarray) -> np.ndarray:
    return np.array([prf(decisions[:, j], truth[:, j])[2] for j in range(truth.shape[1])])


@dataclass
class InputScores:
    span: dict[str, dict[str, float]]
    doc_f1: np.ndarray  # per CUAD category
    decisions: np.ndarray  # contracts x CUAD categories
    analyzed: list[Analyzed]
    cached: int


def _score(contracts: list[Contract], analyzed: list[Analyzed], gts: dict, cached: int) -> InputScores:
    preds: dict = {}
    for c, a in zip(contracts, analyzed):
        preds.update(_predictions(c.name, a))
    sub = {k for k in gts if k[1] == "parties"}
    span = {}
    for label, cats in (("CUAD 41", CUAD_CATEGORIES), ("mission (17)", MISSION_CATEGORIES)):
        keep = set(cats)
        span[label] = cuad_scores({k: v for k, v in gts.items() if k[1] in keep},
                                  {k: v for k, v in preds.items() if k[1] in keep}, sub)
    decisions = np.array([[cat in set(a.present) for cat in CUAD_CATEGORIES] for a in analyzed], dtype=bool)
    truth = np.array([[cat in c.present for cat in CUAD_CATEGORIES] for c in contracts], dtype=bool)
    return InputScores(span, _doc_f1(decisions, truth), decisions, analyzed, cached)


def run_input_eval(cuad_dir: Path, split: str = "test", limit: int | None = None, use_cache: bool = True,
                   progress=None) -> str:
    """Markdown report: the classifier on one split's contracts read from their TXT and from their PDF."""
    from analyzer.classify.classifier import get_classifier

    t0 = time.time()
    say = progress or (lambda _msg: None)
    names = load_split()[split]
    names = names[:limit] if limit else names
    contracts = load_contracts(Path(cuad_dir), names)
    pdfs = pdf_paths(cuad_dir)
    clf = get_classifier()
    fingerprint = stage_fingerprint(clf.version)
    results: dict[str, list[Analyzed]] = {k: [] for k in INPUTS}
    cached = {k: 0 for k in INPUTS}
    wall = {k: 0.0 for k in INPUTS}
    for n, c in enumerate(contracts, 1):
        for kind in INPUTS:
            path = Path(cuad_dir) / "txt" / f"{c.name}.txt" if kind == "txt" else pdfs.get(c.name)
            if path is None or not path.is_file():
                a, hit = Analyzed(error=f"{c.name}: no {kind.upper()} file"), False
            else:
                t1 = time.time()
                a, hit = analyzed_cached(path, clf, fingerprint, use_cache)
                wall[kind] += time.time() - t1
            results[kind].append(a)
            cached[kind] += hit
            if kind == "txt" and a.error is None and a.text != c.text:
                raise AnalyzerError(f"{c.name}.txt: the TXT parser changed the text; CUAD's offsets would not index it")
        say(f"{n}/{len(contracts)} {c.name}")

    gts_txt = {(c.name, cat): [t for _, _, t in c.spans.get(cat, [])] for c in contracts for cat in CUAD_CATEGORIES}
    gts_pdf: dict = {}
    mapping = MappedGold(answers={})
    for c, a in zip(contracts, results["pdf"]):
        m = map_gold(c, a.text) if a.error is None else MappedGold(
            answers={cat: [unmapped_marker(k) for k, _ in enumerate(c.spans.get(cat, []))] for cat in CUAD_CATEGORIES},
            total=sum(len(v) for v in c.spans.values()))
        for cat in CUAD_CATEGORIES:
            gts_pdf[(c.name, cat)] = m.answers[cat]
        mapping.total += m.total
        mapping.mapped += m.mapped
        mapping.complete += m.complete
        mapping.similar += m.similar
        for k, v in m.methods.items():
            mapping.methods[k] = mapping.methods.get(k, 0) + v
    txt = _score(contracts, results["txt"], gts_txt, cached["txt"])
    pdf = _score(contracts, results["pdf"], gts_pdf, cached["pdf"])
    unmapped_gold = _score(contracts, results["pdf"], gts_txt, cached["pdf"])
    return _render(split, clf.version, contracts, txt, pdf, unmapped_gold, mapping, wall, time.time() - t0)


def _unit_stats(items: list[Analyzed]) -> dict[str, float]:
    ok = [a for a in items if a.error is None]
    lengths = np.array([e - s for a in ok for s, e in a.units] or [0])
    n_units = np.array([len(a.units) for a in ok] or [0])
    return {
        "units per document": float(n_units.mean()),
        "mean unit length (chars)": float(lengths.mean()),
        "median unit length (chars)": float(np.median(lengths)),
        f"units over {LONG_UNIT} chars (share)": float((lengths > LONG_UNIT).mean()),
        "units under a heading (share)": float(sum(a.headed_units for a in ok) / max(1, n_units.sum())),
        "clauses per document": float(np.mean([a.clauses for a in ok] or [0])),
        "text chars per document": float(np.mean([len(a.text) for a in ok] or [0])),
        "analyze() s per document": float(np.mean([a.seconds for a in ok] or [0])),
    }


def _render(split, version, contracts, txt: InputScores, pdf: InputScores, raw: InputScores, mapping: MappedGold,
            wall: dict, seconds: float) -> str:
    col = {c: j for j, c in enumerate(CUAD_CATEGORIES)}
    mission = [col[c] for c in MISSION_CATEGORIES]

    def row(label, a, b, fmt="{:.3f}"):
        return f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {b - a:+.3f} |"

    lines = [f"## Clause classifier on CUAD `{split}`, TXT vs PDF input ({len(contracts)} contracts)", "",
             (f"Model `{version}`. Both columns: `analyze()` of the contract's file (parse, segment, extract, "
              "classify with all candidates; no playbook comparison). Document level: `Report.presence` against "
              "CUAD's per-document gold. Span metric: word Jaccard >= 0.5, thresholds 0.99 -> 0, pooled over "
              "(contract, category) pairs; for the PDF, CUAD's answers carried over to the PDF text by a word "
              "alignment, answers that could not be carried over counted as missed."), "",
             "| metric | TXT | PDF | PDF - TXT |", "|---|---|---|---|"]
    for n in ("CUAD 41", "mission (17)"):
        lines.append(row(f"AUPR {n}", txt.span[n]["aupr"], pdf.span[n]["aupr"]))
        lines.append(row(f"P@80%R {n}", txt.span[n]["p_at_80r"], pdf.span[n]["p_at_80r"]))
    lines.append(row("doc-level macro-F1 mission (17)", txt.doc_f1[mission].mean(), pdf.doc_f1[mission].mean()))
    lines.append(row("doc-level macro-F1 CUAD 41", txt.doc_f1.mean(), pdf.doc_f1.mean()))
    for c in NAMED_DOC_CATEGORIES:
        lines.append(row(f"doc-level F1 {c}", txt.doc_f1[col[c]], pdf.doc_f1[col[c]]))
    st, sp = _unit_stats(txt.analyzed), _unit_stats(pdf.analyzed)
    for k in st:
        lines.append(row(k, st[k], sp[k], "{:.3f}" if "share" in k else "{:.1f}"))
    lines += ["", (f"PDF predictions against CUAD's TXT answer text as it is (no carrying over): AUPR CUAD 41 "
                   f"{raw.span['CUAD 41']['aupr']:.3f}, P@80%R {raw.span['CUAD 41']['p_at_80r']:.3f}.")]
    pct = 100 * mapping.mapped / max(1, mapping.total)
    lines += ["", (f"Answers carried over to the PDF text: {mapping.mapped} of {mapping.total} ({pct:.1f}%); "
                   f"{mapping.complete} with every word aligned, "
                   f"{mapping.methods.get('words', 0) - mapping.complete} with at least 80% of the words, "
                   f"{mapping.methods.get('chars', 0)} by their letters and digits, {mapping.methods.get('fuzzy', 0)} "
                   f"fuzzily (partial ratio >= 90); {mapping.similar} whose PDF text still matches "
                   f"the TXT answer (word Jaccard >= 0.5). The other {mapping.total - mapping.mapped} count as "
                   "missed in the PDF column.")]
    failed = [(c.name, a.error) for c, a in zip(contracts, pdf.analyzed) if a.error]
    failed += [(c.name + " (TXT)", a.error) for c, a in zip(contracts, txt.analyzed) if a.error]
    lines += ["", f"Files that could not be analyzed: {len(failed)}."]
    lines += [f"- {name}: {err}" for name, err in failed]
    partial = [(c.name, a.issues) for c, a in zip(contracts, pdf.analyzed) if a.issues]
    if partial:
        lines += ["", f"PDFs analyzed with issues ({len(partial)}):"]
        lines += [f"- {name}: {'; '.join(issues)[:200]}" for name, issues in partial]

    lines += ["", "### Document level, mission categories", "",
              "| category | n | F1 TXT | F1 PDF | decisions that differ |", "|---|---|---|---|---|"]
    for c in MISSION_CATEGORIES:
        j = col[c]
        n = sum(c in k.present for k in contracts)
        differ = int((txt.decisions[:, j] != pdf.decisions[:, j]).sum())
        lines.append(f"| {c} | {n} | {txt.doc_f1[j]:.2f} | {pdf.doc_f1[j]:.2f} | {differ} |")
    differ = (txt.decisions != pdf.decisions).sum(1)
    order = np.argsort(-differ, kind="stable")[:5]
    lines += ["", "Contracts whose decisions differ most between the inputs (CUAD 41 categories):", ""]
    lines += [f"- {contracts[i].name}: {int(differ[i])} ({', '.join(c for j, c in enumerate(CUAD_CATEGORIES) if txt.decisions[i, j] != pdf.decisions[i, j])})"
              for i in order if differ[i]]
    lines += ["", (f"_{seconds:.0f} s (analysis {wall['txt']:.0f} s TXT, {wall['pdf']:.0f} s PDF; from the cache: "
                   f"{txt.cached} TXT, {pdf.cached} PDF)._"), ""]
    return "\n".join(lines)
