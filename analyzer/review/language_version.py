"""Bilingual review: the language-version clause, clauses in one language only, and both versions
cited in every finding.

The language-version clause says in which languages the contract is made and which version
governs. It is read from the sentences that speak of the languages or versions, in either
language:

- a version prevails ("the English version shall prevail", "以中文文本为准");
- both are equally authentic ("equally authentic", "具有同等效力");
- neither.

In a bilingual document (``Report.bilingual``):

- no language-version clause -> ``missing`` (high): a discrepancy between the versions has no rule;
- equally authentic and no version prevails -> ``risk`` (medium): no tie-breaker;
- a clause in one version only, or a pair whose numbers differ -> ``risk`` (low), one finding each.

Every finding whose evidence lies in a clause with a counterpart also cites the counterpart's
text. Findings then get their Chinese text (``analyzer.review.localize``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from analyzer.core.schema import Finding, Report, Span, Suggestion, make_id
from analyzer.structure.clause_index import ClauseIndex

CATEGORY = "language_version"
RULE_ID = "lang.version"
MAX_ONE_SIDED = 10

_TOPIC = re.compile(r"\b(?:English|Chinese)\b[^.;]{0,80}\b(?:version|text|language)s?\b|\blanguage versions?\b"
                    r"|\bequally authentic\b|\b(?:version|text)\s+shall\s+prevail|\bshall\s+prevail\b"
                    r"|(?:中文|英文|汉语|外文)[^。；]{0,20}(?:文本|版本|书写|写成)|(?:两种|各)?文本[^。；]{0,10}(?:效力|为准)", re.I)
_PREVAILS = (("en", re.compile(r"English\s+(?:language\s+)?(?:version|text)\s+(?:shall\s+)?(?:prevail|govern|control)"
                               r"|以英文(?:文本|版本)?为准", re.I)),
             ("zh", re.compile(r"Chinese\s+(?:language\s+)?(?:version|text)\s+(?:shall\s+)?(?:prevail|govern|control)"
                               r"|以中文(?:文本|版本)?为准", re.I)))
_EQUAL = re.compile(r"equally\s+(?:authentic|valid|binding)|(?:same|equal)\s+(?:legal\s+)?(?:force|effect|validity)"
                    r"|同等(?:的)?(?:法律)?效力|同样(?:的)?(?:法律)?效力|同等作准", re.I)


@dataclass
class LanguageClause:
    spans: list[tuple[int, int]]
    prevails: Optional[str]
    equal: bool


def language_clause(report: Report) -> Optional[LanguageClause]:
    """The sentences that state which language version governs, and what they state."""
    text = report.text
    spans = [(s.start, s.end) for s in report.sentences
             if _TOPIC.search(text[s.start:s.end]) and not _caption(text[s.start:s.end])]
    if not spans:
        return None
    joined = " ".join(text[s:e] for s, e in spans)
    prevails = next((lang for lang, pat in _PREVAILS if pat.search(joined)), None)
    return LanguageClause(spans, prevails, bool(_EQUAL.search(joined)))


def _caption(piece: str) -> bool:
    """A table caption or column heading ("ENGLISH VERSION", "中文文本"), not a clause."""
    return len(re.findall(r"[A-Za-z]", piece)) < 20 and len(re.findall(r"[\u4e00-\u9fff]", piece)) < 8


def english_anchor(report: Report, findings: list[Finding]) -> list[Finding]:
    """In a bilingual document, English language is inserted after the English version of the clause:
    an insertion point in a Chinese clause moves to its English counterpart."""
    if report.bilingual is None:
        return findings
    index = ClauseIndex(report.clauses)
    out = []
    for f in findings:
        s = f.suggestion
        c = index.get(s.after_clause_id) if s is not None and s.action == "insert" else None
        if c is not None and c.language == "zh" and c.counterpart_id:
            f = f.model_copy(update={"suggestion": s.model_copy(update={"after_clause_id": c.counterpart_id})})
        out.append(f)
    return out


def _own_span(report: Report, index: ClauseIndex, clause_id: str) -> Optional[tuple[int, int]]:
    """A clause's own text: up to its first child."""
    c = index.get(clause_id)
    if c is None:
        return None
    kids = [k.start for k in report.clauses if k.parent_id == c.id and k.start > c.start]
    return c.start, min([c.end, *kids])


def cite_both(report: Report, findings: list[Finding]) -> list[Finding]:
    """Each finding with the counterpart text of its evidence added (bilingual documents)."""
    if report.bilingual is None:
        return findings
    index = ClauseIndex(report.clauses)
    out = []
    for f in findings:
        extra: list[Span] = []
        have = {(e.start, e.end) for e in f.evidence}
        for ev in f.evidence:
            c = index.innermost(ev.start, ev.end)
            if c is None or not c.counterpart_id:
                continue
            span = _own_span(report, index, c.counterpart_id)
            if span and span not in have:
                have.add(span)
                extra.append(Span(start=span[0], end=span[1]))
        out.append(f.model_copy(update={"evidence": f.evidence + extra}) if extra else f)
    return out


