"""Gap analysis on hand-built reports (no classifier): missing, deviation and risk findings."""

from __future__ import annotations

import hashlib
import re

import pytest
from builders import add_sections

from analyzer.core.errors import PlaybookError
from analyzer.core.schema import Clause, DocumentInfo, Label, Party, Report
from analyzer.review.attributes import Attributes
from analyzer.review.findings import compare, evaluate
from analyzer.review.placeholders import fill, placeholder_values
from analyzer.review.playbook import Check, resolve_playbook

ACME = "Acme Robotics GmbH"
BETA = "Beta Devices Ltd"

GRANT = "Acme hereby grants to Beta a non-exclusive licence under the Licensed Patents to make and sell Licensed Products in Germany."
GRANT_FIELD = ("Acme hereby grants to Beta a non-exclusive licence under the Licensed Patents to make and sell Licensed "
               "Products solely in the Field in Germany.")
CONF = ("Each party shall keep the other party's Confidential Information confidential, subject to the usual exceptions "
        "for information that is publicly available. This obligation survives termination for five (5) years.")
TERMINATION_10 = ("Either party may terminate this Agreement if the other commits a material breach and fails to cure "
                  "it within ten (10) days after notice, or becomes insolvent.")
TERMINATION_60 = TERMINATION_10.replace("ten (10)", "sixty (60)")
UNCAPPED = "The Licensee's liability under this Agreement is unlimited."
GRANT_BACK = "Beta hereby grants to Acme an exclusive, royalty-free licence to all improvements made by Beta, which Beta shall own."
NO_CHALLENGE = "Beta shall not challenge the validity of the Licensed Patents."


def build(sections: list[tuple[str, str]], labels: list[tuple[str, str]] = (), parties=True, signature=False) -> Report:
    """A report whose clauses are '<n>. <heading>' sections; ``labels`` are (category, sentence) pairs."""
    text, clauses = add_sections(f"PATENT LICENCE AGREEMENT between {ACME} (\"Acme\") and {BETA} (\"Beta\").\n\n", sections)
    if signature:
        start = len(text)
        text += "Signed for and on behalf of Acme.\n"
        clauses.append(Clause(id="sig", kind="signature", start=start, end=len(text) - 1))
    labs = []
    for cat, sentence in labels:
        s = text.index(sentence)
        cid = next(c.id for c in clauses if c.start <= s < c.end)
        labs.append(Label(category=cat, confidence=0.9, flagged=True, start=s, end=s + len(sentence), clause_id=cid))
    ps = [Party(name=ACME, role="licensor", start=text.index(ACME), end=text.index(ACME) + len(ACME)),
          Party(name=BETA, role="licensee", start=text.index(BETA), end=text.index(BETA) + len(BETA))] if parties else []
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source="t.txt", format="txt", sha256=sha, chars=len(text)), text=text,
                  clauses=clauses, labels=labs, parties=ps)


def findings(report: Report, perspective="licensee", playbook="tech-license"):
    return compare(report, resolve_playbook(playbook), perspective)


def only(fs, rule_id, kind=None):
    return [f for f in fs if f.rule_id == rule_id and (kind is None or f.kind == kind)]


def test_compare_licence_without_field_of_use_is_a_deviation():
    r = build([("Grant", GRANT)], labels=[("license_grant", GRANT)])
    # the licensor's side: a missing field of use is its gap, and the narrowing language is its to propose
    devs = [f for f in only(findings(r, "licensor"), "lic.grant", "deviation") if "field of use" in f.message]
    assert len(devs) == 1
    f = devs[0]
    s = r.text.index(GRANT)
    assert [(e.start, e.end) for e in f.evidence] == [(s, s + len(GRANT))]
    assert "Acme hereby grants" in f.message and f.severity == "high" and f.clause_id == "c1"
    assert f.suggestion.action == "replace" and (f.suggestion.start, f.suggestion.end) == (s, s + len(GRANT))
    ok = build([("Grant", GRANT_FIELD)], labels=[("license_grant", GRANT_FIELD)])
    assert not [f for f in only(findings(ok), "lic.grant") if "field of use" in f.message]


def test_compare_no_confidentiality_is_missing_and_inserted_after_grant():
    r = build([("Grant", GRANT_FIELD), ("Term", "This Agreement shall remain in force for five years from signature."),
               ("Miscellaneous", "Notices shall be in writing and delivered by hand or courier.")])
    miss = only(findings(r), "common.confidentiality", "missing")
    assert len(miss) == 1 and miss[0].category == "confidentiality" and miss[0].severity == "high"
    assert miss[0].evidence == [] and miss[0].suggestion.action == "insert"
    assert miss[0].suggestion.after_clause_id == "c1"
    assert "Confidential Information" in miss[0].suggestion.text and miss[0].suggestion.fallback_text


