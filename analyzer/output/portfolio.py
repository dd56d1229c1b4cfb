"""Portfolio view of many reports: one summary row per contract.

A row has ``file``, ``status``, ``agreement_type``, ``confidence``, ``parties``,
one cell per category id of ``analyzer.core.taxonomy.ALL_CATEGORIES`` (``CATEGORY_COLUMNS``) and the number of
findings per severity (``high``, ``medium``, ``low``), then ``error``.

Category cells:
- ``"risk"``: a risk or deviation finding in that category;
- ``"missing"``: the playbook requires the category and reports it missing;
- ``"present"``: the category was found (a flagged label); for ``cap_on_liability`` only when a
  sentence of the liability evidence caps liability (``analyzer.output.facts.liability_cap``),
  as the liability findings read it;
- ``""``: not found and not required.

The ``parties`` column holds the party names; ``category_value(row, category)`` gives
the cell of any category, ``parties`` included ("present" when names were found).

``write_summary`` writes ``summary.csv``, ``summary.xlsx`` (conditional colours) and
``summary.html`` (a self-contained heatmap: contracts x categories).

Every string cell of a CSV or XLSX export goes through ``spreadsheet_safe``: a
value that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or a line feed) is prefixed with ``'``,
as OWASP advises against CSV/formula injection; CSV rows end in CRLF so that
a line break inside a cell is always quoted.
"""

from __future__ import annotations

import html as _html
import io
from pathlib import Path
from typing import Iterable

from analyzer.core.schema import Report, Severity, Status
from analyzer.core.taxonomy import ALL_CATEGORIES

SEVERITIES = [s.value for s in Severity]
STATUSES = [s.value for s in Status]
# Rows without a report: nothing was found in them.
_NO_REPORT = (Status.FAILURE, Status.SKIPPED)
HEAD_COLUMNS = ["file", "status", "agreement_type", "confidence", "parties"]
# The category id ``parties`` shares its name with the ``parties`` column (the party
# names), so it has no column of its own: ``category_value(row, "parties")`` derives it.
CATEGORY_COLUMNS = [c for c in ALL_CATEGORIES if c not in HEAD_COLUMNS]
COLUMNS = HEAD_COLUMNS + CATEGORY_COLUMNS + SEVERITIES + ["error"]
CELL_VALUES = ["present", "missing", "risk", ""]

