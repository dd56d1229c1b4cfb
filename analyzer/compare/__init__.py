"""Draft-to-draft comparison: align the clause trees, judge each change for the client, respond.

``compare_drafts(old, new)`` reads and analyzes both drafts (or one DOCX with tracked
changes) and returns a ``Comparison`` whose ``report`` is the ``CompareReport``;
``respond_bytes`` builds the reply: a DOCX of the new draft that reverses its worse changes
as tracked changes, each with a comment. ``analyzer.compare.align`` aligns clause trees
without analyzing anything.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "Comparison": "analyzer.compare.drafts",
    "NoTrackedChanges": "analyzer.compare.drafts",
    "compare_drafts": "analyzer.compare.drafts",
    "compare_reports": "analyzer.compare.report",
    "respond_bytes": "analyzer.compare.respond",
    "write_respond": "analyzer.compare.respond",
}


def __getattr__(name: str):
    """The public names, imported on first use (aligning alone does not load the pipeline)."""
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Comparison", "NoTrackedChanges", "compare_drafts", "compare_reports", "respond_bytes", "write_respond"]
