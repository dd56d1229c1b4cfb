"""Gap analysis: the contract against a playbook, from one side's perspective.

For each rule that applies to the perspective:

- **missing**: no clause of the rule's categories (see ``analyzer.review.presence``) and
  the rule requires or recommends one -> insert the preferred language after the
  related clause (``insert_after``) or after the last clause of the body, never after
  the signature block or inside schedules;
- **risk** (must_not_have): the clause is there and hurts this side -> delete it,
  or replace it with the fallback language when the rule gives one;
- **deviation** / **risk** (checks): the clause is there but an attribute fails a
  check -> replace the sentence that states it (or the clause's first sentence
  when the attribute is absent) with the preferred language.

A rule states whose interest its language protects (``protects``). When that is the other
side (``Rule.burdens``), the finding is still reported, since it says what the contract does,
but no language is proposed: the playbook's text would worsen the client's position (narrow
its own licence, make it grant back its improvements). A check may state its own
``protects`` (the field-of-use test of a licence grant protects the licensor): for the other
side it is reported the same way, without language. The law and forum
placeholders come from ``analyzer.review.jurisdiction``, which fits them to the contract type
and the parties' countries.

A replacement or deletion edits existing text only where that is safe (``Anchors``): the
span must carry a flagged label of the rule's category with confidence of at least
``REPLACE_MIN_CONFIDENCE``, no heading over it may name another category, it may not
reach into a heading, and it may not lie in a clause that other clauses cross-refer
to. Otherwise the language is inserted as a new clause after the clause it concerns,
and nothing is deleted.

Findings come out in playbook order with deterministic ids.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

from analyzer.core.errors import PlaybookError
from analyzer.core.headings import is_run_in_heading
from analyzer.core.schema import Finding, Report, Span, Suggestion, make_id
from analyzer.core.span_index import Covered, SpanIndex
from analyzer.review.attributes import Attributes, document_context, extract_attributes
from analyzer.review.cover_page import onto_cover_page
from analyzer.review.jurisdiction import detect, forum_defaults
from analyzer.review.placeholders import fill, placeholder_values
from analyzer.review.playbook import Check, Playbook, Rule
from analyzer.review.presence import HEADINGS, SIGNALS, PresenceIndex, Unit

_END_KINDS = ("signature", "schedule")
# what a survival clause states about the clauses it keeps in force
_SURVIVAL_ATTRIBUTES = frozenset({"survives"})
# a flagged label at least this confident must mark the text a suggestion replaces or deletes
REPLACE_MIN_CONFIDENCE = 0.8
# categories that one clause routinely holds together: a heading naming one of them does not
# make a clause of the other one a clause about something else
_COMPANIONS = (
    frozenset({"governing_law", "dispute_resolution"}),
    frozenset({"limitation_of_liability", "cap_on_liability", "uncapped_liability"}),
    frozenset({"term", "post_termination_services"}),
)
_XREF_TYPES = ("cross_reference", "xref")
_SKIP_KINDS = ("preamble", "recitals", "definitions", "definition", "signature", "schedule")
SNIPPET = 140
MAX_READ_EVIDENCE = 6  # more sentences cited for a term that a clause does not state


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


def _body_end(report: Report) -> Optional[int]:
    """Where the operative body ends: the start of the signature block or the first schedule."""
    return min((c.start for c in report.clauses if c.kind in _END_KINDS), default=None)


def insertion_point(report: Report, index: PresenceIndex, after: list[str]) -> Optional[str]:
    """Clause to insert after: the last clause of a related category, else the last body clause
    before the signature block or schedules."""
    by_id = index.by_id
    stop = _body_end(report)
    related = [u for u in (index.evidence_any(after) if after else []) if u.clause_id]
    for source in ("label", "heading", "phrase"):
        tops = [index.clause_index.top_level(u.clause_id) for u in related if u.source == source]
        # A related clause only anchors the insertion inside the operative body.
        tops = [t for t in tops if t is not None and t.kind not in _SKIP_KINDS and (stop is None or t.start < stop)]
        if tops:
            return tops[0].id
    clauses = sorted(report.clauses, key=lambda c: (c.start, -c.end))
    body = [c for c in clauses if c.kind not in _SKIP_KINDS and (stop is None or c.start < stop)]
    if not body:
        return None
    top = [c for c in body if c.parent_id is None or c.parent_id not in by_id] or body
    return max(top, key=lambda c: (c.start, c.end)).id


# category -> (heading pattern, body pattern), compiled once
_HEADING_PATTERNS = {cat: (re.compile(h, re.I), re.compile(b, re.I)) for cat, (h, b) in HEADINGS.items()}


class Anchors:
    """Where a suggestion may edit existing text, and where its language goes instead."""

    def __init__(self, report: Report, index: PresenceIndex):
        self.report, self.index, self.text = report, index, report.text
        ci = index.clause_index
        self.referenced: set[str] = set()
        for ent in report.entities:
            if ent.type not in _XREF_TYPES or not ent.target_clause_id:
                continue
            target = ci.get(ent.target_clause_id)
            if target is not None and not (target.start <= ent.start < target.end):
                self.referenced.add(target.id)
        self._patterns = _HEADING_PATTERNS

    def _chain(self, start: int, end: int):
        """The clause at ``[start, end)`` and its ancestors, innermost first."""
        by_id = self.index.by_id
        c = by_id.get(self.index.clause_at(start, end) or "")
        while c is not None:
            yield c
            c = by_id.get(c.parent_id) if c.parent_id else None

    def _heading_end(self, c) -> int:
        return self.index.body_start(c.start, c.heading, c.end) if c.heading else c.start

    def _names_other(self, cats: set[str], heading: str, body: str) -> bool:
        """True when ``heading`` (over ``body``) names a category other than ``cats`` in words of
        its own: "Payment Disputes" names payment for a dispute-resolution finding."""
        allowed = set(cats)
        for group in _COMPANIONS:
            if allowed & group:
                allowed |= group
        named: dict[str, tuple[int, int]] = {}
        for cat, (hpat, bpat) in self._patterns.items():
            m = hpat.search(heading)
            if m and bpat.search(body):
                named[cat] = m.span()
        mine = [span for cat, span in named.items() if cat in allowed]
        for cat, (a, b) in named.items():
            if cat in allowed:
                continue
            if not mine or all(b <= x or y <= a for x, y in mine):
                return True
        return False

    def editable(self, cats: Iterable[str], start: int, end: int) -> Optional[tuple[int, int]]:
        """The span a replacement or deletion may take for a finding of ``cats`` at ``[start, end)``
        (the same span, or less its heading words), or None when the text must be left alone."""
        cats = set(cats)
        for c in self.report.clauses:  # a heading inside the span, or the span starting on one
            if not c.heading:
                continue
            hs, he = c.start, self._heading_end(c)
            if he <= hs or he <= start or hs >= end:
                continue
            if hs <= start:
                start = he
                while start < end and self.text[start].isspace():
                    start += 1
            else:
                return None
        if start >= end:
            return None
        chain = list(self._chain(start, end))
        if chain and chain[0].id in self.referenced:
            return None
        if any(cid in self.referenced and (c := self.index.by_id.get(cid)) is not None
               and start <= c.start < end for cid in self.referenced):
            return None
        if not any(lab.flagged and lab.category in cats and lab.unit_level_confidence >= REPLACE_MIN_CONFIDENCE
                   and lab.start < end and start < lab.end for lab in self.report.labels):
            return None
        titled = next((c for c in chain if c.heading), None)  # the nearest heading over the span
        if titled is not None and self._names_other(cats, titled.heading, self.text[self._heading_end(titled):titled.end]):
            return None
        return start, end

    def insert_after(self, clause_id: Optional[str], related: list[str]) -> Optional[str]:
        """Clause after which language about ``clause_id`` goes: that clause when it lies in the
        operative body, else the usual insertion point for the ``related`` categories."""
        stop = _body_end(self.report)
        top = self.index.clause_index.top_level(clause_id) if clause_id else None
        c = self.index.by_id.get(clause_id or "")
        if c is not None and top is not None and top.kind not in _SKIP_KINDS and (stop is None or c.start < stop):
            return c.id
        return insertion_point(self.report, self.index, related)


class _Comparer:
    def __init__(self, report: Report, playbook: Playbook, perspective: str, signals: Iterable[str] = SIGNALS):
        self.report, self.playbook, self.perspective = report, playbook, perspective
        self.text = report.text
        self.sha = report.document.sha256
        self.index = PresenceIndex(report, signals)
        self.values = placeholder_values(report, playbook.defaults)
        jurisdiction = detect(report)
        self.values.update(forum_defaults(report, jurisdiction))
        self.ctx = document_context(report.text, report.entities, report.parties)
        self.ctx.domestic = jurisdiction.domestic
        self.source: dict[str, str] = {}  # finding id -> how its evidence was found
        self.sentences = SpanIndex([(x.start, x.end) for x in report.sentences])
        self.anchors = Anchors(report, self.index)
        self.moved: dict[str, tuple[int, int]] = {}  # finding id -> the span its insert stands in for
        self._moved: Optional[tuple[int, int]] = None

    def _edit(self, rule: Rule, action: str, start: int, end: int, clause_id: Optional[str], text: Optional[str],
              fallback: Optional[str] = None) -> Optional[Suggestion]:
        """A replacement or deletion of ``[start, end)`` where ``Anchors.editable`` allows it; else the
        language as a new clause after the clause it concerns (a deletion: no suggestion)."""
        span = self.anchors.editable([rule.category, *rule.also_categories], start, end)
        if span is not None:
            if action == "delete":
                return Suggestion(action="delete", text="", start=span[0], end=span[1])
            return Suggestion(action="replace", text=_without_title(text), fallback_text=fallback,
                              start=span[0], end=span[1])
        if action == "delete" or not (text or "").strip():
            return None
        self._moved = (start, end)
        return Suggestion(action="insert", text=text, fallback_text=fallback,
                          after_clause_id=self.anchors.insert_after(clause_id, rule.insert_after))

    def _note_moved(self, f: Finding) -> None:
        if self._moved is not None:
            self.moved[f.id] = self._moved
            self._moved = None

    def _finding(self, rule: Rule, kind: str, tag: str, message: str, severity: str, units: list[tuple[int, int]],
                 clause_id: Optional[str], suggestion: Optional[Suggestion], rationale: Optional[str] = None) -> Finding:
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
                if rule.requirement != "must_not_have" and rule.report_missing:
                    out.append(self._missing(rule))
                continue
            if rule.requirement == "must_not_have":
                out.append(self._unwanted(rule, units))
                continue
            out += self._checks(rule, units)
        return _one_edit_per_span(out, self.source, self.moved)

    def _places(self, units: list[Unit], limit: int = 8) -> str:
        """The clauses ``units`` lie in, as a memo cites them ("7.2, 7.3(b), 10.8")."""
        names: list[str] = []
        for u in units:
            name = self.index.clause_label(u.clause_id)
            if name and name not in names:
                names.append(name)
        return ", ".join(names[:limit]) + (", …" if len(names) > limit else "")

    def _searched(self) -> str:
        """What a "missing" finding searched: the clauses of the whole contract, by number."""
        tops = [c for c in self.report.clauses if c.parent_id is None and c.kind not in ("preamble", "signature")]
        numbered = [c.number.strip().rstrip(".") for c in tops if c.number and c.kind != "schedule"]
        extra = [label for label, kinds in (("definitions", ("definitions", "definition")), ("recitals", ("recitals",)),
                                             ("schedules", ("schedule",))) if any(c.kind in kinds for c in tops)]
        where = f"{numbered[0]}–{numbered[-1]}" if len(numbered) > 1 else (numbered[0] if numbered else "")
        parts = [p for p in (f"clauses {where}" if where else "the whole text", *extra) if p]
        return ", ".join(parts)

    def _missing(self, rule: Rule) -> Finding:
        after = insertion_point(self.report, self.index, rule.insert_after)
        need = "requires" if rule.requirement == "required" else "recommends"
        msg = (f"Missing: {rule.title}. No such clause was found (searched {self._searched()}: labels, headings "
               f"and wording); the playbook {need} one.")
        sug = None if rule.burdens(self.perspective) else Suggestion(
            action="insert", text=fill(rule.preferred, self.values), fallback_text=fill(rule.fallback, self.values),
            after_clause_id=after)
        return self._finding(rule, "missing", "missing", msg, rule.severity, [], None, sug)

    def _unwanted(self, rule: Rule, units: list[Unit]) -> Finding:
        first = units[0]
        spans = [(u.start, u.end) for u in units[:5]]
        msg = f"{rule.title} clause present, which the playbook rejects from the {self.perspective}'s side: " \
              f"“{_snippet(self.text, first.start, first.end)}”"
        if rule.burdens(self.perspective):
            sug = None
        elif rule.fallback:
            sug = self._edit(rule, "replace", first.start, first.end, first.clause_id, fill(rule.fallback, self.values))
        else:
            sug = self._edit(rule, "delete", first.start, first.end, first.clause_id, None)
        f = self._finding(rule, "risk", "unwanted", msg, rule.severity, spans, first.clause_id, sug)
        self.source[f.id] = first.source
        self._note_moved(f)
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

    def _is_run_in_heading(self, unit: Unit) -> bool:
        """Is ``unit`` only the run-in heading of its clause ("6.2 No challenge.")? A heading names
        a subject; it states no term."""
        c = self.index.by_id.get(self.index.clause_at(unit.start, unit.end) or "")
        if c is None or not c.heading:
            return False
        body = self.index.body_start(c.start, c.heading, c.end)
        return unit.start < body and not re.search(r"[^\W\d_]", self.text[max(unit.start, body):unit.end])

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
        own = units  # the clause's own sentences, without the rest of the contract read for a document-wide term
        if rule.attribute_scope == "document":
            held = Covered((u.start, u.end) for u in units)
            units = units + [Unit(a, b, self.index.clause_at(a, b), "phrase") for a, b in self.index.operative_sentences()
                             if not held.span(a, b)]
            spans = [(u.start, u.end) for u in units]
        asks = {a for c in rule.checks for a in (c.attribute, *(w.attribute for w in c.when))}
        scope = self.index.scope([rule.category, *rule.also_categories], units, survival=bool(asks & _SURVIVAL_ATTRIBUTES))
        read = scope.all_units()
        only = {(v.start, v.end): _SURVIVAL_ATTRIBUTES for v in scope.survival}
        whole = extract_attributes(self.text, [(u.start, u.end) for u in read] + self._headings_of(units), self.ctx,
                                   lead_ins=scope.lead_ins, only=only)
        places = self._places(read)
        per_unit = None
        out: list[Finding] = []
        for i, check in enumerate(rule.checks):
            if check.perspectives and self.perspective not in check.perspectives:
                continue
            hit = None
            if check.kind == "risk":
                if per_unit is None:
                    per_unit = [(v, extract_attributes(self.text, [(v.start, v.end)], self.ctx))
                                for u in units for v in self._sentences_of(u) if not self._is_run_in_heading(v)]
                for u, attrs in per_unit:
                    if all(evaluate(c, attrs) for c in check.when) and not evaluate(check, attrs):
                        hit = (u.start, u.end, u)
                        break
            elif all(evaluate(c, whole) for c in check.when) and not evaluate(check, whole):
                s, e = whole.spans.get(check.attribute) or spans[0]
                unit = next((u for u in (*units, *read) if (u.start, u.end) == (s, e)), None)
                if unit is None:  # stated in a heading: point at the clause's first sentence instead
                    unit = units[0]
                    s, e = unit.start, unit.end
                hit = (s, e, unit)
            if hit is None:
                continue
            s, e, unit = hit
            msg = f"{rule.title}: {check.message} — “{_snippet(self.text, s, e)}”"
            if check.kind != "risk" and places:
                msg += f" (read: {places})"
            if rule.burdens(self.perspective, check):
                sug = None
            elif check.action == "delete":
                sug = self._edit(rule, "delete", s, e, unit.clause_id, None)
            elif check.action == "insert":  # language that adds to the clause, as a new clause after it
                sug = Suggestion(action="insert", text=fill(check.preferred or rule.preferred, self.values),
                                 after_clause_id=self.anchors.insert_after(unit.clause_id, rule.insert_after))
            else:
                sug = self._edit(rule, "replace", s, e, unit.clause_id, fill(check.preferred or rule.preferred, self.values),
                                 fill(rule.fallback, self.values))
            evidence = [(s, e)]
            if check.kind != "risk" and (check.attribute not in whole.spans or check.op == "contains"):
                # a term the clause does not state (or a list of terms without the one asked for): the
                # evidence is every sentence found for the clause, labelled and headed ones first, then
                # those found by their wording
                cited = sorted((u for u in own if (u.start, u.end) != (s, e)),
                               key=lambda u: (_SOURCE_RANK.get(u.source, 2), u.start))
                evidence += list(dict.fromkeys((u.start, u.end) for u in cited))[:MAX_READ_EVIDENCE]
            elif rule.attribute_scope == "document":
                # a term read anywhere in the contract: cite also the clause that does the category's job
                home = next(iter(self.index.evidence(rule.category)), None)
                if home is not None and not (home.start < e and s < home.end):
                    evidence.append((home.start, home.end))
            f = self._finding(rule, check.kind, f"check{i}:{check.attribute}:{check.op}", msg,
                              check.severity or rule.severity, evidence, unit.clause_id, sug)
            self.source[f.id] = unit.source
            self._note_moved(f)
            out.append(f)
        return out


_SOURCE_RANK = {"label": 0, "heading": 1, "phrase": 2}
_KIND_RANK = {"risk": 0, "deviation": 1, "missing": 2}


def _one_edit_per_span(findings: list[Finding], source: dict[str, str],
                       moved: Optional[dict[str, tuple[int, int]]] = None) -> list[Finding]:
    """One suggestion per edited span, so edits never collide. The finding whose evidence is
    strongest (label, then heading, then phrase), then the risk before a deviation, keeps it.
    An insert that stands in for an edit of a span (``moved``) counts for that span, so the
    same clause is not inserted twice."""
    moved = moved or {}

    def key_of(f: Finding):
        sug = f.suggestion
        if sug is None:
            return None
        if sug.action == "insert":
            return moved.get(f.id)
        return sug.start, sug.end

    best: dict[tuple, int] = {}
    for i, f in enumerate(findings):
        key = key_of(f)
        if key is None:
            continue
        rank = (_SOURCE_RANK.get(source.get(f.id, "phrase"), 2), _KIND_RANK[f.kind], f.severity.rank, i)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, i)
    keep = {i for _, i in best.values()}
    return [f if key_of(f) is None or i in keep
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
    return onto_cover_page(report, _Comparer(report, playbook, perspective, signals).run())

