"""Ablation check of the gap analysis on real licences (CUAD).

For every contract, and every *required* rule of the licence playbook whose clause
is present, the clause's evidence is deleted and the modified contract is
analyzed again; the rule should then be reported missing.

- Evidence of a CUAD category is its annotated spans (annotations.jsonl), the headed
  section each span makes up most of, and every section whose heading names the category.
- Evidence of a category CUAD lacks is every section whose heading names it
  (the same heading patterns the detector uses: see the caveat below).

Reported per rule and in total:

- **recall**: share of (contract, rule) pairs reported missing after deletion (target >= 0.95);
- **false-missing rate**: share of present (contract, rule) pairs reported missing on the
  unmodified contract (target <= 0.05);
- **missed, same kind survives**: undetected deletions where the analyzer's remaining evidence
  is a sentence of that kind (``SAME_KIND``) that no annotation or heading marked, so the
  clause is still in the contract. They stay in the recall; the last column leaves them out.

Caveat: for categories CUAD lacks, "present" is decided from headings, which is one
of the detector's own signals, so their false-missing rate is optimistic; the CUAD
rows are the independent measurement.

    python benchmarks/ablation.py                      # test split, License_Agreements
    python benchmarks/ablation.py --types all --limit 20
    python benchmarks/ablation.py --no-classifier      # headings and phrases only
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyzer.core.schema import AgreementType  # noqa: E402
from analyzer.core.taxonomy import CUAD_CATEGORIES, CUAD_NAMES, category_id  # noqa: E402
from analyzer.pipeline import analyze  # noqa: E402
from analyzer.review.findings import compare  # noqa: E402
from analyzer.review.playbook import resolve_playbook  # noqa: E402
from analyzer.review.presence import SIGNALS, PresenceIndex  # noqa: E402

NAME_TO_ID = {n: category_id(n) for n in CUAD_NAMES}


class NoLabels:
    """A classifier that labels nothing: measures headings and phrases alone."""

    version = "none"

    def predict(self, text, clauses, sentences, all_candidates=False, entities=None):
        from analyzer.classify.classifier import Prediction

        return Prediction(labels=[], agreement_type=AgreementType(label="license", confidence=1.0))


def load_contracts(cuad: Path, split: str, types: str) -> list[dict]:
    ann = {}
    with open(cuad / "annotations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            ann[row["filename"]] = row.get("labels", {})
    split_file = ROOT / "models" / "split.json"
    keep = None
    if split != "all" and split_file.is_file():
        keep = set(json.loads(split_file.read_text(encoding="utf-8"))[split])
    out = []
    with open(cuad / "contracts.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            stem = row["filename"].rsplit(".", 1)[0]
            if types != "all" and row["type"] != types:
                continue
            if keep is not None and stem not in keep and row["filename"] not in keep:
                continue
            row["labels"] = ann.get(row["filename"], {})
            out.append(row)
    return sorted(out, key=lambda r: r["filename"])


def cuad_spans(labels: dict, categories: set[str]) -> list[tuple[int, int]]:
    spans = []
    for name, items in labels.items():
        if NAME_TO_ID.get(name) in categories:
            spans += [(it["start"], it["end"]) for it in items if it.get("start") is not None and it["end"] > it["start"]]
    return spans


def heading_spans(index: PresenceIndex, categories: set[str]) -> list[tuple[int, int]]:
    """Sections headed with a category CUAD lacks."""
    spans = []
    for cat in sorted(categories):
        if cat not in CUAD_CATEGORIES:
            spans += index.sections_for(cat)
    return spans


def holding_sections(index: PresenceIndex, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The innermost headed section around each span, where the span is most of that section's body."""
    out = []
    for a, b in spans:
        around = [sec for sec in index.sections if sec.start <= a and b <= sec.end]
        if around:
            sec = min(around, key=lambda x: x.end - x.start)
            if 2 * (b - a) >= sec.end - sec.body_start:
                out.append((sec.start, sec.end))
    return out


