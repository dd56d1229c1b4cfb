"""Gap analysis: the contract against a playbook, from one side's perspective.

For each rule that applies to the perspective:

- **missing**: no clause of the rule's categories (see ``analyzer.review.presence``) and
  the rule requires or recommends one -> insert the preferred language after the
  related clause (``insert_after``) or after the last clause of the body;
- **risk** (must_not_have): the clause is there and hurts this side -> delete it,
  or replace it with the fallback language when the rule gives one;
- **deviation** / **risk** (checks): the clause is there but an attribute fails a
  check -> replace the sentence that states it (or the clause's first sentence
  when the attribute is absent) with the preferred language.

Findings come out in playbook order with deterministic ids.
"""

from __future__ import annotations

from typing import Iterable, Optional

from analyzer.core.errors import PlaybookError
from analyzer.core.headings import is_run_in_heading
from analyzer.core.schema import Finding, Report, Span, Suggestion, make_id
from analyzer.core.span_index import Covered, SpanIndex
from analyzer.review.attributes import Attributes, document_context, extract_attributes
from analyzer.review.placeholders import fill, placeholder_values
from analyzer.review.playbook import Check, Playbook, Rule
from analyzer.review.presence import SIGNALS, PresenceIndex, Unit

_END_KINDS = ("signature", "schedule")
_SKIP_KINDS = ("preamble", "recitals", "definitions", "definition", "signature", "schedule")
SNIPPET = 140


def evaluate(check: Check, attrs: Attributes) -> bool:
    """True when ``attrs`` passes ``check``. An unstated number passes gte/lte (nothing to measure)."""
    v = getattr(attrs, check.attribute)
    stated = v is not None and v != [] and v is not False
    op, want = check.op, check.value
    if op == "present":
        return stated
    if op == "absent":
        return not stated
    if op == "true":
        return v is True
    if op == "false":
        return v is not True
    if op == "equals":
        return v == want
    if op == "not_equals":
        return v != want
    if op == "in":
        return v in want
    if op == "not_in":
        return v not in want
    if op in ("gte", "lte"):
        if v is None:
            return True
        return v >= want if op == "gte" else v <= want
    if op == "contains":
        return want in (v or [])
    if op == "not_contains":
        return want not in (v or [])
    raise ValueError(op)


def _without_title(text: Optional[str]) -> Optional[str]:
    """Language for a replacement: the run-in title ("Licence grant. ") is for inserted clauses only."""
    stop = text.find(". ") if text else -1
    if stop > 0 and is_run_in_heading(text[:stop], text[stop + 2:]):
        return text[stop + 2:].lstrip(" ")
    return text


def _snippet(text: str, s: int, e: int) -> str:
    t = " ".join(text[s:e].split())
    return t if len(t) <= SNIPPET else t[: SNIPPET - 1].rstrip() + "…"


def insertion_point(report: Report, index: PresenceIndex, after: list[str]) -> Optional[str]:
    """Clause to insert after: the last clause of a related category, else the last body clause
    before the signature block or schedules."""
    by_id = index.by_id
    related = [u for u in (index.evidence_any(after) if after else []) if u.clause_id]
    for source in ("label", "heading", "phrase"):
        tops = [index.clause_index.top_level(u.clause_id) for u in related if u.source == source]
        # A related clause only anchors the insertion inside the operative body.
        tops = [t for t in tops if t is not None and t.kind not in _SKIP_KINDS]
        if tops:
            return tops[0].id
    clauses = sorted(report.clauses, key=lambda c: (c.start, -c.end))
    stop = next((c.start for c in clauses if c.kind in _END_KINDS), None)
    body = [c for c in clauses if c.kind not in _SKIP_KINDS and (stop is None or c.start < stop)]
    if not body:
        return None
    top = [c for c in body if c.parent_id is None or c.parent_id not in by_id] or body
    return max(top, key=lambda c: (c.start, c.end)).id


