"""The ``clause-analyzer`` command. It parses arguments, calls the library and renders.

Exit codes: 0 success; 1 the document (or a file in a batch) could not be analyzed,
or an internal error; 2 usage errors, a bad ``ANALYZER_*`` setting included.

Every failure is one line on stderr. An internal error (a bug) says so and
names the file; ``--debug`` also prints its traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from analyzer.core.errors import AnalyzerError, ConfigError, escape_name, one_line

PERSPECTIVES = ["licensor", "licensee", "partner", "neutral"]


def _timeout_arg(text: str) -> float:
    """``--timeout``: seconds, finite, > 0 (bounded by ``analyzer.batch.folder_review.MAX_TIMEOUT``)."""
    from analyzer.batch.folder_review import check_timeout

    try:
        return check_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _workers_arg(text: str) -> int:
    """``--workers``: a whole number from 0 to ``analyzer.batch.folder_review.MAX_WORKERS``."""
    from analyzer.batch.folder_review import check_workers

    try:
        return check_workers(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int_arg(text: str) -> int:
    """A whole number >= 1 (``--limit``)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {text!r}")
    return n


def _add_overlay_arg(p: argparse.ArgumentParser, prefix: str = "") -> None:
    p.add_argument("--overlay", action="append", dest="overlays", default=[], metavar="ID|PATH",
                   help=f"{prefix}apply a jurisdiction overlay (cn-outbound, cn-inbound, eu, us, or a YAML path); repeatable")


