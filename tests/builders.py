"""Hand-built reports for tests of the gap analysis."""

from __future__ import annotations

import hashlib

from analyzer.core.schema import Clause, DocumentInfo, Label, Report


def add_sections(text: str, sections, sep: str = "\n\n") -> tuple[str, list[Clause]]:
    """``text`` followed by '<n>. <heading>' sections (``sections``: (heading, body) pairs), each ended
    by ``sep``, and their clauses ``c1``, ``c2``, ... (a clause's span leaves ``sep`` out)."""
    clauses = []
    for n, (heading, body) in enumerate(sections, 1):
        start = len(text)
        text += f"{n}. {heading}\n{body}{sep}"
        clauses.append(Clause(id=f"c{n}", number=str(n), heading=heading, start=start, end=len(text) - len(sep)))
    return text, clauses


def clause_report(sections=(), loose: str = "", labels=(), source: str = "p.txt") -> Report:
    """A report with '<n>. <heading>' clauses, then ``loose`` text outside any clause; ``labels`` are
    (category, text) pairs flagged by a pretend classifier."""
    text, clauses = add_sections("SUPPLY AGREEMENT\n\n", sections)
    text += loose
    labs = []
    for cat, snippet in labels:
        s = text.index(snippet)
        labs.append(Label(category=cat, confidence=0.9, flagged=True, start=s, end=s + len(snippet)))
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Report(document=DocumentInfo(source=source, format="txt", sha256=sha, chars=len(text)), text=text,
                  clauses=clauses, labels=labs)