class _Comparer:
    def __init__(self, report: Report, playbook: Playbook, perspective: str, signals: Iterable[str] = SIGNALS):
        self.report, self.playbook, self.perspective = report, playbook, perspective
        self.text = report.text
        self.sha = report.document.sha256
        self.index = PresenceIndex(report, signals)
        self.values = placeholder_values(report, playbook.defaults)
        self.ctx = document_context(report.text, report.entities, report.parties)
        self.source: dict[str, str] = {}  # finding id -> how its evidence was found
        self.sentences = SpanIndex([(x.start, x.end) for x in report.sentences])

    def _finding(self, rule: Rule, kind: str, tag: str, message: str, severity: str, units: list[tuple[int, int]],
                 clause_id: Optional[str], suggestion: Suggestion, rationale: Optional[str] = None) -> Finding:
        fid = make_id(self.sha, rule.id, tag, *[f"{s}-{e}" for s, e in units])
        return Finding(id=fid, rule_id=rule.id, category=rule.category, kind=kind, severity=severity, message=message,
                       rationale=rationale or rule.rationale, clause_id=clause_id,
                       evidence=[Span(start=s, end=e) for s, e in units], suggestion=suggestion)

    def run(self) -> list[Finding]:
        out: list[Finding] = []
        for rule in self.playbook.rules_for(self.perspective):
            cats = [rule.category, *rule.also_categories]
            units = self.index.evidence_any(cats)
            if not units:
                if rule.requirement != "must_not_have":
                    out.append(self._missing(rule))
                continue
            if rule.requirement == "must_not_have":
                out.append(self._unwanted(rule, units))
                continue
            out += self._checks(rule, units)
        return _one_edit_per_span(out, self.source)

    def _missing(self, rule: Rule) -> Finding:
        after = insertion_point(self.report, self.index, rule.insert_after)
        need = "requires" if rule.requirement == "required" else "recommends"
        msg = f"Missing: {rule.title}. No such clause was found; the playbook {need} one."
        sug = Suggestion(action="insert", text=fill(rule.preferred, self.values), fallback_text=fill(rule.fallback, self.values),
                         after_clause_id=after)
        return self._finding(rule, "missing", "missing", msg, rule.severity, [], None, sug)

    def _unwanted(self, rule: Rule, units: list[Unit]) -> Finding:
        first = units[0]
        spans = [(u.start, u.end) for u in units[:5]]
        msg = f"{rule.title} clause present, which the playbook rejects from the {self.perspective}'s side: " \
              f"“{_snippet(self.text, first.start, first.end)}”"
        if rule.fallback:
            sug = Suggestion(action="replace", text=_without_title(fill(rule.fallback, self.values)), start=first.start, end=first.end)
        else:
            sug = Suggestion(action="delete", text="", start=first.start, end=first.end)
        f = self._finding(rule, "risk", "unwanted", msg, rule.severity, spans, first.clause_id, sug)
        self.source[f.id] = first.source
        return f

    def _headings_of(self, units: list[Unit]) -> list[tuple[int, int]]:
        """Spans of the headings over the evidence ("7.2 Right of first refusal."): a heading often
        names what the sentences under it only describe."""
        by_id = self.index.by_id
        out: list[tuple[int, int]] = []
        seen: set[tuple[int, int]] = set()
        for u in units:
            cid = self.index.clause_at(u.start, u.start + 1) or u.clause_id
            c, depth = by_id.get(cid) if cid else None, 0
            while c is not None and depth < 3:
                if c.heading:
                    span = (c.start, self.index.body_start(c.start, c.heading, c.end))
                    if span[1] > span[0] and span not in seen:
                        seen.add(span)
                        out.append(span)
                c, depth = by_id.get(c.parent_id) if c.parent_id else None, depth + 1
        return out

    def _sentences_of(self, unit: Unit) -> list[Unit]:
        """The sentences inside a (possibly merged, multi-sentence) evidence unit, or the unit itself."""
        sents = self.report.sentences
        inside = [Unit(x.start, x.end, x.clause_id or unit.clause_id, unit.source)
                  for x in (sents[i] for i in self.sentences.inside(unit.start, unit.end))]
        return inside if len(inside) > 1 else [unit]

    def _checks(self, rule: Rule, units: list[Unit]) -> list[Finding]:
        """Deviations are judged on the clause as a whole (all its evidence); a risk is a term
        stated in one sentence, so risks are judged sentence by sentence, conditions included."""
        spans = [(u.start, u.end) for u in units]
        if rule.attribute_scope == "document":
            held = Covered((u.start, u.end) for u in units)
            units = units + [Unit(a, b, self.index.clause_at(a, b), "phrase") for a, b in self.index.operative_sentences()
                             if not held.span(a, b)]
            spans = [(u.start, u.end) for u in units]
        whole = extract_attributes(self.text, spans + self._headings_of(units), self.ctx)
        per_unit = None
        out: list[Finding] = []
        for i, check in enumerate(rule.checks):
            if check.perspectives and self.perspective not in check.perspectives:
                continue
            hit = None
            if check.kind == "risk":
                if per_unit is None:
                    per_unit = [(v, extract_attributes(self.text, [(v.start, v.end)], self.ctx))
                                for u in units for v in self._sentences_of(u)]
                for u, attrs in per_unit:
                    if all(evaluate(c, attrs) for c in check.when) and not evaluate(check, attrs):
                        hit = (u.start, u.end, u)
                        break
            elif all(evaluate(c, whole) for c in check.when) and not evaluate(check, whole):
                s, e = whole.spans.get(check.attribute) or spans[0]
                unit = next((u for u in units if (u.start, u.end) == (s, e)), None)
                if unit is None:  # stated in a heading: point at the clause's first sentence instead
                    unit = units[0]
                    s, e = unit.start, unit.end
                hit = (s, e, unit)
            if hit is None:
                continue
            s, e, unit = hit
            msg = f"{rule.title}: {check.message} — “{_snippet(self.text, s, e)}”"
            if check.action == "delete":
                sug = Suggestion(action="delete", text="", start=s, end=e)
            else:
                sug = Suggestion(action="replace", text=_without_title(fill(check.preferred or rule.preferred, self.values)),
                                 fallback_text=fill(rule.fallback, self.values), start=s, end=e)
            f = self._finding(rule, check.kind, f"check{i}:{check.attribute}:{check.op}", msg,
                              check.severity or rule.severity, [(s, e)], unit.clause_id, sug)
            self.source[f.id] = unit.source
            out.append(f)
        return out


