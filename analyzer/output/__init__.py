"""Stage 7: renderers of a report (JSON, Markdown, HTML) and portfolio exports (CSV, XLSX, HTML)."""

from analyzer.output.render import render, to_json

__all__ = ["render", "to_json"]
