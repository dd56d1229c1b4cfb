"""Which suggestions may edit existing text: a replacement or deletion only of a clause that carries the
rule's category with high confidence, under a heading that names no other category, outside any
heading and any clause that other clauses cross-refer to; otherwise the language is inserted."""

from __future__ import annotations

import hashlib

from builders import add_sections

from analyzer.core.schema import Clause, DocumentInfo, Entity, Label, Report
from analyzer.review.findings import REPLACE_MIN_CONFIDENCE, compare
from analyzer.review.playbook import Check, Playbook, Rule

ARBITRATION = "Any dispute shall be finally resolved by arbitration under the ICC Rules in Geneva."
INSOLVENCY = "Either party may terminate this Agreement at once if the other party becomes insolvent."
PAYMENT_DISPUTE = ("If the Customer disputes an invoice in good faith, it shall pay the undisputed part of the fees and "
                   "the parties shall resolve the dispute through their account managers within thirty days.")
CONVENIENCE = "The Customer may terminate this Agreement for convenience on thirty (30) days' written notice."
DISPUTES = "Any dispute arising under this Agreement shall be resolved by the courts of Zurich, Switzerland."


def playbook(*rules: Rule) -> Playbook:
    return Playbook(schema_version="1", id="t", version="1", title="t", agreement_types=["other"],
                    perspectives=["neutral"], default_perspective="neutral", rules=list(rules))


def unwanted(category: str, fallback: str, insert_after=()) -> Rule:
    return Rule(id=f"t.{category}", title=category, category=category, requirement="must_not_have",
                severity="medium", rationale="r", fallback=fallback, insert_after=list(insert_after))


def build(sections, labels=(), xrefs=(), signature=False, schedule=None) -> Report:
    """Clauses '<n>. <heading>'; ``labels`` are (category, sentence, confidence); ``xrefs`` are
    (referring sentence, referred-to clause id)."""
    text, clauses = add_sections("SERVICES AGREEMENT\n\n", sections)
    if signature:
        start = len(text)
        text += "IN WITNESS WHEREOF the parties have signed this Agreement.\n\n"
        clauses.append(Clause(id="sig", kind="signature", start=start, end=len(text) - 2))
    if schedule:
        start = len(text)
        text += f"SCHEDULE 1\n{schedule}\n"
        clauses.append(Clause(id="sch", kind="schedule", number="Schedule 1", start=start, end=len(text) - 1))
    labs = []
    for cat, sentence, conf in labels:
        s = text.index(sentence)
        cid = next(c.id for c in clauses if c.start <= s < c.end)
        labs.append(Label(category=cat, confidence=conf, flagged=True, start=s, end=s + len(sentence), clause_id=cid))
    ents = []
    for sentence, target in xrefs:
        s = text.index(sentence)
        ents.append(Entity(type="cross_reference", text=sentence, start=s, end=s + len(sentence),
                           clause_id=next(c.id for c in clauses if c.start <= s < c.end), target_clause_id=target))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source="t.txt", format="txt", sha256=sha, chars=len(text)), text=text,
                  clauses=clauses, labels=labs, entities=ents)


def suggestion(report: Report, rule: Rule):
    (f,) = [f for f in compare(report, playbook(rule)) if f.rule_id == rule.id]
    return f.suggestion


def test_payment_dispute_clause_is_not_replaced_by_arbitration():
    rule = unwanted("dispute_resolution", ARBITRATION)
    # a confident dispute label, but the heading says the clause is about payment
    report = build([("Fees", "The Customer shall pay the fees within thirty days of invoice."),
                    ("Payment Disputes", PAYMENT_DISPUTE)], labels=[("dispute_resolution", PAYMENT_DISPUTE, 0.95)])
    sug = suggestion(report, rule)
    assert sug.action == "insert" and sug.after_clause_id == "c2" and "arbitration" in sug.text
    # the same clause under a dispute heading, labelled with confidence, is replaced
    control = build([("Fees", "The Customer shall pay the fees within thirty days of invoice."),
                     ("Dispute Resolution", DISPUTES)], labels=[("dispute_resolution", DISPUTES, 0.95)])
    sug = suggestion(control, rule)
    assert sug.action == "replace" and control.text[sug.start:sug.end] == DISPUTES


def test_low_confidence_label_is_not_replaced():
    rule = unwanted("dispute_resolution", ARBITRATION)
    low = build([("General", DISPUTES)], labels=[("dispute_resolution", DISPUTES, REPLACE_MIN_CONFIDENCE - 0.2)])
    assert suggestion(low, rule).action == "insert"
    high = build([("General", DISPUTES)], labels=[("dispute_resolution", DISPUTES, REPLACE_MIN_CONFIDENCE)])
    assert suggestion(high, rule).action == "replace"


