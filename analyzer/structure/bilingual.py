"""Bilingual (English/Chinese) documents: the layout, one clause tree per language, and the pairs.

Layouts (``layout``):

- ``table``: the versions side by side in a table, one language per column;
- ``alternating``: paragraphs alternate between the languages;
- ``sequential``: one full version after the other.

Each language is segmented on its own *view* of the text: the other language's blocks are
blanked with spaces (offsets are kept, so every clause span still indexes ``doc.text``) and
each kept block starts a line. Blocks with no letters or with both languages are in both views.
The two trees are merged; a clause's ``language`` is its view's.

Pairs (``align``): first by numbering (the path of values from the top, so "Article 2", "第二条"
and "2." are all 2, and "2.1" is (2, 1) under either), then, for what is left, by position among
the children of paired parents, between the same two pairs (pairs never cross), when the lengths agree (English takes about 1.5-8 characters per
Chinese character). A pair found by position whose numbers differ is reported as such; clauses
without a counterpart are listed per language.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from analyzer.core.cjk import cn_number, language_of
from analyzer.core.schema import Bilingual, Block, Clause, ClausePair, SourceDocument
from analyzer.structure.clause_numbers import letter_value, roman_to_int

_TEXT_KINDS = ("paragraph", "heading", "list_item")
MIN_SHARE = 0.15  # each language holds at least this share of the text blocks' characters
MIN_TABLE_ROWS = 3
_SPECIAL = ("preamble", "recitals", "signature")
_RATIO = (1.5, 8.0)  # English characters per Chinese character for a positional pair


def _top_blocks(doc: SourceDocument) -> list[Block]:
    """Text blocks outside table cells, and table cells."""
    cells = {b.id for b in doc.blocks if b.kind == "table_cell"}
    return [b for b in doc.blocks if (b.kind in _TEXT_KINDS and b.parent_id not in cells) or b.kind == "table_cell"]


def _bilingual_tables(doc: SourceDocument) -> set[str]:
    """Ids of tables whose columns hold different languages (at least ``MIN_TABLE_ROWS`` rows)."""
    rows: dict[tuple[str, int], dict[int, Optional[str]]] = {}
    for b in doc.blocks:
        if b.kind == "table_cell" and b.parent_id and b.row is not None:
            rows.setdefault((b.parent_id, b.row), {})[b.col or 0] = b.language
    count: dict[str, list[int]] = {}
    for (tid, _), cols in rows.items():
        langs = {cols.get(0), cols.get(1)}
        c = count.setdefault(tid, [0, 0])
        if None not in langs:
            c[1] += 1
            c[0] += langs == {"en", "zh"}
    return {tid for tid, (diff, both) in count.items() if diff >= MIN_TABLE_ROWS and diff >= 0.6 * both}


def detect_layout(doc: SourceDocument) -> Optional[str]:
    """``table``, ``alternating`` or ``sequential`` for a bilingual document; None for one language."""
    blocks = [b for b in _top_blocks(doc) if b.language in ("en", "zh")]
    size = {"en": 0, "zh": 0}
    for b in blocks:
        size[b.language] += (b.end - b.start) * (3 if b.language == "zh" else 1)
    total = size["en"] + size["zh"]
    if not total or min(size.values()) < MIN_SHARE * total:
        return None
    if _bilingual_tables(doc):
        return "table"
    seq = [b.language for b in blocks if b.kind != "table_cell"]
    switches = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
    return "alternating" if switches >= 4 and switches >= 0.2 * len(seq) else "sequential"


def language_view(doc: SourceDocument, lang: str, tables: set[str]) -> SourceDocument:
    """``doc`` with every block of the other language blanked (see the module doc)."""
    text = doc.text
    other = "zh" if lang == "en" else "en"
    cells = {b.id: b for b in doc.blocks if b.kind == "table_cell"}
    keep: list[Block] = []
    for b in _top_blocks(doc):
        if b.language == other:
            continue
        keep.append(b)
    chars = [c if c == "\n" else " " for c in text]
    for b in keep:
        chars[b.start:b.end] = text[b.start:b.end]
        if b.start > 0 and chars[b.start - 1] != "\n":
            chars[b.start - 1] = "\n"
    blocks = []
    for b in doc.blocks:
        if b.kind == "table" and b.id in tables:
            continue
        if b.kind == "table_cell" and b.parent_id in tables:
            continue
        parent = cells.get(b.parent_id or "")
        if parent is not None and parent.parent_id in tables and parent.language == other:
            continue
        if b.kind in _TEXT_KINDS and b.language == other:
            continue
        blocks.append(b)
    return doc.model_copy(update={"text": "".join(chars), "blocks": blocks})


def segment_bilingual(doc: SourceDocument, layout: str, segment_one: Callable[[SourceDocument], list[Clause]]) -> list[Clause]:
    """Clauses of both languages' views, merged in document order, each with its ``language``."""
    tables = _bilingual_tables(doc) if layout == "table" else set()
    out: list[Clause] = []
    seen: set[tuple[int, int, str]] = set()
    for lang in ("en", "zh"):
        view = language_view(doc, lang, tables)
        for c in segment_one(view):
            key = (c.start, c.end, c.kind)
            if key in seen:
                continue
            seen.add(key)
            c.language = lang
            out.append(c)
    out.sort(key=lambda c: (c.start, -c.end))
    return out


# ----------------------------------------------------------------------------------- alignment

_ARTICLE = re.compile(r"^(?:article|section|clause|§)\s*", re.I)
_CN = re.compile(r"^第\s*(.+?)\s*[章节条款]$")