@pytest.mark.parametrize("how", ["label", "heading"])
def test_compare_confidentiality_found_by_label_or_heading(how):
    if how == "label":
        r = build([("Miscellaneous", CONF)], labels=[("confidentiality", CONF)])
    else:
        r = build([("Confidentiality", CONF)])
    assert not only(findings(r), "common.confidentiality", "missing")


def test_compare_heading_without_body_is_missing():
    r = build([("Confidentiality", "[Intentionally left blank]")])
    assert only(findings(r), "common.confidentiality", "missing")


@pytest.mark.parametrize("perspective, expect_risk", [("licensee", True), ("licensor", False), ("neutral", True)])
def test_compare_uncapped_liability_is_a_risk_for_the_party_bearing_it(perspective, expect_risk):
    r = build([("Liability", UNCAPPED)], labels=[("limitation_of_liability", UNCAPPED)])
    risks = [f for f in only(findings(r, perspective), "common.liability", "risk") if "unlimited" in f.message]
    assert bool(risks) == expect_risk
    if expect_risk:
        assert risks[0].severity == "high" and risks[0].suggestion.action == "replace"
        assert "shall not exceed" in risks[0].suggestion.text


@pytest.mark.parametrize("perspective, expect_risk", [("licensee", True), ("licensor", False)])
def test_compare_exclusive_grant_back_is_a_risk_for_the_licensee(perspective, expect_risk):
    r = build([("Improvements", GRANT_BACK)], labels=[("improvements", GRANT_BACK)])
    risks = only(findings(r, perspective), "lic.improvements", "risk")
    assert bool(risks) == expect_risk
    if expect_risk:
        assert "316/2014" in risks[0].rationale and "exclusive" in risks[0].message
        # the licensee's own language: it keeps its improvements and grants nothing back
        assert "sole property" in risks[0].suggestion.text and "grants" not in risks[0].suggestion.text


@pytest.mark.parametrize("body, expect", [(TERMINATION_10, True), (TERMINATION_60, False)])
def test_compare_short_cure_period_is_a_deviation(body, expect):
    r = build([("Termination", body)], labels=[("termination_for_cause", body)])
    devs = [f for f in only(findings(r), "common.termination-for-cause", "deviation") if "cure period" in f.message]
    assert bool(devs) == expect
    if expect:
        assert "ten (10) days" in devs[0].message and devs[0].severity == "medium"


def test_compare_fills_placeholders_with_party_names():
    r = build([("Grant", GRANT_FIELD)], labels=[("license_grant", GRANT_FIELD)])
    miss = only(findings(r), "lic.patent-prosecution", "missing")[0]
    assert ACME in miss.suggestion.text and BETA in miss.suggestion.text and "{" not in miss.suggestion.text
    anonymous = build([("Grant", GRANT_FIELD)], labels=[("license_grant", GRANT_FIELD)], parties=False)
    text = only(findings(anonymous), "lic.patent-prosecution", "missing")[0].suggestion.text
    # no parties and no "Licensor"/"Licensee" definitions: bracketed descriptions, never an undefined term
    assert text.startswith("Patent prosecution and maintenance. [the Licensor] shall") and "[the Licensee]" in text
    assert "the Licensor" not in text.replace("[the Licensor]", "") and "the the" not in text.lower()


def test_compare_placeholder_alias_and_defined_terms():
    from analyzer.core.schema import Entity

    r = build([("Grant", GRANT_FIELD)])
    r.parties[0].alias = "Acme"
    r.entities = [Entity(type="defined_term", text='"Territory"', start=0, end=1),
                  Entity(type="defined_term", text="Licensed Patents", start=0, end=1)]
    v = placeholder_values(r)
    assert v["licensor"] == "Acme" and v["licensee"] == BETA
    assert v["territory"] == "the Territory" and v["licensed_patents"] == "the Licensed Patents"
    assert v["field"] == "[the Field of Use]"
    assert fill("{licensor} grants. {field} applies", v) == "Acme grants. [the Field of Use] applies"
    assert fill("x. {agreement} ends", v) == "x. This Agreement ends"