# Colours shared by the XLSX and the HTML heatmap (hex RGB, no '#').
COLOURS = {
    "present": "B7E1A1",
    "missing": "F4B183",
    "risk": "E06666",
    "error": "9E9E9E",
    Status.SKIPPED.value: "D9D9D9",
    Status.PARTIAL_SUCCESS.value: "FFE699",
    Status.SUCCESS.value: "C6EFCE",
    Status.FAILURE.value: "E06666",
}


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    """``value`` made inert for a spreadsheet cell: strings that start a formula get a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_frame(frame):
    """A copy of ``frame`` with ``spreadsheet_safe`` applied to every cell and column name."""
    cellwise = getattr(frame, "map", None) or frame.applymap  # DataFrame.map is pandas >= 2.1
    out = cellwise(spreadsheet_safe)
    out.columns = [spreadsheet_safe(c) for c in frame.columns]
    return out


def csv_text(frame) -> str:
    """``frame`` as CSV for a spreadsheet: cells made inert (``spreadsheet_frame``), CRLF rows.

    With CRLF as the row end, a cell holding a carriage return or line feed is
    quoted, so it cannot start a new row.
    """
    return spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n")


def category_value(row: dict, category: str) -> str:
    """The heatmap cell of ``category`` in a summary row: present / missing / risk / ""."""
    if category in HEAD_COLUMNS:
        return "present" if row.get(category) and row.get("status") not in _NO_REPORT else ""
    return row.get(category) or ""


def _cells(report: Report) -> dict[str, str]:
    from analyzer.output.facts import NO_CAP, liability_cap

    cells = {c: "" for c in CATEGORY_COLUMNS}
    for lab in report.labels:
        if lab.flagged and lab.category in cells:
            cells[lab.category] = "present"
    if cells.get("cap_on_liability") == "present":
        cap = liability_cap(report)
        if cap is not None and cap.state == NO_CAP:  # a label on an exclusion of loss is not a cap
            cells["cap_on_liability"] = ""
    for f in report.findings:
        if f.category not in cells:
            continue
        if f.kind in ("risk", "deviation"):
            cells[f.category] = "risk"
        elif f.kind == "missing" and cells[f.category] != "risk":
            cells[f.category] = "missing"
    return cells


def summarize(report: Report, source: str) -> dict:
    """One summary row for ``report``; ``source`` names the file (a relative path)."""
    at = report.agreement_type
    row: dict = {
        "file": source,
        "status": report.status.value,
        "agreement_type": at.label if at else "",
        "confidence": round(at.confidence, 3) if at else None,
        "parties": "; ".join(p.name for p in report.parties),
    }
    row.update(_cells(report))
    for sev in SEVERITIES:
        row[sev] = sum(1 for f in report.findings if f.severity == sev)
    row["error"] = ""
    return row


def _empty_row(source: str, status: Status, reason: str) -> dict:
    row: dict = {"file": source, "status": status.value, "agreement_type": "", "confidence": None, "parties": ""}
    row.update({c: "" for c in CATEGORY_COLUMNS})
    row.update({s: 0 for s in SEVERITIES})
    row["error"] = reason
    return row


def error_row(source: str, reason: str) -> dict:
    """Row for a file that could not be analyzed (status ``failure``, ``error`` = reason)."""
    return _empty_row(source, Status.FAILURE, reason)


def skipped_row(source: str, reason: str = "not a DOCX, PDF or TXT file") -> dict:
    """Row for a file that batch review did not try (status ``skipped``)."""
    return _empty_row(source, Status.SKIPPED, reason)


def portfolio_frame(rows: Iterable[dict]):
    """Rows as a ``pandas.DataFrame`` with the fixed column order (extra keys go last)."""
    import pandas as pd

    rows = list(rows)
    extra = [k for r in rows for k in r if k not in COLUMNS]
    columns = COLUMNS + list(dict.fromkeys(extra))
    frame = pd.DataFrame(rows, columns=columns)
    for sev in SEVERITIES:
        frame[sev] = frame[sev].fillna(0).astype(int)
    return frame


def write_summary(rows: Iterable[dict], out_dir: Path) -> None:
    """Write summary.csv, summary.xlsx and summary.html into ``out_dir`` (atomically)."""
    from analyzer.core import files as atomic

    rows = sorted(rows, key=lambda r: r["file"])
    out_dir = Path(out_dir)
    frame = portfolio_frame(rows)
    atomic.write_text(out_dir / "summary.csv", csv_text(frame))
    atomic.write_bytes(out_dir / "summary.xlsx", _xlsx_bytes(spreadsheet_frame(frame)))
    atomic.write_text(out_dir / "summary.html", heatmap_html(rows))


def _xlsx_bytes(frame) -> bytes:
    """The summary workbook; string cells are stored as text (``spreadsheet_safe``), never as formulas."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "summary"
    ws.append([spreadsheet_safe(c) for c in frame.columns])
    for values in frame.itertuples(index=False):
        ws.append([None if _isnan(v) else spreadsheet_safe(v) for v in values])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = max(ws.max_row, 2)
    cols = list(frame.columns)

    def rng(name_from: str, name_to: str) -> str:
        a = get_column_letter(cols.index(name_from) + 1)
        b = get_column_letter(cols.index(name_to) + 1)
        return f"{a}2:{b}{n}"

    def fill(key: str) -> PatternFill:
        return PatternFill(start_color=COLOURS[key], end_color=COLOURS[key], fill_type="solid")

    cats = rng(CATEGORY_COLUMNS[0], CATEGORY_COLUMNS[-1])
    for value in ("present", "missing", "risk"):
        ws.conditional_formatting.add(cats, CellIsRule(operator="equal", formula=[f'"{value}"'], fill=fill(value)))
    status = rng("status", "status")
    for value in STATUSES:
        ws.conditional_formatting.add(status, CellIsRule(operator="equal", formula=[f'"{value}"'], fill=fill(value)))
    high = rng(Severity.HIGH.value, Severity.HIGH.value)
    ws.conditional_formatting.add(high, CellIsRule(operator="greaterThan", formula=["0"], fill=fill("risk")))
    for i, name in enumerate(cols, start=1):
        letter = get_column_letter(i)
        if name in CATEGORY_COLUMNS:
            ws.column_dimensions[letter].width = 9
            ws.cell(row=1, column=i).alignment = Alignment(text_rotation=90)
        else:
            ws.column_dimensions[letter].width = {"file": 40, "parties": 40, "error": 60}.get(name, 12)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{n}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _isnan(v) -> bool:
    return isinstance(v, float) and v != v