def deletion_spans(contract: dict, index: PresenceIndex, categories: set[str], offsets_ok: bool):
    """What a deletion of the clause removes, and on what basis the clause counts as present.

    - a CUAD category: its annotated spans, the headed section each span makes up most of,
      and every section whose heading names the category;
    - a category CUAD lacks: every section whose heading names it.
    """
    spans, basis = [], set()
    if offsets_ok:
        cs = cuad_spans(contract["labels"], categories)
        if cs:
            basis.add("cuad")
            spans += cs + holding_sections(index, cs)
            spans += [sp for cat in sorted(categories & set(CUAD_CATEGORIES)) for sp in index.sections_for(cat)]
    hs = heading_spans(index, categories)
    if hs:
        basis.add("heading")
        spans += hs
    return spans, basis


# a sentence a reader would call a clause of the kind: the test that the clause survives elsewhere
SAME_KIND: dict[str, str] = {
    "license_grant": r"\bgrant\w*\b(?:[^.]|\.\d){0,200}\blicen[cs]e|\blicen[cs]e\b[^.]{0,120}\bgranted\b",
    "sublicensing": r"\bsub-?licen[cs]",
    "improvements": r"\bimprovements?\b",
    "ip_ownership_assignment": r"\b(?:own|owns|owned|ownership|title)\b[^.]{0,120}\b(?:intellectual property|patents?|inventions?|improvements?|rights?|data|materials|works?)\b|\bhereby assigns?\b",
    "joint_ip_ownership": r"\bjoint(?:ly)?\b[^.]{0,40}\bown",
    "patent_prosecution_maintenance": r"\bprosecut|\bpatent applications?\b|\bmaint\w*[^.]{0,40}\bpatents?\b",
    "ip_enforcement": r"\binfring\w*[^.]{0,200}\b(?:action|suit|proceeding|enforce)|\b(?:action|suit|proceeding|enforce)\w*[^.]{0,200}\binfring",
    "term": r"\bterm\b[^.]{0,120}\b(?:years?|months?|commenc\w*|expir\w*|perpetu\w*|until|renew\w*)|\b(?:expire|renew)s?\b",
    "expiration_date": r"\bexpir\w*|\buntil\b",
    "renewal_term": r"\brenew",
    "post_termination_services": r"\b(?:upon|after|following|on|in the event of)\s+(?:the\s+|any\s+|such\s+|a\s+)?(?:\w+\s+){0,2}(?:termination|expiration|expiry)\b"
                                 r"|\b(?:if|when)\s+\w+\s+terminates\b|\bsurviv\w*[^.]{0,120}\b(?:termination|expiration)|\b(?:termination|expiration)\b[^.]{0,120}\bsurviv",
    "warranty": r"\bwarrant",
    "warranty_duration": r"\bwarrant",
    "confidentiality": r"\bconfidential\b[^.]{0,200}\b(?:disclos|use|keep|hold|treat|protect)|\b(?:disclos|keep|hold)\w*[^.]{0,120}\bconfiden",
    "termination_for_cause": r"\bterminat\w*[^.]{0,250}\b(?:breach|default|insolv\w*|bankrupt\w*|fail\w*)|\b(?:breach|default|insolv\w*|bankrupt\w*|fail\w*)[^.]{0,250}\bterminat",
    "limitation_of_liability": r"\bliab\w*(?! insurance)[^.]{0,150}\b(?:exceed|limited to|consequential|indirect)|\bin no event\b[^.]{0,150}\bliab\w*\b(?! insurance)",
    "cap_on_liability": r"\bliab\w*(?! insurance)[^.]{0,150}\b(?:exceed|limited to|maximum|aggregate)\b",
    "uncapped_liability": r"\bliab",
    "indemnification": r"\bindemn|\bhold\b[^.]{0,60}\bharmless|\bdefend\b",
    "governing_law": r"\blaws? of\b",
    "dispute_resolution": r"\barbitra|\bmediat|\bjurisdiction\b|\bvenue\b|\bcourts?\b",
    "export_control": r"\bexport",
    "anti_assignment": r"\bassign|\btransfer",
}