def _label(report: Report, index: ClauseIndex, clause_id: str) -> str:
    c = index.get(clause_id)
    if c is None:
        return "?"
    return " ".join(x for x in (c.number, c.heading) if x) or c.kind


def bilingual_findings(report: Report) -> list[Finding]:
    """Language-version and one-sided-clause findings of a bilingual document."""
    bi = report.bilingual
    if bi is None:
        return []
    sha = report.document.sha256
    index = ClauseIndex(report.clauses)
    out: list[Finding] = []
    lc = language_clause(report)
    last_body = max((c for c in report.clauses if c.parent_id is None and c.kind in ("article", "section")),
                    key=lambda c: c.start, default=None)
    sug = Suggestion(
        action="insert", after_clause_id=last_body.id if last_body else None,
        text="Language. This Agreement is made in English and Chinese. Both versions are equally authentic; in "
             "case of any discrepancy or inconsistency between them, the [English / Chinese] version prevails.",
        text_zh="语言。本协议以英文和中文写成，两种文本具有同等效力；两种文本如有任何不一致，以[英文 / 中文]文本为准。")
    if lc is None:
        out.append(Finding(
            id=make_id(sha, RULE_ID, "missing"), rule_id=RULE_ID, category=CATEGORY, kind="missing", severity="high",
            message="Missing: language-version clause. The contract is bilingual but does not say which version "
                    "governs or whether both are equally authentic.",
            message_zh="缺少：语言文本条款。本合同为双语文本，但未约定以哪种文本为准，也未约定两种文本是否具有同等效力。",
            rationale="Translations never match exactly. Without a language clause, a court or tribunal decides "
                      "which version governs, and each party will rely on its own.",
            rationale_zh="译文不可能完全一致。如无语言条款，将由法院或仲裁庭决定以哪种文本为准，双方各执一词。",
            suggestion=sug))
    elif lc.equal and lc.prevails is None:
        out.append(Finding(
            id=make_id(sha, RULE_ID, "no-tie-breaker", *[f"{s}-{e}" for s, e in lc.spans]), rule_id=RULE_ID,
            category=CATEGORY, kind="risk", severity="medium",
            message="Both language versions are equally authentic and neither prevails: a discrepancy between the "
                    "English and the Chinese text has no tie-breaker.",
            message_zh="两种文本具有同等效力，且未约定以哪种文本为准：中英文文本不一致时没有解决规则。",
            rationale="Equally authentic versions must be interpreted together; where they differ, the tribunal "
                      "looks for the parties' common intention, which is slow and uncertain. Name the version "
                      "that prevails.",
            rationale_zh="同等效力的文本应相互参照解释；两者不一致时，仲裁庭须探究双方的共同意思，耗时且结果难以预料。"
                         "应约定以哪种文本为准。",
            clause_id=index.innermost_id(*lc.spans[0]),
            evidence=[Span(start=s, end=e) for s, e in lc.spans[:4]],
            suggestion=sug.model_copy(update={"after_clause_id": index.innermost_id(*lc.spans[0]) or sug.after_clause_id})))
    one_sided = [(cid, "English") for cid in bi.only_en] + [(cid, "Chinese") for cid in bi.only_zh]
    for cid, lang in one_sided[:MAX_ONE_SIDED]:
        c = index.get(cid)
        if c is None:
            continue
        zh_lang = "英文" if lang == "English" else "中文"
        other = "中文" if lang == "English" else "英文"
        name = _label(report, index, cid)
        out.append(Finding(
            id=make_id(sha, RULE_ID, "one-sided", cid), rule_id=RULE_ID, category=CATEGORY, kind="risk", severity="low",
            message=f"Clause {name} exists only in the {lang} version; the other version has no counterpart.",
            message_zh=f"第{name}款仅见于{zh_lang}文本，{other}文本中没有对应条款。",
            rationale="A clause missing from one version makes the versions disagree on what was agreed.",
            rationale_zh="一种文本缺少某一条款，会使两种文本对约定内容的表述不一致。",
            clause_id=cid, evidence=[Span(start=c.start, end=c.end)]))
    for p in bi.pairs:
        if not p.numbers_differ:
            continue
        a, b = index.get(p.en_id), index.get(p.zh_id)
        if a is None or b is None:
            continue
        out.append(Finding(
            id=make_id(sha, RULE_ID, "numbering", p.en_id, p.zh_id), rule_id=RULE_ID, category=CATEGORY, kind="risk",
            severity="low",
            message=f"Numbering differs between the versions: English {a.number} matches Chinese {b.number}.",
            message_zh=f"两种文本编号不一致：英文第{a.number}款对应中文第{b.number}款。",
            rationale="Cross-references by number then point to different clauses in each version.",
            rationale_zh="按编号的交叉引用在两种文本中将指向不同条款。",
            clause_id=a.id, evidence=[Span(start=a.start, end=a.end), Span(start=b.start, end=b.end)]))
    return out


def review_languages(report: Report, playbook, perspective: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` with the bilingual findings added, both versions cited, and Chinese text filled in."""
    from analyzer.review.localize import localize

    out = english_anchor(report, cite_both(report, findings) + bilingual_findings(report))
    return localize(report, playbook, perspective, out)
