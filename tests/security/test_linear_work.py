"""Work that stays linear in the text length, and a page count that cannot crash the parse.

The indexes that replace per-item scans (innermost clause, sentences inside a unit, spans
covering an offset, the next heading, the table-of-contents test) must give exactly what the
scans gave: each is checked against the scan on random inputs. Where the work itself is the
point (a page of thousands of wrapped lines, the table-of-contents test over many numbered
lists), the test counts what is read, or runs in a subprocess with a generous hang guard.
No test measures speed.
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

from analyzer.core.schema import Clause, DocumentInfo, Report, Sentence
from analyzer.core.span_index import Covered, Innermost, SpanIndex

ROOT = Path(__file__).resolve().parents[2]


def _nested(rng: random.Random, lo: int, hi: int, depth: int, out: list) -> None:
    """Properly nested spans (with repeats), like a clause tree."""
    pos = lo
    while pos < hi and depth < 5:
        a = rng.randint(pos, hi)
        b = rng.randint(a, min(hi, a + rng.randint(0, 60)))
        out.append((a, b))
        if rng.random() < 0.5:
            _nested(rng, a, b, depth + 1, out)
        if rng.random() < 0.2:
            out.append((a, b))
        pos = b + rng.randint(0, 3)


def _random_spans(rng: random.Random, trial: int) -> list[tuple[int, int]]:
    if trial % 2:
        spans: list = []
        _nested(rng, 0, 300, 0, spans)
        if trial % 4 == 1:
            rng.shuffle(spans)
        return spans
    # overlapping, some empty, some with the end before the start
    return [(a, a + rng.randint(-3, 40)) for a in (rng.randint(0, 300) for _ in range(rng.randint(0, 40)))]


def _scan_innermost(spans, s, e):
    best = None
    for i, (a, b) in enumerate(spans):
        if a <= s and e <= b and (best is None or b - a < spans[best][1] - spans[best][0]):
            best = i
    return best


# ------------------------------------------------------------------ span indexes

def test_span_indexes_match_scans():
    rng = random.Random(7)
    for trial in range(300):
        spans = _random_spans(rng, trial)
        inner, covered, index = Innermost(spans), Covered(spans), SpanIndex(spans)
        for _ in range(40):
            s = rng.randint(-5, 310)
            e = s + rng.randint(-2, 50)
            assert inner(s, e) == _scan_innermost(spans, s, e), (spans, s, e)
            assert covered.point(s) == any(a <= s < b for a, b in spans)
            assert covered.span(s, e) == any(a <= s and e <= b for a, b in spans)
            assert index.inside(s, e) == [i for i, (a, b) in enumerate(spans) if s <= a and b <= e]
            assert index.overlapping(s, e) == [i for i, (a, b) in enumerate(spans) if a < e and b > s]


def _report(text: str, spans: list[tuple[int, int]], sentences=()) -> Report:
    clauses = [Clause(id=f"c{i}", start=a, end=b) for i, (a, b) in enumerate(spans)]
    return Report(document=DocumentInfo(source="t.txt", format="txt", sha256="0" * 64, chars=len(text)), text=text,
                  clauses=clauses, sentences=[Sentence(start=a, end=b) for a, b in sentences])


def test_presence_clause_at_is_the_innermost_clause_of_the_scan():
    from analyzer.review.presence import PresenceIndex

    rng = random.Random(11)
    for trial in range(60):
        spans = []
        _nested(rng, 0, 300, 0, spans)
        if trial % 2:
            rng.shuffle(spans)
        report = _report("x" * 320, spans)
        index = PresenceIndex(report)
        for _ in range(40):
            s = rng.randint(0, 310)
            e = s + rng.randint(0, 40)
            want = _scan_innermost(spans, s, e)
            if want is None:  # no clause holds all of it: the clause that holds its start
                want = _scan_innermost(spans, s, s + 1)
            assert index.clause_at(s, e) == (f"c{want}" if want is not None else None)


def test_classify_clause_lookup_matches_innermost_clause():
    from analyzer.classify.classifier import InnermostClause, innermost_clause

    rng = random.Random(5)
    for trial in range(60):
        spans = []
        _nested(rng, 0, 300, 0, spans)
        rng.shuffle(spans)
        clauses = [Clause(id=f"c{i}", start=a, end=b) for i, (a, b) in enumerate(spans)]
        lookup = InnermostClause(clauses)
        for _ in range(40):
            s = rng.randint(0, 310)
            e = s + rng.randint(0, 40)
            assert lookup(s, e) == innermost_clause(clauses, s, e)
    assert InnermostClause([])(0, 1) is None


def test_classify_unit_probability_and_run_filter_match_scans():
    from analyzer.classify.classifier import _not_inside_another, _unit_prob
    from analyzer.classify.span_model import Candidate

    rng = random.Random(3)
    for _ in range(200):
        chosen = [Candidate(a, a + rng.randint(0, 30), rng.random())
                  for a in (rng.randint(0, 100) for _ in range(rng.randint(0, 30)))]
        chosen += [Candidate(c.start, c.end, rng.random()) for c in chosen[:rng.randint(0, 5)]]
        pairwise = [t for t in chosen if not any(o.start <= t.start and t.end <= o.end and (o.start, o.end) != (t.start, t.end)
                                                 for o in chosen)]
        assert _not_inside_another(chosen) == pairwise
        units = sorted({(c.start, c.end) for c in chosen})
        p = np.array([rng.random() for _ in units], dtype=np.float32)
        located = SpanIndex(units)
        for offset in range(-1, 135, 3):
            assert _unit_prob(units, p, offset, located) == _unit_prob(units, p, offset)


# ------------------------------------------------------------------ gap analysis

def test_sentences_of_a_unit_match_the_filter():
    from analyzer.review.findings import _Comparer
    from analyzer.review.playbook import resolve_playbook
    from analyzer.review.presence import Unit

    rng = random.Random(13)
    text = " ".join(f"Sentence {i} says the Licensee shall pay." for i in range(400))
    sentences = [m.span() for m in re.finditer(r"Sentence \d+ says the Licensee shall pay\.", text)]
    report = _report(text, [(0, len(text))], sentences)
    playbook = resolve_playbook("tech-license")
    comparer = _Comparer(report, playbook, playbook.default_perspective)
    for _ in range(300):
        s = rng.randint(0, len(text))
        unit = Unit(s, min(len(text), s + rng.randint(0, 400)), "c0", "label")
        inside = [Unit(x.start, x.end, x.clause_id or unit.clause_id, unit.source) for x in report.sentences
                  if unit.start <= x.start and x.end <= unit.end]
        assert comparer._sentences_of(unit) == (inside if len(inside) > 1 else [unit])


def test_next_heading_at_or_above_matches_scan():
    from analyzer.structure.headings import Heading, _next_at_or_above

    rng = random.Random(17)
    for _ in range(200):
        heads = [Heading(i * 10, rng.randint(0, 3), "t") for i in range(rng.randint(0, 40))]
        want = [next((g.start for g in heads[i + 1:] if g.level <= h.level), 999) for i, h in enumerate(heads)]
        assert _next_at_or_above(heads, 999) == want


def _term_uses_by_alternation(text, definitions):
    """The single-regex search (every term one alternative, longest first) ``find_term_uses`` replaces."""
    from analyzer.nlp.resources import Hit

    terms = sorted({h.value for h in definitions if h.value and any(c.isupper() for c in h.value)}, key=len, reverse=True)
    if not terms:
        return []
    rx = re.compile(r"(?<![\w\"“])(" + "|".join(re.escape(t) for t in terms) + r")(?='s\b|’s\b|s\b|\b)(?![\"”])")
    defined = sorted((h.start, h.end) for h in definitions)
    out, j = [], 0
    for m in rx.finditer(text):
        s, e = m.span(1)
        while j < len(defined) and defined[j][1] <= s:
            j += 1
        if j < len(defined) and defined[j][0] < e and s < defined[j][1]:
            continue
        out.append(Hit(s, e, "term_use", m.group(1)))
    return out


def test_defined_term_uses_match_the_alternation():
    from analyzer.nlp.resources import Hit
    from analyzer.nlp.terms import find_term_uses

    rng = random.Random(37)
    pieces = ["A", "Ab", "Abc", "B", "Party", "Parties", "s", "'s", "’s", " ", '"', "”", "“", "_", "1", "é", "É", ".",
              "(", "-", "x", "\n", "Ç+", "[a]"]
    found = 0
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        defs = []
        for _ in range(rng.randint(0, 6)):
            if text and rng.random() < 0.5:
                s = rng.randint(0, len(text) - 1)
                e = rng.randint(s, min(len(text), s + 8))
                defs.append(Hit(s, e, "defined_term", text[s:e]))
            else:
                defs.append(Hit(0, 0, "defined_term", "".join(rng.choice(pieces) for _ in range(rng.randint(1, 4)))))
        uses = find_term_uses(text, defs)
        assert uses == _term_uses_by_alternation(text, defs), (text, defs)
        found += len(uses)
    assert found > 20  # the comparison saw real uses, not only empty lists


# ------------------------------------------------------------------ segmentation

def _random_tree(rng: random.Random):
    from analyzer.structure.tree import Node

    nodes = []
    for i in range(rng.randint(1, 40)):
        parent = rng.choice(nodes) if nodes and rng.random() < 0.8 else None
        nodes.append(Node(i, "section", depth=(parent.depth + 1) if parent else 0, parent=parent))
    hidden = [n for n in nodes if rng.random() < 0.15]  # parents dropped from the list keep their links
    listed = [n for n in nodes if n not in hidden]
    rng.shuffle(listed)
    return listed


def test_definition_tree_matches_descends():
    from analyzer.structure.tree import _Tree, descends

    rng = random.Random(19)
    for _ in range(200):
        listed = _random_tree(rng)
        tree = _Tree(listed)
        for n in listed:
            assert tree.descendants(n) == [c for c in listed if descends(c, n)]
            assert tree.children(n) == [c for c in listed if c.parent is n]


def test_clause_ends_match_the_scan():
    from analyzer.structure.segment import _finish
    from analyzer.structure.tree import Node

    rng = random.Random(23)
    text = "x" * 500
    for _ in range(200):
        nodes, stack = [], []
        for i in range(rng.randint(0, 40)):
            depth = rng.randint(0, len(stack))
            del stack[depth:]
            node = Node(i * 10 + rng.randint(0, 3), "section", depth=depth, parent=stack[-1] if stack else None,
                        end=rng.choice([0, 300, 480]))
            stack.append(node)
            nodes.append(node)
        copies = {id(n): Node(n.start, n.kind, depth=n.depth, end=n.end) for n in nodes}
        for n in nodes:
            copies[id(n)].parent = copies[id(n.parent)] if n.parent else None
        ref = [copies[id(n)] for n in nodes]
        ref.sort(key=lambda n: (n.start, n.depth))
        for i, n in enumerate(ref):  # the scan the index replaces
            end = n.parent.end if n.parent is not None and n.parent.end else len(text)
            for later in ref[i + 1:]:
                if later.depth <= n.depth:
                    end = min(end, later.start)
                    break
            n.end = end
        _finish(text, nodes)
        assert [(n.start, n.depth, n.end) for n in nodes if n.kind != "preamble"] == [(n.start, n.depth, n.end) for n in ref]


def test_toc_entry_count_matches_findall():
    from analyzer.structure.segment import _TOC_ENTRY, _Seen

    rng = random.Random(29)
    tokens = ["Section", "SECTION", "Article", "ARTICLE", " ", "  ", "\n", "12.3", "1.2", "4", "IV", "A", "B", ".", "x", "(a)"]
    for _ in range(200):
        text = "".join(rng.choice(tokens) for _ in range(rng.randint(0, 80)))
        seen = _Seen(text)
        for start in sorted({rng.randint(0, len(text)) for _ in range(3)}):
            for end in sorted(rng.randint(start, len(text)) for _ in range(8)) + [rng.randint(start, len(text))]:
                assert seen.toc_entries(start, end) == len(_TOC_ENTRY.findall(text, start, end)), (text, start, end)


class _CountingPattern:
    """A stand-in for a compiled pattern that counts the scans started on it."""

    def __init__(self, pattern):
        self.pattern, self.scans = pattern, 0

    def finditer(self, *args):
        self.scans += 1
        return self.pattern.finditer(*args)

    def findall(self, *args):
        self.scans += 1
        return self.pattern.findall(*args)


def test_table_of_contents_test_scans_the_text_once_per_sequence(monkeypatch):
    """Many numbered lists restarting at 1 under top-level clauses numbered from 1: every list
    start asks whether a table of contents ended there, and the answer reuses one scan."""
    from analyzer.core.schema import Format, SourceDocument
    from analyzer.structure import segment as seg

    body = "The Licensee shall keep full records of all work under this clause for the whole Term. " * 4
    parts = ["LICENCE AGREEMENT", ""]
    for i in range(1, 121):
        parts += [f"{i}. OBLIGATIONS PART {i}", "", body, "", f"1. First item: {body}", "", f"2. Second item: {body}", ""]
    text = "\n".join(parts)
    counting = _CountingPattern(seg._TOC_ENTRY)
    monkeypatch.setattr(seg, "_TOC_ENTRY", counting)
    doc = SourceDocument(source="t.txt", format=Format.TXT, sha256="0" * 64, text=text)
    clauses = seg.segment(doc)
    headed = [c.heading for c in clauses if c.parent_id is None and (c.heading or "").startswith("OBLIGATIONS")]
    assert headed == [f"OBLIGATIONS PART {i}" for i in range(1, 121)]
    assert counting.scans <= 4  # one per top-level sequence start, not one per list


# ------------------------------------------------------------------ PDF paragraphs

def _join_whole(prev: str, nxt: str, keep: set[str], soft: bool) -> str:
    """The join over the whole paragraph text that ``paragraphs`` must reproduce."""
    if soft:
        return prev + nxt
    m = re.search(r"([A-Za-z]+)-$", prev)
    if m and prev.endswith("-") and not prev.endswith("--"):
        head = re.match(r"^([a-z]+)", nxt)
        word = m.group(1)
        if head is None:
            return prev + nxt
        from analyzer.ingest.pdf_cleanup import _COMPOUND_PREFIXES

        if word.lower() in _COMPOUND_PREFIXES or f"{word}-{head.group(1)}".lower() in keep:
            return prev + nxt
        return prev[:-1] + nxt
    return prev + " " + nxt


def _paragraphs_whole(lines, keep):
    from analyzer.ingest.pdf_cleanup import starts_new_paragraph, typical_length

    full = typical_length(lines)
    out, prev = [], None
    for line in lines:
        if not line.text:
            continue
        if prev is not None and (prev.soft_hyphen or not starts_new_paragraph(prev.text, line, full)):
            out[-1] = _join_whole(out[-1], line.text, keep, prev.soft_hyphen)
        else:
            out.append(line.text)
        prev = line
    return out


def test_pdf_paragraphs_match_the_whole_paragraph_join():
    from analyzer.ingest.pdf_cleanup import Line, paragraphs

    rng = random.Random(31)
    words = ["the", "licen-", "sed", "non-", "exclusive", "know-", "how", "Agree-", "ment", "-", "--", "a", "B-", "2020",
             "Products.", "and", "of", "(a)", "1.2", "improve", "x" * 250 + "-", "y" * 120]
    for _ in range(300):
        lines = []
        for _ in range(rng.randint(0, 30)):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
            lines.append(Line(text, gap=rng.random() < 0.1, soft_hyphen=rng.random() < 0.1))
        keep = {"know-how", "b-sed"}
        assert paragraphs(lines, keep) == _paragraphs_whole(lines, keep)


def test_pdf_join_reads_a_bounded_tail(monkeypatch):
    from analyzer.ingest import pdf_cleanup
    from analyzer.ingest.pdf_cleanup import WORD_TAIL_CHARS, Line, paragraphs

    seen: list[int] = []
    real = pdf_cleanup._joint
    monkeypatch.setattr(pdf_cleanup, "_joint", lambda prev, *a: seen.append(len(prev)) or real(prev, *a))
    lines = [Line(f"continuing text of the clause number {i} with the licen-") for i in range(2000)]
    out = paragraphs(lines, set())
    assert len(out) == 1 and len(seen) == 1999
    assert max(seen) <= WORD_TAIL_CHARS


_PDF_PAGE_SCRIPT = textwrap.dedent("""
    from analyzer.ingest.pdf_cleanup import Line, paragraphs
    lines, expected = [], ""
    for i in range(8000):
        kind = i % 3
        tail = ("the licen-", "a non-", "and the")[kind]
        text = f"sed products of part {i} are made under this clause by {tail}"
        lines.append(Line(text))
        expected += text
        if i < 7999:
            expected = expected[:-1] if kind == 0 else expected if kind == 1 else expected + " "
    out = paragraphs(lines, set())
    assert out == [expected], (len(out), out[0][:200])
    print("ok")