def number_values(number: Optional[str]) -> Optional[tuple[int, ...]]:
    """The values a clause number stands for: "Article 2", "第二条", "2." -> (2,); "2.1" -> (2, 1);
    "(b)", "(ii)", "（二）" -> (2,). None when it is not a number."""
    if not number:
        return None
    s = _ARTICLE.sub("", number.strip()).strip(" .、．")
    m = _CN.match(s)
    if m:
        n = cn_number(m.group(1))
        return (n,) if n else None
    s = s.strip("()（）")
    if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*", s):
        return tuple(int(x) for x in s.split("."))
    n = cn_number(s)
    if n:
        return (n,)
    if re.fullmatch(r"[ivxlcIVXLC]{1,6}", s) and roman_to_int(s) and len(s) > 1:
        return (roman_to_int(s),)
    if re.fullmatch(r"[A-Za-z]{1,2}", s):
        v = letter_value(s)
        return (v,) if v else None
    return None


def _paths(clauses: list[Clause]) -> dict[str, Optional[tuple[int, ...]]]:
    """Number path of each clause from the top: a dotted number is absolute, any other is appended
    to its parent's path."""
    by_id = {c.id: c for c in clauses}
    memo: dict[str, Optional[tuple[int, ...]]] = {}

    def path(c: Clause) -> Optional[tuple[int, ...]]:
        if c.id in memo:
            return memo[c.id]
        memo[c.id] = None
        v = number_values(c.number)
        if v is None:
            out = None
        elif len(v) > 1:
            out = v
        else:
            parent = by_id.get(c.parent_id or "")
            base = path(parent) if parent is not None else ()
            out = (base or ()) + v if parent is not None and base else v
        memo[c.id] = out
        return out

    for c in clauses:
        path(c)
    return memo


def _chars(text: str, c: Clause, lang: str) -> int:
    piece = text[c.start:c.end]
    return len(re.findall(r"[\u4e00-\u9fff]", piece)) if lang == "zh" else len(re.findall(r"[A-Za-z]", piece))


def align(text: str, clauses: list[Clause], layout: str) -> Bilingual:
    """Pair the English and Chinese clauses (see the module doc); sets ``counterpart_id`` on both."""
    en = [c for c in clauses if c.language == "en"]
    zh = [c for c in clauses if c.language == "zh"]
    paths = _paths(clauses)
    pairs: list[ClausePair] = []
    paired: dict[str, str] = {}

    def pair(a: Clause, b: Clause, by: str, differ: bool = False) -> None:
        pairs.append(ClausePair(en_id=a.id, zh_id=b.id, by=by, numbers_differ=differ))
        paired[a.id], paired[b.id] = b.id, a.id

    by_path: dict[tuple, Clause] = {}
    for c in zh:
        p = paths.get(c.id)
        if p is not None and c.kind not in _SPECIAL:
            by_path.setdefault(p, c)
    for c in en:
        p = paths.get(c.id)
        if p is not None and c.kind not in _SPECIAL and p in by_path and by_path[p].id not in paired:
            pair(c, by_path[p], "number")
    for kind in _SPECIAL:
        a = next((c for c in en if c.kind == kind), None)
        b = next((c for c in zh if c.kind == kind), None)
        if a is not None and b is not None and a.id not in paired and b.id not in paired:
            pair(a, b, "position")
    # what is left: in order under paired parents (or at the top), between the same two pairs
    # found so far (pairs never cross), when the lengths agree
    by_id = {c.id: c for c in clauses}
    anchors = [(by_id[p.en_id].start, by_id[p.zh_id].start) for p in pairs]
    groups: dict[tuple, tuple[list[Clause], list[Clause]]] = {}
    for lang, items in (("en", en), ("zh", zh)):
        side = 0 if lang == "en" else 1
        for c in items:
            if c.id in paired or c.kind in _SPECIAL:
                continue
            parent = c.parent_id
            key = tuple(sorted((parent, paired[parent]))) if parent in paired else (None,) if parent is None else ("x", parent)
            gap = sum(1 for a in anchors if a[side] < c.start)
            groups.setdefault(key + (gap,), ([], []))[side].append(c)
    for key, (a_list, b_list) in groups.items():
        if key[0] == "x":
            continue
        for a, b in zip(a_list, b_list):
            ea, zb = _chars(text, a, "en"), _chars(text, b, "zh")
            if zb and _RATIO[0] <= ea / zb <= _RATIO[1]:
                pa, pb = paths.get(a.id), paths.get(b.id)
                pair(a, b, "position", differ=pa is not None and pb is not None and pa != pb)
    for c in clauses:
        if c.id in paired:
            c.counterpart_id = paired[c.id]
    return Bilingual(layout=layout, pairs=pairs,
                     only_en=[c.id for c in en if c.id not in paired and c.kind not in _SPECIAL],
                     only_zh=[c.id for c in zh if c.id not in paired and c.kind not in _SPECIAL])


def tag_clauses(text: str, clauses: list[Clause]) -> None:
    """Set ``language`` on clauses that have none, from their text."""
    for c in clauses:
        if c.language is None:
            c.language = language_of(text[c.start:c.end])


def alignment(doc: SourceDocument, clauses: list[Clause]) -> Optional[Bilingual]:
    """The pairs of a bilingual document's clauses (None for a document in one language)."""
    layout = detect_layout(doc)
    return align(doc.text, clauses, layout) if layout else None


def document_language(doc: SourceDocument) -> Optional[str]:
    """``mixed`` for a bilingual document, else the language of its text."""
    if detect_layout(doc):
        return "mixed"
    return language_of(doc.text)