@pytest.mark.parametrize("perspective, kind", [("licensee", "risk"), ("licensor", None)])
def test_compare_no_challenge_depends_on_perspective(perspective, kind):
    r = build([("Challenges", NO_CHALLENGE)], labels=[("no_challenge", NO_CHALLENGE)])
    fs = only(findings(r, perspective), "lic.no-challenge")
    assert [f.kind for f in fs] == ([kind] if kind else [])
    if kind:
        assert "Lear v. Adkins" in fs[0].rationale and fs[0].suggestion.action == "replace"


def test_compare_missing_inserted_before_signature():
    r = build([("Grant", GRANT_FIELD), ("Notices", "Notices shall be given in writing to the addresses above.")],
              signature=True)
    miss = only(findings(r), "common.force-majeure", "missing")[0]
    assert miss.suggestion.after_clause_id == "c2"


def test_compare_is_deterministic_and_ids_unique():
    r = build([("Grant", GRANT), ("Improvements", GRANT_BACK), ("Termination", TERMINATION_10), ("Liability", UNCAPPED)],
              labels=[("license_grant", GRANT), ("improvements", GRANT_BACK)])
    a, b = findings(r), findings(r)
    assert [f.model_dump() for f in a] == [f.model_dump() for f in b]
    assert len({f.id for f in a}) == len(a)
    other = r.model_copy(update={"document": r.document.model_copy(update={"sha256": "0" * 64})})
    assert not {f.id for f in a} & {f.id for f in findings(other)}


def test_compare_evidence_lies_in_text_and_edits_do_not_collide():
    r = build([("Grant", GRANT), ("Improvements", GRANT_BACK), ("Termination", TERMINATION_10), ("Liability", UNCAPPED)])
    fs = findings(r, "neutral")
    edits = [(f.suggestion.start, f.suggestion.end) for f in fs if f.suggestion and f.suggestion.action != "insert"]
    assert len(edits) == len(set(edits))
    for f in fs:
        for e in f.evidence:
            assert 0 <= e.start < e.end <= len(r.text)
        # the message quotes the first piece of evidence; the others are the sentences it read
        first = f.evidence[0] if f.evidence else None
        if first is not None:
            assert " ".join(r.text[first.start:first.end].split())[:40] in f.message


def test_compare_unknown_perspective_is_a_playbook_error():
    with pytest.raises(PlaybookError, match="not a perspective"):
        findings(build([("Grant", GRANT)]), "partner")


@pytest.mark.parametrize("attr, op, value, given, ok", [
    ("cure_days", "gte", 30, 10, False), ("cure_days", "gte", 30, None, True), ("cure_days", "lte", 30, 10, True),
    ("grant_back", "not_in", ["exclusive", "assignment"], "exclusive", False),
    ("grant_back", "not_in", ["exclusive", "assignment"], None, True), ("grant_back", "equals", "exclusive", None, False),
    ("uncapped", "false", None, True, False), ("uncapped", "false", None, None, True), ("survives", "true", None, None, False),
    ("exceptions", "contains", "public", ["public"], True), ("exceptions", "present", None, [], False),
    ("exceptions", "not_contains", "public", ["public"], False), ("field_of_use", "absent", None, None, True),
])
def test_compare_evaluate_ops(attr, op, value, given, ok):
    check = Check(attribute=attr, op=op, value=value, message="m")
    attrs = Attributes(**({attr: given} if given is not None else {}))
    assert evaluate(check, attrs) is ok


def _model_contract(pid: str, perspective: str) -> Report:
    """A contract written from the playbook's own preferred language, one section per rule."""
    pb = resolve_playbook(pid)
    values = placeholder_values(None, pb.defaults)
    sections = []
    for rule in pb.rules_for(perspective):
        if rule.requirement == "must_not_have":
            continue
        body = fill(rule.preferred, values)
        sections.append((rule.title, re.sub(r"^[A-Z][\w ,\-()]+\. ", "", body, count=1)))
    return build(sections, parties=False)


@pytest.mark.parametrize("pid, perspective", [("tech-license", "licensee"), ("tech-license", "licensor"),
                                              ("tech-license", "neutral"), ("joint-venture", "partner"),
                                              ("rd-collaboration", "partner"), ("nda", "partner")])
def test_compare_preferred_language_passes_its_own_playbook(pid, perspective):
    pb = resolve_playbook(pid)
    fs = compare(_model_contract(pid, perspective), pb, perspective)
    # tests for the other side's protection are reported without language; the client's own text need not meet them
    others = {(r.id, c.message) for r in pb.rules_for(perspective) for c in r.checks if c.protects
              and r.burdens(perspective, c)}
    fs = [f for f in fs if not any(f.rule_id == rid and msg in f.message for rid, msg in others)]
    assert [(f.rule_id, f.kind, f.message[:90]) for f in fs if f.kind != "risk" or "unwanted" not in f.id] == []


