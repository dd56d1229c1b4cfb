"""Attribute checks read the whole contract: every clause of the category, list items with the
words that introduce them, the category's definitions, and survival clauses elsewhere."""

from __future__ import annotations

import hashlib

from analyzer.core.schema import Clause, DocumentInfo, Label, Party, Report
from analyzer.review.findings import compare
from analyzer.review.playbook import resolve_playbook
from analyzer.review.presence import PresenceIndex

ACME = "Acme Robotics GmbH"
BETA = "Beta Devices Ltd"

GRANT = ("Acme hereby grants to Beta a non-exclusive licence under the Licensed Patents to make and sell Licensed "
         "Products solely in the Field in Germany.")
CONF = ("Each party shall keep the other party's Confidential Information confidential, subject to the usual "
        "exceptions for information that is publicly available.")
TERMINATION = ("Either party may terminate this Agreement by written notice if the other party commits a material "
               "breach and fails to cure it within sixty (60) days after notice, or becomes insolvent.")
SURVIVES = "the confidentiality obligations are not stated to survive"


def build(sections: list[tuple[str, str]], labels: list[tuple[str, str]] = ()) -> Report:
    """A report whose clauses are '<n>. <heading>' sections, with sub-clauses for lines that start
    with a number ("3.3 ...") or a letter in brackets ("(a) ..."); ``labels`` are (category, text)."""
    text = f"PATENT LICENCE AGREEMENT between {ACME} (\"Acme\") and {BETA} (\"Beta\").\n\n"
    clauses: list[Clause] = []
    for n, (heading, body) in enumerate(sections, 1):
        start = len(text)
        text += f"{n}. {heading}\n"
        subs = []
        for line in body.split("\n"):
            s = len(text)
            text += line + "\n"
            first = line.split(" ", 1)[0]
            if first[:1].isdigit() or first.startswith("("):
                subs.append((first.rstrip("."), s, len(text) - 1))
        text += "\n"
        top = Clause(id=f"c{n}", number=str(n), heading=heading, start=start, end=len(text) - 2)
        clauses.append(top)
        parent = top.id
        for num, s, e in subs:
            if num.startswith("("):
                clauses.append(Clause(id=f"{parent}{num}", number=num, kind="subclause", level=2, start=s, end=e,
                                      parent_id=parent))
            else:
                cid = f"c{num}"
                clauses.append(Clause(id=cid, number=num, level=1, start=s, end=e, parent_id=top.id))
                parent = cid
    # a list item's parent clause runs to the end of its items
    by_id = {c.id: c for c in clauses}
    for c in clauses:
        if c.kind == "subclause" and c.parent_id in by_id and by_id[c.parent_id].end < c.end:
            p = by_id[c.parent_id]
            by_id[p.id] = p.model_copy(update={"end": c.end})
    clauses = [by_id[c.id] for c in clauses]
    labs = []
    for cat, sentence in labels:
        s = text.index(sentence)
        cid = max((c for c in clauses if c.start <= s < c.end), key=lambda c: c.start).id
        labs.append(Label(category=cat, confidence=0.9, flagged=True, start=s, end=s + len(sentence), clause_id=cid))
    ps = [Party(name=ACME, role="licensor", start=text.index(ACME), end=text.index(ACME) + len(ACME)),
          Party(name=BETA, role="licensee", start=text.index(BETA), end=text.index(BETA) + len(BETA))]
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source="t.txt", format="txt", sha256=sha, chars=len(text)), text=text,
                  clauses=clauses, labels=labs, parties=ps)


def survival_findings(report: Report) -> list:
    fs = compare(report, resolve_playbook("tech-license"), "licensee")
    return [f for f in fs if f.rule_id == "common.confidentiality" and SURVIVES in f.message]


def contract(conf: str, survival: str) -> Report:
    return build([("Licence", GRANT), ("Confidentiality", conf), ("Termination", TERMINATION),
                  ("Miscellaneous", "This Agreement is governed by the laws of England."), ("Survival", survival)],
                 labels=[("license_grant", GRANT), ("confidentiality", conf), ("termination_for_cause", TERMINATION)])


def test_general_survival_clause_citing_the_confidentiality_section_counts():
    r = contract(CONF, "Sections 2 and 4 survive any termination or expiry of this Agreement.")
    assert survival_findings(r) == []
    # the survival clause is found by the number it cites, and named as evidence of the reading
    index = PresenceIndex(r)
    units = index.survival({"c2"}, "confidentiality")
    assert [r.text[u.start:u.end] for u in units] == ["Sections 2 and 4 survive any termination or expiry of this Agreement."]


def test_survival_clause_citing_other_sections_does_not_count():
    r = contract(CONF, "Sections 3 and 4 survive any termination or expiry of this Agreement.")
    found = survival_findings(r)
    assert len(found) == 1
    assert "(read: 2)" in found[0].message


