"""The overlay snippet runs: which snippet is reviewed with which overlay, playbook and perspective,
and the digest of the findings an overlay adds to, tightens or replaces (its golden report)."""

from __future__ import annotations

from pathlib import Path

from analyzer.core.schema import Report
from analyzer.review.overlays import resolve_overlays, touched_rule_ids

SNIPPETS = Path(__file__).resolve().parent / "data" / "overlays" / "sources"
GROUND = SNIPPETS.parent / "groundtruth"

# (snippet, overlay, playbook, perspective)
RUNS = [
    ("export_sanctions", "cn-outbound", "tech-license", "licensor"),
    ("export_sanctions_inbound", "cn-inbound", "tech-license", "licensee"),
    ("royalty_withholding", "eu", "tech-license", "licensor"),
    ("export_sanctions", "us", "tech-license", "licensor"),
    ("improvements_challenge", "cn-outbound", "tech-license", "licensor"),
    ("improvements_challenge_inbound", "cn-inbound", "tech-license", "licensee"),
    ("improvements_challenge_inbound", "cn-inbound", "tech-license", "licensor"),
    ("improvements_challenge", "eu", "tech-license", "licensor"),
    ("improvements_challenge", "us", "tech-license", "licensor"),
    ("improvements_challenge", "us", "tech-license", "licensee"),
    ("royalty_withholding", "cn-outbound", "tech-license", "licensor"),
    ("sep_licence", "cn-inbound", "tech-license", "licensee"),
    ("service_inventions", "cn-outbound", "tech-license", "licensor"),
    ("data_transfer", "eu", "tech-license", "licensee"),
    ("data_transfer", "cn-inbound", "tech-license", "licensee"),
    ("sino_foreign_jv", "cn-inbound", "joint-venture", "partner"),
    ("silent_terms", "cn-inbound", "tech-license", "licensee"),
    ("silent_terms", "eu", "tech-license", "licensee"),
]


def run_id(run: tuple) -> str:
    snippet, overlay, _playbook, perspective = run
    return f"{snippet}.{overlay}.{perspective}"


def _overlay_part(rationale: str, overlay_ids: set[str]) -> str:
    """The rationale an overlay added to a tightened rule, else the whole (added or replaced) rationale."""
    for oid in overlay_ids:
        marker = f"Overlay {oid}: "
        if marker in rationale:
            return rationale.split(marker, 1)[1]
    return rationale


def overlay_findings(report: Report, overlays: list[str]) -> list:
    """The findings an overlay makes: those of the rules it adds or replaces, those of the checks it adds
    to a rule, and a missing clause whose language it replaces."""
    chosen = resolve_overlays(overlays)
    whole = {e.item.id for ov in chosen for e in ov.entries if e.op != "tighten"}
    messages: dict[str, list[str]] = {}
    for ov in chosen:
        for e in ov.entries:
            if e.op == "tighten":
                messages.setdefault(e.item.id, []).extend(c.message for c in e.item.checks)
    language = {e.item.id for ov in chosen for e in ov.entries if e.op == "tighten" and e.item.preferred}
    out = []
    for f in report.findings:
        if (f.rule_id in whole or any(m in f.message for m in messages.get(f.rule_id, []))
                or (f.kind == "missing" and f.rule_id in language and "\n\nOverlay " in (f.rationale or ""))):
            out.append(f)
    return out


def digest(report: Report, overlays: list[str]) -> str:
    """The findings an overlay makes (``overlay_findings``): finding, rationale and suggestion."""
    chosen = resolve_overlays(overlays)
    touched = touched_rule_ids(chosen)
    ids = {o.id for o in chosen}
    lines = [
        f"playbook: {report.playbook} / {report.perspective}",
        f"versions.overlays: {report.versions.get('overlays')}",
        "suggested_overlays: " + "; ".join(f"{s.id} ({', '.join(s.reasons)})" for s in report.suggested_overlays),
        "skipped_rules: " + ", ".join(r for r in report.skipped_rules if r in touched),
        "findings:",
    ]
    for f in overlay_findings(report, overlays):
        lines.append(f"  - [{f.severity}] {f.kind} {f.category} ({f.rule_id})")
        lines.append(f"    message: {f.message}")
        lines.append(f"    rationale: {' '.join(_overlay_part(f.rationale or '', ids).split())}")
        s = f.suggestion
        lines.append(f"    suggestion: {s.action}: {' '.join(s.text.split())}" if s else "    suggestion: none")
    return "\n".join(lines) + "\n"