def _sentence_from(text: str, start: int, end: int) -> str:
    """The evidence and the rest of its sentence (a label can stop mid-sentence)."""
    stop = re.compile(r"[.;](?:\s|$)").search(text, end - 1 if end > start else end, end + 400)
    return text[start: stop.end() if stop else end]


def survives(report, categories: set[str], signals=SIGNALS) -> bool:
    """After deletion the analyzer still finds the clause in a sentence of that kind (outside what was deleted)."""
    index = PresenceIndex(report, signals)
    for cat in categories:
        pat = SAME_KIND.get(cat)
        if pat and any(re.search(pat, _sentence_from(report.text, u.start, u.end), re.I) for u in index.evidence(cat)):
            return True
    return False


def delete_spans(text: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.append(text[pos:s])
        out.append(" ")
        pos = e
    out.append(text[pos:])
    return "".join(out)


def missing_rules(report) -> set[str]:
    return {f.rule_id for f in report.findings if f.kind == "missing"}


def review(source, pb, perspective: str, classifier, signals, **kw):
    """``analyze()`` up to classification, then the playbook comparison with only ``signals``."""
    report = analyze(source, playbook=pb, perspective=perspective, classifier=classifier, compare_playbook=False, **kw)
    report.findings = compare(report, pb, perspective, signals=signals)
    return report


def run(args) -> int:
    cuad = Path(args.cuad)
    signals = {x.strip() for x in args.signals.split(",") if x.strip()}
    if not signals or signals - SIGNALS:
        print(f"--signals: give some of {', '.join(sorted(SIGNALS))} (got {args.signals!r})", file=sys.stderr)
        return 2
    contracts = load_contracts(cuad, args.split, args.types)[: args.limit or None]
    classifier, clf_note = None, "transformer classifier"
    if args.no_classifier:
        classifier, clf_note = NoLabels(), "no classifier (headings and phrases only)"
    else:
        try:
            from analyzer.classify.classifier import get_classifier

            classifier = get_classifier()
            clf_note = f"classifier {classifier.version}"
        except Exception as exc:  # artifact not built yet
            classifier, clf_note = NoLabels(), f"no classifier ({type(exc).__name__}: {exc}); headings and phrases only"
    pb = resolve_playbook(args.playbook)
    rules = [r for r in pb.rules_for(args.perspective) if r.requirement == "required"]
    print(f"{len(contracts)} contract(s), playbook {pb.id}@{pb.version} ({args.perspective}), {len(rules)} required rules; {clf_note}",
          file=sys.stderr)

    stats = defaultdict(lambda: {"present": 0, "false_missing": 0, "ablated": 0, "detected": 0, "survived": 0,
                                  "basis": set()})
    residual: dict[str, int] = defaultdict(int)  # what still showed the clause after deletion
    t0 = time.time()
    for i, c in enumerate(contracts, 1):
        path = cuad / c["txt"]
        orig = review(path, pb, args.perspective, classifier, signals)
        raw = path.read_text(encoding="utf-8", errors="replace")
        offsets_ok = orig.text == raw
        miss0 = missing_rules(orig)
        index = PresenceIndex(orig)
        for rule in rules:
            cats = {rule.category, *rule.also_categories}
            spans, basis = deletion_spans(c, index, cats, offsets_ok)
            if not spans:
                continue
            st = stats[rule.id]
            st["present"] += 1
            st["basis"] |= basis
            st["false_missing"] += rule.id in miss0
            if args.verbose and rule.id in miss0:
                print(f"  false missing: {rule.id} in {c['filename'][:60]}: "
                      + " | ".join(" ".join(orig.text[a:b].split())[:100] for a, b in sorted(spans)[:3]), file=sys.stderr)
            modified = delete_spans(orig.text, spans)
            rep = review(modified.encode("utf-8"), pb, args.perspective, classifier, signals,
                         filename=Path(c["txt"]).name)
            st["ablated"] += 1
            hit = rule.id in missing_rules(rep)
            st["detected"] += hit
            if not hit:
                still = PresenceIndex(rep, signals).evidence_any(sorted(cats))
                residual[still[0].source if still else "none"] += 1
                same_kind = survives(rep, cats, signals)
                st["survived"] += same_kind
            if args.verbose and not hit:
                print(f"  not detected{' (same kind survives)' if same_kind else ''}: {rule.id} in {c['filename'][:60]}: "
                      + " | ".join(f"{u.source}: " + " ".join(rep.text[u.start:u.end].split())[:100] for u in still[:3]),
                      file=sys.stderr)
        print(f"[{i}/{len(contracts)}] {c['filename'][:70]} ({time.time() - t0:.0f}s)", file=sys.stderr)

    table = render(stats, rules, clf_note, len(contracts), args)
    if residual:
        table += "\n\nNot detected after deletion, by what still showed the clause: " + ", ".join(
            f"{k} {v}" for k, v in sorted(residual.items()))
    print(table)
    if args.output:
        Path(args.output).write_text(table + "\n", encoding="utf-8")
    return 0


def render(stats, rules, clf_note, n, args) -> str:
    lines = [f"Ablation on {n} CUAD contract(s) (split: {args.split}, types: {args.types}); {clf_note}; "
             f"signals: {args.signals}", "",
             "| rule | category | basis | present | false-missing | recall after deletion | missed, same kind survives |",
             "|---|---|---|---:|---:|---:|---:|"]
    tot = defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in rules:
        st = stats.get(r.id)
        if not st:
            lines.append(f"| {r.id} | {r.category} | – | 0 | – | – |")
            continue
        basis = "+".join(sorted(st["basis"]))
        lines.append(f"| {r.id} | {r.category} | {basis} | {st['present']} | "
                     f"{st['false_missing']}/{st['present']} = {st['false_missing'] / st['present']:.2f} | "
                     f"{st['detected']}/{st['ablated']} = {st['detected'] / max(1, st['ablated']):.2f} | {st['survived']} |")
        for key in ("all", "cuad" if "cuad" in st["basis"] else "heading"):
            t = tot[key]
            t[0] += st["present"]
            t[1] += st["false_missing"]
            t[2] += st["ablated"]
            t[3] += st["detected"]
            t[4] += st["survived"]
    lines.append("")
    lines.append("| rules | present pairs | false-missing rate (target <= 0.05) | recall (target >= 0.95) "
                 "| missed, same kind survives | recall without those pairs |")
    lines.append("|---|---:|---:|---:|---:|---:|")
    for key, label in (("all", "all required rules"), ("cuad", "rules with CUAD evidence"), ("heading", "heading-only rules")):
        p, fm, ab, de, sv = tot[key]
        if p:
            lines.append(f"| {label} | {p} | {fm / p:.3f} | {de / max(1, ab):.3f} | {sv} | {de / max(1, ab - sv):.3f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuad", default=str(ROOT.parent / "shared" / "cuad"), help="CUAD folder (contracts.jsonl, annotations.jsonl, txt/)")
    ap.add_argument("--split", default="test", help="split of models/split.json to use, or 'all' (default test)")
    ap.add_argument("--types", default="License_Agreements", help="CUAD agreement type, or 'all' (default License_Agreements)")
    ap.add_argument("--limit", type=int, help="only the first N contracts")
    ap.add_argument("--playbook", default="tech-license")
    ap.add_argument("--perspective", default="licensee")
    ap.add_argument("--no-classifier", action="store_true", help="measure headings and phrases alone")
    ap.add_argument("--signals", default="label,heading,phrase",
                    help="presence signals to use (default label,heading,phrase)")
    ap.add_argument("--output", "-o", help="also write the Markdown table here")
    ap.add_argument("--verbose", "-v", action="store_true", help="list the pairs not detected")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