""")


def test_pdf_page_of_8000_continuing_lines_joins_in_bounded_time():
    proc = subprocess.run([sys.executable, "-c", _PDF_PAGE_SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr[-2000:]


# ------------------------------------------------------------------ DOCX page count

def _docx_with_app(tmp_path: Path, name: str, app_body: str) -> Path:
    source = ROOT / "samples" / "mutual_nda.docx"
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
           '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">' + app_body + "</Properties>")
    buf = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = app.encode() if item.filename == "docProps/app.xml" else zin.read(item)
            zout.writestr(item.filename, data)
    path = tmp_path / name
    path.write_bytes(buf.getvalue())
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("pages", ["²", "١٢", "3\u00b2", "12x", "-5", ""])
def test_docx_pages_that_are_not_ascii_digits_are_ignored(tmp_path, pages):
    from analyzer.ingest import Limits, parse

    path = _docx_with_app(tmp_path, "odd_pages.docx", f"<!-- rendered --><?pi x?><Pages>{pages}</Pages>")
    assert parse(path, limits=Limits()).text.strip()


def test_docx_page_count_over_the_limit_is_refused_without_reading_a_long_number(tmp_path):
    from analyzer.core.errors import TooLarge
    from analyzer.ingest import Limits, parse

    for pages, limit in [("1" * 5000, 1000), ("0" * 50 + "7", 6), ("1001", 1000)]:
        path = _docx_with_app(tmp_path, "many_pages.docx", f"<Pages>{pages}</Pages>")
        with pytest.raises(TooLarge) as err:
            parse(path, limits=Limits(max_pages=limit))
        message = str(err.value)
        assert "\n" not in message and "many_pages.docx" in message and len(message) < 300
    path = _docx_with_app(tmp_path, "few_pages.docx", "<Pages>" + "0" * 40 + "3</Pages>")
    assert parse(path, limits=Limits(max_pages=3)).text


@pytest.mark.slow
def test_cli_docx_with_superscript_page_count_gives_no_traceback(tmp_path):
    path = _docx_with_app(tmp_path, "superscript.docx", "<Pages>²</Pages>")
    proc = _cli("analyze", str(path), "-o", str(tmp_path / "out.json"))
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode == 1:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "superscript.docx" in lines[0]


def test_cli_docx_with_a_huge_page_count_is_a_one_line_error(tmp_path):
    path = _docx_with_app(tmp_path, "huge_count.docx", "<Pages>" + "9" * 6000 + "</Pages>")
    proc = _cli("analyze", str(path), "-o", str(tmp_path / "out.json"))
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "huge_count.docx" in lines[0] and "Traceback" not in proc.stderr