def test_termination_for_convenience_is_not_replaced_by_insolvency_clause():
    breach = "Either party may terminate this Agreement if the other party commits a material breach."
    rule = Rule(id="t.cause", title="Termination for cause", category="termination_for_cause", requirement="recommended",
                severity="medium", rationale="r", preferred=f"Termination for cause. {INSOLVENCY}",
                checks=[Check(attribute="cure_days", op="present", message="no cure period")])
    # the termination clause opens with the client's own convenience right; the cause right follows
    report = build([("Services", "The Supplier shall provide the Services described in the Order Form."),
                    ("Termination", f"{CONVENIENCE} {breach}")], labels=[("termination_for_cause", breach, 0.9)])
    sug = suggestion(report, rule)
    assert sug.action == "insert" and sug.after_clause_id == "c2" and INSOLVENCY in sug.text
    assert sug.start is None and sug.end is None
    # the same check on a clause that is about cause alone replaces its sentence
    control = build([("Termination", breach)], labels=[("termination_for_cause", breach, 0.9)])
    sug = suggestion(control, rule)
    assert sug.action == "replace" and control.text[sug.start:sug.end] == breach


def test_heading_is_never_deleted():
    rule = unwanted("dispute_resolution", ARBITRATION)
    report = build([("Services", "The Supplier shall provide the Services."), ("Dispute Resolution", DISPUTES)])
    c2 = next(c for c in report.clauses if c.id == "c2")
    # the classifier's evidence runs over the heading line
    report.labels.append(Label(category="dispute_resolution", confidence=0.95, flagged=True,
                               start=c2.start, end=c2.end, clause_id="c2"))
    sug = suggestion(report, rule)
    assert sug.action == "replace"
    assert report.text[sug.start:sug.end] == DISPUTES
    assert "Dispute Resolution" not in report.text[sug.start:sug.end]


def test_span_holding_another_clause_heading_is_not_edited():
    rule = unwanted("termination_for_cause", INSOLVENCY)
    breach = "Either party may terminate this Agreement if the other party commits a material breach."
    report = build([("Termination for breach", breach), ("Survival", "Clause 1 survives termination of this Agreement.")])
    c1, c2 = report.clauses
    report.labels.append(Label(category="termination_for_cause", confidence=0.95, flagged=True,
                               start=report.text.index(breach), end=c2.end, clause_id="c1"))
    assert suggestion(report, rule).action == "insert"


def test_cross_referred_section_is_never_replaced():
    rule = unwanted("dispute_resolution", ARBITRATION)
    sections = [("Dispute Resolution", DISPUTES),
                ("Fees", "Disputed invoices are resolved under Section 1 before any suspension.")]
    labels = [("dispute_resolution", DISPUTES, 0.95)]
    referred = build(sections, labels, xrefs=[("Section 1", "c1")])
    sug = suggestion(referred, rule)
    assert sug.action == "insert" and sug.after_clause_id == "c1"
    assert suggestion(build(sections, labels), rule).action == "replace"
    # a clause that names itself is not a reference from another clause
    own = build([("Dispute Resolution", DISPUTES + " This Section 1 applies to all claims.")], labels,
                xrefs=[("Section 1", "c1")])
    assert suggestion(own, rule).action == "replace"


def test_unsafe_deletion_becomes_no_edit():
    rule = Rule(id="t.nc", title="Non-compete", category="non_compete", requirement="must_not_have",
                severity="high", rationale="r")
    text = "In return for the fees, the Supplier shall not compete with the Customer in Europe for two years."
    report = build([("Fees", text)], labels=[("non_compete", text, 0.9)])
    (f,) = compare(report, playbook(rule))
    assert f.suggestion is None and f.kind == "risk"
    control = build([("Non-compete", text)], labels=[("non_compete", text, 0.9)])
    (f,) = compare(control, playbook(rule))
    assert f.suggestion.action == "delete"


def test_insertion_is_not_after_signature_or_in_schedule():
    rule = Rule(id="t.law", title="Governing law", category="governing_law", requirement="required",
                severity="medium", rationale="r", preferred="Governing law. Swiss law governs this Agreement.",
                insert_after=["dispute_resolution"])
    report = build([("Services", "The Supplier shall provide the Services."), ("Fees", "The Customer shall pay.")],
                   signature=True, schedule="Any dispute shall be resolved by arbitration in Geneva under the ICC Rules.")
    (f,) = compare(report, playbook(rule))
    # the only dispute clause is in the schedule: the law clause goes at the end of the body
    assert f.suggestion.action == "insert" and f.suggestion.after_clause_id == "c2"


def test_moved_suggestions_are_not_inserted_twice():
    rules = [unwanted("dispute_resolution", ARBITRATION),
             Rule(id="t.dr2", title="Disputes again", category="dispute_resolution", requirement="must_not_have",
                  severity="low", rationale="r", fallback=ARBITRATION)]
    report = build([("Payment Disputes", PAYMENT_DISPUTE)], labels=[("dispute_resolution", PAYMENT_DISPUTE, 0.95)])
    found = compare(report, playbook(*rules))
    assert [f.suggestion.action if f.suggestion else None for f in found] == ["insert", None]
