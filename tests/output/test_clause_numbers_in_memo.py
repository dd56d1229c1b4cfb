"""Memo findings cite the clause number from the clause tree, with the ancestors' numbering for relative numbers."""

from __future__ import annotations

from analyzer.core.schema import Clause, DocumentInfo, Finding, Format, Report
from analyzer.output.render import clause_reference, md_text, to_html, to_markdown


def _report() -> Report:
    clauses = [Clause(id="c1", number="7.", heading="Licence", start=0, end=40),
               Clause(id="c2", number="7.3", start=5, end=40, parent_id="c1", level=1),
               Clause(id="c3", number="(b)", start=10, end=40, parent_id="c2", level=2, kind="subclause"),
               Clause(id="c4", number="(ii)", start=20, end=40, parent_id="c3", level=3, kind="subclause")]
    findings = [Finding(id="f1", rule_id="r", category="license_grant", kind="deviation", severity="high",
                        message="The grant is exclusive (see 9.9).", clause_id="c3")]
    return Report(document=DocumentInfo(source="c.txt", format=Format.TXT, sha256="0" * 64, chars=40),
                  text="x" * 40, clauses=clauses, findings=findings)


def test_clause_reference_is_read_from_the_tree():
    r = _report()
    assert clause_reference(r, "c1") == "7"
    assert clause_reference(r, "c2") == "7.3"
    assert clause_reference(r, "c3") == "7.3(b)"
    assert clause_reference(r, "c4") == "7.3(b)(ii)"
    assert clause_reference(r, None) is None and clause_reference(r, "nope") is None


def test_memo_cites_the_tree_number_not_one_found_in_the_text():
    r = _report()
    md, html = to_markdown(r), to_html(r)
    assert md_text("(clause 7.3(b))") in md and "clause 9" not in md
    assert "(clause 7.3(b))" in html