def _bare(text: str, labels: list[tuple[str, str]] = ()) -> Report:
    """A report with text only (no clauses from the segmenter), as for a badly segmented file."""
    labs = [Label(category=c, confidence=0.9, flagged=True, start=text.index(t), end=text.index(t) + len(t))
            for c, t in labels]
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source="b.txt", format="txt", sha256=sha, chars=len(text)), text=text, labels=labs)


@pytest.mark.parametrize("text, missing", [
    # a run-in numbered heading found in the text itself
    ("1. Grant. Acme grants Beta a licence. 7. Confidentiality. Beta shall keep all information received from Acme "
     "strictly confidential and shall not use it for any other purpose. 8. Notices. Notices shall be in writing.", False),
    # no heading, but an operative confidentiality sentence
    ("Acme grants Beta a licence. Each party shall hold the other party's information in strict confidence.", False),
    # only a definition of the term: no confidentiality obligation
    ('"Confidential Information" means all technical information disclosed by Acme. Acme grants Beta a licence.', True),
])
def test_compare_presence_without_segmenter(text, missing):
    fs = findings(_bare(text))
    assert bool(only(fs, "common.confidentiality", "missing")) == missing


@pytest.mark.parametrize("label_text", ['"Confidential Information" means all information disclosed by Acme.', "[See attached.]"])
def test_compare_definition_or_fragment_label_is_not_evidence(label_text):
    text = f"Acme grants Beta a licence to the Patents. {label_text} Beta shall pay the fees."
    fs = findings(_bare(text, [("confidentiality", label_text)]))
    assert only(fs, "common.confidentiality", "missing")


def test_compare_grant_back_terms_are_not_read_as_the_licensors_grant():
    grant = "Acme hereby grants to Beta a non-exclusive licence to the Licensed Patents solely in the Field in Germany."
    back = "Beta hereby grants to Acme a perpetual, irrevocable licence under its improvements."
    r = build([("Grant", grant + " " + back)], labels=[("license_grant", grant), ("license_grant", back)])
    r.parties[0].alias, r.parties[1].alias = "Acme", "Beta"
    risks = only(findings(r, "licensor"), "lic.grant", "risk")
    assert risks == []
    mine = build([("Grant", grant.replace("a non-exclusive", "a perpetual, irrevocable, non-exclusive"))],
                 labels=[("license_grant", grant.replace("a non-exclusive", "a perpetual, irrevocable, non-exclusive"))])
    mine.parties[0].alias = "Acme"
    assert any("irrevocable" in f.message for f in only(findings(mine, "licensor"), "lic.grant", "risk"))


def test_compare_replacement_drops_the_run_in_title():
    r = build([("Grant", GRANT)], labels=[("license_grant", GRANT)])
    dev = [f for f in only(findings(r, "licensor"), "lic.grant", "deviation") if f.suggestion][0]
    assert not dev.suggestion.text.startswith("Licence grant.") and dev.suggestion.text.startswith("Subject to")


def test_compare_heading_names_what_the_sentence_describes():
    rofr = "A Partner that wishes to sell Shares shall first offer them to the other Partner on the same terms."
    text = ("JOINT VENTURE AGREEMENT\n\n7. TRANSFER OF SHARES\n\n7.1 Right of first refusal. " + rofr +
            "\n\n7.2 Tag-along. The other Partner may require the buyer to acquire its Shares on the same terms.\n")
    s7, s71 = text.index("7. TRANSFER"), text.index("7.1 Right")
    s72 = text.index("7.2 Tag")
    clauses = [Clause(id="a7", number="7", heading="TRANSFER OF SHARES", kind="article", start=s7, end=len(text) - 1),
               Clause(id="c71", number="7.1", heading="Right of first refusal", start=s71, end=s72 - 2, parent_id="a7"),
               Clause(id="c72", number="7.2", heading="Tag-along", start=s72, end=len(text) - 1, parent_id="a7")]
    lab = Label(category="transfer_restrictions", confidence=0.9, flagged=True, start=text.index(rofr),
                end=text.index(rofr) + len(rofr), clause_id="c71")
    r = Report(document=DocumentInfo(source="jv.txt", format="txt", sha256="1" * 64, chars=len(text)), text=text,
               clauses=clauses, labels=[lab])
    msgs = [f.message for f in only(compare(r, resolve_playbook("joint-venture"), "partner"), "jv.transfer")]
    assert not [m for m in msgs if "first refusal" in m or "tag-along" in m]
    assert [m for m in msgs if "drag-along" in m]