def test_survival_clause_citing_a_resolved_cross_reference_counts():
    from analyzer.core.schema import Entity
    r = contract(CONF, "Clause Two and Section 4 survive any termination of this Agreement.")
    s = r.text.index("Clause Two")
    r = r.model_copy(update={"entities": [Entity(type="cross_reference", text="Clause Two", start=s, end=s + 10,
                                                 value="clause:2", target_clause_id="c2")]})
    assert survival_findings(r) == []


def test_confidentiality_clause_with_its_own_post_termination_term_survives():
    for term in ("during the term of this Agreement and for three (3) years thereafter",
                 "for five (5) years after the termination or expiry of this Agreement"):
        conf = CONF.replace("confidential,", f"confidential {term},")
        r = contract(conf, "Sections 3 and 4 survive any termination of this Agreement.")
        assert survival_findings(r) == [], term


TERMS = ("3.1 Order Form. This Agreement consists of the Order Form and these Standard Terms.\n"
         "3.2 Term. This Agreement continues for three (3) years from the Effective Date.\n"
         "3.3 Termination. Either party may terminate this Agreement by written notice if the other party:\n"
         "(a) commits a material breach of this Agreement and fails to cure it within sixty (60) days after notice; or\n"
         "(b) becomes insolvent or bankrupt, or has a receiver appointed over its assets.")


def test_termination_rights_in_list_items_after_an_unrelated_clause_are_found():
    r = build([("Licence", GRANT), ("Confidentiality", CONF + " This obligation survives termination."),
               ("Term and Termination", TERMS)],
              labels=[("license_grant", GRANT), ("confidentiality", CONF)])
    fs = [f for f in compare(r, resolve_playbook("tech-license"), "licensee") if f.rule_id == "common.termination-for-cause"]
    assert fs == [], [f.message for f in fs]


def test_termination_items_without_an_insolvency_right_still_deviate():
    terms = TERMS.replace("becomes insolvent or bankrupt, or has a receiver appointed over its assets.",
                          "moves its seat outside the European Union.")
    r = build([("Licence", GRANT), ("Confidentiality", CONF), ("Term and Termination", terms)],
              labels=[("license_grant", GRANT), ("confidentiality", CONF)])
    fs = [f for f in compare(r, resolve_playbook("tech-license"), "licensee") if f.rule_id == "common.termination-for-cause"]
    assert [f.kind for f in fs] == ["deviation"]
    assert "insolvency" in fs[0].message and "3.3" in fs[0].message.split("(read: ")[1]


def test_missing_finding_names_what_was_searched():
    r = build([("Licence", GRANT), ("Miscellaneous", "This Agreement is governed by the laws of England.")],
              labels=[("license_grant", GRANT)])
    fs = [f for f in compare(r, resolve_playbook("tech-license"), "licensee")
          if f.rule_id == "common.confidentiality" and f.kind == "missing"]
    assert len(fs) == 1 and "searched clauses 1–2" in fs[0].message


def test_sentence_in_capitals_is_not_a_heading_for_presence():
    body = "Each party is an independent contractor, and a failure to achieve results is not a breach."
    r = build([("Licence", GRANT), ("A STATEMENT OF WORK DOES NOT CONSTITUTE BREACH OF CONTRACT", body),
               ("Breach and Termination", TERMINATION)], labels=[("license_grant", GRANT)])
    index = PresenceIndex(r, signals={"heading"})
    found = {r.text[u.start:u.end] for u in index.evidence("termination_for_cause")}
    assert TERMINATION in found and body not in found


def test_governing_law_named_in_common_drafting_forms():
    from analyzer.review.attribute_rules import read_attributes
    from analyzer.review.attributes import Context
    cases = {
        "This Agreement shall be governed by and interpreted in accordance with the laws of the State of Delaware.": "Delaware",
        "This Agreement shall be construed, and legal relations between the parties shall be determined, in "
        "accordance with the laws of the State of Maryland.": "Maryland",
        "This agreement shall be governed by the Laws of England (English common and statutory Law).": "England",
        "This Agreement shall be governed by and interpreted pursuant to the laws of the People’s Republic of China.":
            "People’s Republic of China",
    }
    for sentence, law in cases.items():
        assert read_attributes(sentence, Context()).get("governing_law") == law, sentence


def test_a_term_the_clause_lacks_cites_every_sentence_read():
    grant = ("Acme hereby grants to Beta a non-exclusive licence under the Licensed Patents to make and sell Licensed "
             "Products in Germany.")  # no field of use
    grant2 = "Acme further grants to Beta a licence under the Licensed Patents to use Licensed Products in Germany."
    r = build([("Rights", grant + "\n" + grant2), ("Miscellaneous", "This Agreement is governed by the laws of England.")],
              labels=[])  # both sentences are found by their wording
    fs = [f for f in compare(r, resolve_playbook("tech-license"), "licensee")
          if f.rule_id == "lic.grant" and f.kind == "deviation"]
    assert fs
    for f in fs:
        if "(read: " not in f.message:
            continue
        cited = {r.text[e.start:e.end] for e in f.evidence}
        assert {grant, grant2} <= cited, f.message
