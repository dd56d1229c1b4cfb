"""Summary rows and the portfolio files (CSV, XLSX with conditional colours, HTML heatmap)."""

from __future__ import annotations

import pandas as pd
import pytest

from analyzer.core.schema import (
    AgreementType,
    DocumentInfo,
    Finding,
    Label,
    Party,
    Report,
    Status,
)
from analyzer.core.taxonomy import ALL_CATEGORIES
from analyzer.output.portfolio import (
    CATEGORY_COLUMNS,
    COLUMNS,
    SEVERITIES,
    category_value,
    error_row,
    heatmap_html,
    portfolio_frame,
    skipped_row,
    summarize,
    write_summary,
)


def _finding(i: int, category: str, kind: str, severity: str) -> Finding:
    return Finding(id=str(i), rule_id=f"r{i}", category=category, kind=kind, severity=severity, message="m")


@pytest.fixture()
def report() -> Report:
    text = "Acme Ltd grants Beta Inc a licence. Governed by English law."
    return Report(
        status=Status.PARTIAL_SUCCESS,
        document=DocumentInfo(source="a.txt", format="txt", sha256="0" * 64, chars=len(text)),
        text=text,
        agreement_type=AgreementType(label="license", confidence=0.91234),
        parties=[Party(name="Acme Ltd", role="licensor", start=0, end=8), Party(name="Beta Inc", role="licensee", start=16, end=24)],
        labels=[
            Label(category="license_grant", confidence=0.97, flagged=True, start=0, end=35),
            Label(category="governing_law", confidence=0.95, flagged=True, start=36, end=60),
            Label(category="cap_on_liability", confidence=0.05, flagged=False, start=0, end=35),
            Label(category="audit_rights", confidence=0.8, flagged=True, start=0, end=35),
        ],
        findings=[
            _finding(1, "confidentiality", "missing", "high"),
            _finding(2, "governing_law", "deviation", "medium"),
            _finding(3, "audit_rights", "missing", "low"),
            _finding(4, "audit_rights", "risk", "low"),
        ],
    )


@pytest.mark.parametrize(
    "category, expected",
    [
        ("license_grant", "present"),   # flagged label
        ("parties", "present"),         # parties were extracted
        ("cap_on_liability", ""),       # label below the threshold, not required
        ("confidentiality", "missing"), # required by the playbook, reported missing
        ("governing_law", "risk"),      # a deviation finding outranks presence
        ("audit_rights", "risk"),       # risk outranks missing
        ("territory", ""),
    ],
)
def test_portfolio_summarize_cells(report, category, expected):
    row = summarize(report, "sub/a.txt")
    assert category_value(row, category) == expected
    assert category == "parties" or row[category] == expected


def test_portfolio_columns_cover_every_category():
    assert set(CATEGORY_COLUMNS) | {"parties"} == set(ALL_CATEGORIES)
    assert len(COLUMNS) == len(set(COLUMNS))


def test_portfolio_summarize_head_and_counts(report):
    row = summarize(report, "sub/a.txt")
    assert list(row) == COLUMNS
    assert (row["file"], row["status"], row["agreement_type"], row["confidence"]) == ("sub/a.txt", "partial_success", "license", 0.912)
    assert row["parties"] == "Acme Ltd; Beta Inc"
    assert (row["high"], row["medium"], row["low"], row["error"]) == (1, 1, 2, "")


@pytest.mark.parametrize("make, status", [(error_row, "failure"), (skipped_row, "skipped")])
def test_portfolio_error_and_skipped_rows(make, status):
    row = make("b.pdf", "b.pdf: file is corrupt or truncated")
    assert list(row) == COLUMNS
    assert row["status"] == status and row["error"] == "b.pdf: file is corrupt or truncated"
    assert all(category_value(row, c) == "" for c in ALL_CATEGORIES) and all(row[s] == 0 for s in SEVERITIES)


@pytest.mark.parametrize("n_rows", [0, 3])
def test_portfolio_frame_columns(report, n_rows):
    rows = [summarize(report, "a.txt"), error_row("b.pdf", "bad"), skipped_row("c.png")][:n_rows]
    frame = portfolio_frame(rows)
    assert list(frame.columns) == COLUMNS and len(frame) == n_rows


@pytest.mark.parametrize("with_rows", [True, False])
def test_portfolio_write_summary_files_open(tmp_path, report, with_rows):
    from openpyxl import load_workbook

    rows = [summarize(report, "z/a.txt"), error_row("b.pdf", "b.pdf: file is corrupt or truncated"), skipped_row("c.png")]
    rows = rows if with_rows else []
    write_summary(rows, tmp_path)

    csv = pd.read_csv(tmp_path / "summary.csv", keep_default_na=False)
    assert list(csv.columns) == COLUMNS
    assert list(csv["file"]) == sorted(r["file"] for r in rows)
    if with_rows:
        assert csv.set_index("file").loc["z/a.txt", "confidentiality"] == "missing"

    wb = load_workbook(tmp_path / "summary.xlsx")
    ws = wb["summary"]
    assert [c.value for c in ws[1]] == COLUMNS
    assert ws.max_row == len(rows) + 1
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert {'"present"', '"missing"', '"risk"', '"failure"'} <= {r.formula[0] for r in rules}

    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert "<table class='heatmap'>" in html
    assert "<script" not in html and "http" not in html  # self-contained
    assert html.count("<th class='cat'>") == len(ALL_CATEGORIES)
    if with_rows:
        assert "class='c missing'" in html and "class='c risk'" in html and "class='c present'" in html
        assert "b.pdf: file is corrupt or truncated" in html


def test_portfolio_heatmap_escapes_names():
    html = heatmap_html([error_row("<evil>.pdf", "<evil>.pdf: bad & broken")])
    assert "<evil>" not in html and "&lt;evil&gt;.pdf: bad &amp; broken" in html