_CSS = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table.heatmap{border-collapse:collapse;font-size:12px}
.heatmap th,.heatmap td{border:1px solid #fff;padding:0}
.heatmap th.cat{height:170px;white-space:nowrap;vertical-align:bottom;width:16px}
.heatmap th.cat div{transform:translate(4px,0) rotate(-60deg);transform-origin:left bottom;width:16px}
.heatmap th.sev{padding:0 .5em;vertical-align:bottom}
.heatmap th{text-align:left;vertical-align:bottom}
.heatmap td.c{width:16px;height:16px;background:#f2f2f2}
.heatmap td.f{padding:0 .6em 0 0;white-space:nowrap;max-width:28em;overflow:hidden;text-overflow:ellipsis}
.heatmap td.n{padding:0 .4em;text-align:right}
.heatmap td.err{padding:0 .4em;white-space:nowrap}
.legend span{display:inline-block;padding:.1em .6em;margin-right:.4em;border-radius:3px}
"""


def heatmap_html(rows: Iterable[dict], title: str = "Portfolio review") -> str:
    """Self-contained HTML heatmap of contracts x categories (no scripts, no CDN)."""
    esc = _html.escape
    rows = list(rows)
    css_cells = "".join(f".heatmap td.{k},.legend .{k}{{background:#{v}}}" for k, v in COLOURS.items())
    counts = {s: sum(1 for r in rows if r.get("status") == s) for s in STATUSES}
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{esc(title)}</title><style>{_CSS}{css_cells}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        "<p>" + ", ".join(f"{n} {esc(s.replace('_', ' '))}" for s, n in counts.items()) + f" ({len(rows)} files)</p>",
        "<p class='legend'>" + "".join(f"<span class='{k}'>{k}</span>" for k in ("present", "missing", "risk", "error")) + "</p>",
        "<table class='heatmap'><thead><tr><th>file</th><th>type&nbsp;</th>",
    ]
    parts += [f"<th class='cat'><div>{esc(c)}</div></th>" for c in ALL_CATEGORIES]
    parts.append("".join(f"<th class='sev'>{s}</th>" for s in SEVERITIES) + "</tr></thead><tbody>")
    for r in rows:
        name = esc(str(r.get("file", "")))
        status = r.get("status", "")
        if status in _NO_REPORT:
            cls = "error" if status == Status.FAILURE else Status.SKIPPED.value
            parts.append(f"<tr><td class='f' title='{name}'>{name}</td><td class='n'>{esc(status)}</td>"
                         f"<td class='err {cls}' colspan='{len(ALL_CATEGORIES) + 3}'>{esc(str(r.get('error', '')))}</td></tr>")
            continue
        parts.append(f"<tr><td class='f' title='{name}'>{name}</td><td class='n'>{esc(str(r.get('agreement_type') or ''))}</td>")
        for c in ALL_CATEGORIES:
            v = category_value(r, c)
            parts.append(f"<td class='c {v}' title='{esc(c)}: {v or 'not found'}'></td>" if v else f"<td class='c' title='{esc(c)}'></td>")
        parts += [f"<td class='n'>{int(r.get(s) or 0)}</td>" for s in SEVERITIES]
        parts.append("</tr>")
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts)
