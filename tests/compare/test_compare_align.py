"""Alignment of hand-built clause trees: numbers, headings, wording, moves, additions, deletions."""

from __future__ import annotations

import pytest

from analyzer.compare.align import align
from analyzer.core.schema import Clause


def tree(items: list[tuple[str, str | None, str, int]]) -> tuple[str, list[Clause]]:
    """Text and clauses from (number, heading, body, level) items; a level-1 item belongs to the
    level-0 item before it."""
    text, clauses, parent = "", [], None
    for k, (number, heading, body, level) in enumerate(items):
        line = f"{number} {heading + '. ' if heading else ''}{body}"
        start = len(text)
        text += line + "\n\n"
        c = Clause(id=f"{number}#{k}", number=number, heading=heading, level=level, start=start, end=start + len(line),
                   parent_id=parent.id if level and parent else None)
        clauses.append(c)
        if level == 0:
            parent = c
    for c in clauses:  # a parent's span runs to the end of its last child
        kids = [x for x in clauses if x.parent_id == c.id]
        if kids:
            c.end = kids[-1].end
    return text, clauses


BASE = [
    ("1.", "DEFINITIONS", "", 0),
    ("1.1", None, "In this Agreement the Software means the programs listed in the Schedule.", 1),
    ("2.", "LICENCE", "", 0),
    ("2.1", "Grant", "Licensor grants Licensee a non-exclusive licence to use the Software in the Territory.", 1),
    ("2.2", "Sublicensing", "Licensee may not grant sublicences without the prior written consent of Licensor.", 1),
    ("3.", "PAYMENT", "", 0),
    ("3.1", "Fees", "Licensee shall pay the fees set out in the Schedule within thirty days of invoice.", 1),
    ("3.2", "Taxes", "All fees are exclusive of value added tax, which Licensee shall pay in addition.", 1),
    ("4.", "TERMINATION", "", 0),
    ("4.1", "Breach", "Either Party may terminate this Agreement for a material breach not remedied within thirty days.", 1),
]


def pairs(old, new) -> dict[str, str]:
    (ot, oc), (nt, nc) = tree(old), tree(new)
    al = align(oc, ot, nc, nt)
    return {al.old[p.old].clause.id.split("#")[0]: al.new[p.new].clause.id.split("#")[0] for p in al.pairs}, al


def test_align_identical_drafts_match_by_number():
    got, al = pairs(BASE, BASE)
    assert got == {n: n for n, *_ in BASE}
    assert {p.by for p in al.pairs} == {"number"} and not any(p.moved for p in al.pairs)
    assert not al.added and not al.deleted


def test_align_renumbered_drafts_follow_headings_and_wording_not_numbers():
    new = BASE[:2] + [("2.", "EXCLUSIVITY", "", 0),
                      ("2.1", None, "Licensee shall buy all its software of this kind from Licensor only.", 1)]
    new += [(n.replace("2", "3", 1) if n.startswith("2") else n.replace("3", "4", 1) if n.startswith("3")
             else n.replace("4", "5", 1) if n.startswith("4") else n, h, b, lvl) for n, h, b, lvl in BASE[2:]]
    got, al = pairs(BASE, new)
    assert got["2."] == "3." and got["2.1"] == "3.1" and got["3.2"] == "4.2" and got["4.1"] == "5.1"
    assert [al.new[i].clause.number for i in al.added] == ["2."]  # only the top of the added subtree
    assert not any(p.moved for p in al.pairs) and not al.deleted


def test_align_moved_section_is_marked_moved_and_the_rest_is_not():
    new = BASE[:3] + [("2.1", "Sublicensing", BASE[4][2], 1), ("2.2", "Grant", BASE[3][2], 1)] + BASE[5:]
    got, al = pairs(BASE, new)
    assert got["2.1"] == "2.2" and got["2.2"] == "2.1"
    moved = [al.old[p.old].clause.number for p in al.pairs if p.moved]
    assert len(moved) == 1 and moved[0] in ("2.1", "2.2")


def test_align_section_moved_to_another_article_is_moved():
    new = BASE[:5] + BASE[5:8] + [("3.3", "Sublicence fees", BASE[4][2], 1)] + BASE[8:]
    new = [x for k, x in enumerate(new) if k != 4]
    got, al = pairs(BASE, new)
    assert got["2.2"] == "3.3"
    assert [al.old[p.old].clause.number for p in al.pairs if p.moved] == ["2.2"]


def test_align_reworded_clause_is_the_same_clause():
    new = list(BASE)
    new[6] = ("3.1", "Fees", "The Licensee will pay the fees in the Schedule no later than thirty days after invoice.", 1)
    got, _ = pairs(BASE, new)
    assert got["3.1"] == "3.1"


@pytest.mark.parametrize("drop", [4, 7])
def test_align_deleted_clause_has_no_partner_and_others_keep_theirs(drop):
    new = [x for k, x in enumerate(BASE) if k != drop]
    if drop == 4:
        pass
    got, al = pairs(BASE, new)
    assert [al.old[i].clause.number for i in al.deleted] == [BASE[drop][0]]
    assert BASE[drop][0] not in got
    assert all(got[n] == n for n, *_ in BASE if n != BASE[drop][0])


def test_align_unrelated_clause_in_place_of_a_deleted_one_is_not_matched():
    new = list(BASE)
    new[7] = ("3.2", "Audit", "Licensor may inspect the books of Licensee once a year on ten days notice.", 1)
    got, al = pairs(BASE, new)
    assert "3.2" not in got
    assert [al.old[i].clause.number for i in al.deleted] == ["3.2"]
    assert [al.new[i].clause.number for i in al.added] == ["3.2"]


def test_align_empty_side_reports_everything_added_or_deleted():
    (ot, oc) = tree(BASE)
    al = align(oc, ot, [], "")
    assert not al.pairs and [al.old[i].clause.number for i in al.deleted] == ["1.", "2.", "3.", "4."]