_SOURCE_RANK = {"label": 0, "heading": 1, "phrase": 2}
_KIND_RANK = {"risk": 0, "deviation": 1, "missing": 2}


def _one_edit_per_span(findings: list[Finding], source: dict[str, str]) -> list[Finding]:
    """One suggestion per edited span, so edits never collide. The finding whose evidence is
    strongest (label, then heading, then phrase), then the risk before a deviation, keeps it."""
    best: dict[tuple, int] = {}
    for i, f in enumerate(findings):
        sug = f.suggestion
        if sug is None or sug.action == "insert":
            continue
        rank = (_SOURCE_RANK.get(source.get(f.id, "phrase"), 2), _KIND_RANK[f.kind], f.severity.rank, i)
        key = (sug.start, sug.end)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, i)
    keep = {i for _, i in best.values()}
    return [f if f.suggestion is None or f.suggestion.action == "insert" or i in keep
            else f.model_copy(update={"suggestion": None}) for i, f in enumerate(findings)]


def compare(report: Report, playbook: Playbook, perspective: Optional[str] = None,
            signals: Iterable[str] = SIGNALS) -> list[Finding]:
    """Findings for ``report`` against ``playbook`` from ``perspective`` (default: the playbook's).
    ``signals`` are the presence signals that can show a clause (default: all of them; see
    ``analyzer.review.presence``)."""
    perspective = perspective or playbook.default_perspective
    if perspective not in playbook.perspectives:
        raise PlaybookError(playbook.id, [f"[perspective] '{perspective}' is not a perspective of this playbook "
                                          f"({', '.join(playbook.perspectives)})"])
    return _Comparer(report, playbook, perspective, signals).run()