def _add_playbook_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--playbook", metavar="ID|PATH", help="playbook id (see clause_library/) or a YAML path; default: chosen from the agreement type")
    p.add_argument("--perspective", choices=PERSPECTIVES, help="whose side to review from; default: the playbook's")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clause-analyzer", description="Find, classify and review clauses in licensing and JV agreements, offline.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and stage failures to stderr")
    parser.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("analyze", help="analyze one DOCX/PDF/TXT file and write the report")
    p.add_argument("file", type=Path, metavar="FILE")
    _add_playbook_args(p)
    p.add_argument("--format", choices=["json", "md", "html"], default="json", help="report format (default json)")
    p.add_argument("--output", "-o", type=Path, help="write here instead of stdout")
    p.add_argument("--all-candidates", action="store_true", help="also list labels below the operating threshold (units down to probability 0.01)")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the memo (md, html): en or zh (default en)")
    _add_overlay_arg(p)
    p.add_argument("--progress", action="store_true",
                   help="show each stage (parse, segment, extract, classify, compare) and its time on stderr "
                        "(the default when stderr is a terminal)")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("redline", help="write a DOCX with the suggestions as tracked changes and comments")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--output", "-o", type=Path, required=True, metavar="OUT.docx")
    _add_playbook_args(p)
    _add_overlay_arg(p)
    p.set_defaults(func=cmd_redline)

    p = sub.add_parser("compare", help="compare two drafts (or one DOCX with tracked changes) and judge each change for the client")
    p.add_argument("old", type=Path, metavar="OLD", help="the earlier draft, or one DOCX whose tracked changes make the new draft")
    p.add_argument("new", type=Path, metavar="NEW", nargs="?", help="the later draft (DOCX, PDF or TXT)")
    _add_playbook_args(p)
    p.add_argument("--format", choices=["json", "md", "html", "docx"], default="json", help="report format (default json; docx needs --output)")
    p.add_argument("--output", "-o", type=Path, help="write here instead of stdout")
    p.add_argument("--respond", type=Path, metavar="OUT.docx", help="also write the reply: NEW with its worse changes reversed as tracked changes, each with a comment")
    p.add_argument("--fallback", action="store_true", help="--respond: propose the playbook's language where a finding offers some, instead of the old wording")
    p.set_defaults(func=cmd_compare, usage_error=p.error)

    p = sub.add_parser("review", help="review every DOCX/PDF/TXT file in a folder (batch)")
    p.add_argument("dir", type=Path, metavar="DIR")
    p.add_argument("--output", "-o", type=Path, required=True, metavar="OUTDIR")
    p.add_argument("--workers", type=_workers_arg, default=1, help="local worker processes (default 1; 0 analyzes in this process, without isolation or timeout)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="Dask distributed scheduler address (pip install .[distributed])")
    p.add_argument("--timeout", type=_timeout_arg, default=300.0, help="per-file timeout in seconds (default 300)")
    p.add_argument("--redline", action="store_true", help="also write a redlined DOCX per file")
    _add_playbook_args(p)
    _add_overlay_arg(p)
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("eval", help="evaluate the classifier on a CUAD-format folder (held-out split), or the findings on expert gold")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--cuad", type=Path, metavar="DIR", help="folder with contracts.jsonl, annotations.jsonl and txt/")
    mode.add_argument("--findings", type=Path, metavar="GOLD_DIR", help="folder of expert gold annotations (<id>.json): analyze each contract and score the findings")
    p.add_argument("--split", help="--cuad: which split of models/split.json to score (default test)")
    p.add_argument("--no-baseline", action="store_true", help="--cuad: skip the TF-IDF + logistic-regression baseline")
    p.add_argument("--previous", type=Path, metavar="DIR", help="--cuad: also score this (previous) classifier artifact, side by side")
    p.add_argument("--limit", type=_positive_int_arg, help="--cuad: score only the first N contracts of the split")
    p.add_argument("--input", dest="cuad_input", choices=["txt", "pdf"], help="--cuad: read each contract's TXT (default) or, beside it, its PDF through analyze() (measures the TXT/PDF skew)")
    p.add_argument("--output", "-o", type=Path, help="--cuad: also write the Markdown table here; --findings: write the <id>.json reports here (default: a temporary folder)")
    p.add_argument("--format", dest="source_format", choices=["pdf", "txt"], help="--findings: analyze each contract's source_pdf or source_txt (default pdf)")
    p.add_argument("--scorer", type=Path, metavar="PATH", help="--findings: the scorer script (default: score_findings.py beside GOLD_DIR)")
    p.add_argument("--verbose", dest="scorer_verbose", action="store_true", help="--findings: also print the scorer's per-contract lines")
    _add_overlay_arg(p, "--findings: ")
    p.set_defaults(func=cmd_eval, usage_error=p.error)

    from analyzer.training.run import add_arguments as _add_train_args

    p = sub.add_parser("train", help="train the classifier artifact from CUAD (stage 1 TF-IDF, stage 2 MiniLM head)")
    _add_train_args(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("playbook", help="playbook tools")
    psub = p.add_subparsers(dest="playbook_command", metavar="ACTION")
    psub.required = True
    v = psub.add_parser("validate", help="validate a playbook YAML; errors as [location] message")
    v.add_argument("path", type=Path, metavar="PATH")
    v.set_defaults(func=cmd_playbook_validate)

    p = sub.add_parser("schema", help="print the JSON schema of the report")
    p.set_defaults(func=cmd_schema)
    return parser


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


def cmd_analyze(args) -> int:
    from analyzer.output.localized import render_lang
    from analyzer.pipeline import analyze

    progress = StageProgress(args.file) if args.progress or sys.stderr.isatty() else None
    report = analyze(args.file, playbook=args.playbook, perspective=args.perspective, all_candidates=args.all_candidates,
                     overlays=args.overlays, progress=progress)
    if progress is not None:
        progress.done(report)
    _warn_issues(args.file, report)
    _write(render_lang(report, args.format, args.lang), args.output)
    return 0


class StageProgress:
    """``analyze``'s progress callback for the terminal: one stderr line per stage as it starts,
    then one with the time each stage took."""

    def __init__(self, path: Path):
        import time

        self.clock, self.name = time.perf_counter, escape_name(path)
        self.t0 = self.clock()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, stage: str) -> None:
        self.marks.append((stage, self.clock()))
        print(f"{self.name}: {stage}…", file=sys.stderr, flush=True)

    def done(self, report) -> None:
        end = self.clock()
        spans = [(name, nxt - t) for (name, t), (_, nxt) in zip(self.marks, self.marks[1:] + [("", end)])]
        pages = f", {report.document.pages} page(s)" if report.document.pages else ""
        print(f"{self.name}: done in {end - self.t0:.1f} s{pages} (" + ", ".join(f"{n} {s:.2f} s" for n, s in spans)
              + f"); {len(report.findings)} finding(s)", file=sys.stderr, flush=True)


def _warn_issues(path: Path, report) -> None:
    for issue in report.issues:
        page = f" (page {issue.page})" if issue.page else ""
        print(f"warning: {escape_name(path)}: {issue.stage}{page}: {one_line(issue.message)}", file=sys.stderr)


def cmd_redline(args) -> int:
    from analyzer.pipeline import analyze
    from analyzer.redline.writer import write_redline_result

    report = analyze(args.file, playbook=args.playbook, perspective=args.perspective, overlays=args.overlays)
    _warn_issues(args.file, report)
    result = write_redline_result(args.file, report, args.output)
    suggested = sum(1 for f in report.findings if f.suggestion is not None)
    print(f"{escape_name(args.output)}: {result.applied} tracked change(s) from {len(report.findings)} finding(s) "
          f"({suggested} with a suggestion, {result.suggestions} applied; {result.comments} comment(s) "
          f"on findings without suggested language"
          + (f", {result.joined} more named in the comment of an edit to their text" if result.joined else "")
          + ")", file=sys.stderr)
    category = {f.id: f.category for f in report.findings}
    for ids in result.merged:
        cats = ", ".join(sorted({category.get(i, "?") for i in ids}))
        print(f"  merged: {', '.join(ids)} ({cats}): the same edit, made once with one comment for all",
              file=sys.stderr)
    for miss in result.not_applied:
        print(f"  not applied: {one_line(str(miss))}", file=sys.stderr)
    return 0


def cmd_compare(args) -> int:
    from analyzer.compare import compare_drafts
    from analyzer.compare.respond import write_respond

    if args.format == "docx" and args.output is None:
        args.usage_error("--format docx needs --output")
    if args.fallback and args.respond is None:
        args.usage_error("--fallback applies to --respond only")
    cmp = compare_drafts(args.old, args.new, playbook=args.playbook, perspective=args.perspective)
    _warn_issues(args.old, cmp.old)
    if args.new is not None:
        _warn_issues(args.new, cmp.new)
    if args.format == "docx":
        from analyzer.core.files import write_bytes
        from analyzer.output.compare_docx import compare_docx

        write_bytes(args.output, compare_docx(cmp.report))
    else:
        from analyzer.output.compare_render import render_compare

        _write(render_compare(cmp.report, args.format), args.output)
    s = cmp.report.summary
    print(f"{len(cmp.report.changes)} change(s): {s.worse} worse, {s.better} better, {s.neutral} neutral", file=sys.stderr)
    if args.respond is not None:
        n = write_respond(cmp, args.respond, fallback=args.fallback)
        print(f"{escape_name(args.respond)}: {n} worse change(s) reversed as tracked changes", file=sys.stderr)
    return 0


def cmd_review(args) -> int:
    from analyzer.batch.folder_review import review

    summary = review(args.dir, args.output, workers=args.workers, scheduler=args.scheduler,
                     playbook=args.playbook, perspective=args.perspective, timeout=args.timeout,
                     redline=args.redline, overlays=args.overlays)
    return 1 if summary.failed else 0


def cmd_eval(args) -> int:
    if args.findings is not None:
        return _eval_findings(args)
    if args.source_format or args.scorer or args.scorer_verbose or args.overlays:
        args.usage_error("--format, --scorer, --verbose and --overlay apply to --findings only")

    if args.cuad_input == "pdf":
        if args.previous:
            args.usage_error("--previous applies to --input txt only")
        from analyzer.evaluation.cuad_input import run_input_eval

        table = run_input_eval(args.cuad, split=args.split or "test", limit=args.limit,
                               progress=lambda msg: print(msg, file=sys.stderr))
    else:
        from analyzer.evaluation.cuad_eval import run_eval

        table = run_eval(args.cuad, split=args.split or "test", baseline=not args.no_baseline, limit=args.limit,
                         previous=args.previous)
    _write(table, None)
    if args.output:
        _write(table, args.output)
    return 0


def _eval_findings(args) -> int:
    from analyzer.evaluation.findings_eval import run_findings_eval

    if args.split or args.no_baseline or args.limit or args.previous or args.cuad_input:
        args.usage_error("--split, --no-baseline, --limit, --previous and --input apply to --cuad only")

    def on_report(contract, report, seconds):
        label = report.agreement_type.label if report.agreement_type else "?"
        print(f"{contract.id}: {escape_name(contract.source.name)}: {label}, {len(report.findings)} finding(s), "
              f"{report.status.value} ({seconds:.1f} s)", file=sys.stderr)
        _warn_issues(contract.source, report)

    result = run_findings_eval(args.findings, args.output, source_format=args.source_format or "pdf",
                               scorer=args.scorer, verbose=args.scorer_verbose, on_report=on_report,
                               overlays=args.overlays)
    _write(result.scorer_output, None)
    return 0


def cmd_train(args) -> int:
    from analyzer.training import train

    logging.getLogger("analyzer.training").setLevel(logging.INFO)
    train(args.cuad, stage=args.stage, output=args.output, threads=args.threads, options=vars(args))
    return 0


def cmd_playbook_validate(args) -> int:
    from analyzer.review.overlays import is_overlay_file, load_overlay
    from analyzer.review.playbook import load_playbook

    if is_overlay_file(args.path):
        ov = load_overlay(args.path)
        ops = [e.op for e in ov.entries]
        print(f"{escape_name(args.path)}: valid overlay {one_line(ov.id)} v{one_line(ov.version)} "
              f"({ops.count('add')} added, {ops.count('replace')} replacing, {ops.count('tighten')} tightening rule(s); "
              f"{len(ov.all_sources)} sources)")
        return 0
    pb = load_playbook(args.path)
    print(f"{escape_name(args.path)}: valid playbook {one_line(pb.id)} v{one_line(pb.version)} ({len(pb.rules)} rules)")
    return 0


def cmd_schema(args) -> int:
    import json

    from analyzer.core.schema import Report

    _write(json.dumps(Report.model_json_schema(), indent=2), None)
    return 0


def _subject(args) -> str:
    """The file or folder a command works on, for an error line ("" when it has none)."""
    for name in ("file", "path", "dir", "cuad", "findings", "old"):
        value = getattr(args, name, None)
        if value is not None:
            return f"{escape_name(value)}: "
    return ""


def main(argv=None) -> int:
    from analyzer.core import settings

    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings.check()
        return args.func(args)
    except ConfigError as exc:
        print(f"error: {escape_name(exc)}", file=sys.stderr)
        return 2
    except AnalyzerError as exc:
        if getattr(exc, "errors", None) and args.command == "playbook":
            for line in exc.errors:
                print(f"{escape_name(exc.source)}: {one_line(line)}", file=sys.stderr)
        else:
            print(f"error: {escape_name(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {escape_name(getattr(exc, 'filename', '') or '')}: {one_line(exc.strerror or exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one line for the user, the traceback with --debug
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        detail = one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)[:300]
        hint = "" if args.debug else "; run with --debug for the traceback"
        print(f"error: {_subject(args)}internal error ({detail}){hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
