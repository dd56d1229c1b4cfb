"""The CUAD evaluation on PDF input: answers carried from the TXT onto the PDF text, and
``clause-analyzer eval --input pdf`` end to end on a one-contract CUAD-format folder."""

from __future__ import annotations

import json
import shutil

import pytest

from analyzer.cli import main
from analyzer.evaluation.cuad_data import load_contracts
from analyzer.evaluation.cuad_input import map_gold, unmapped_marker
from analyzer.evaluation.text_alignment import WordAlignment
from analyzer.ingest import parse

NAME = "tech_license"
# (CUAD category, the answer as it stands in samples/tech_license.txt, the same text in the PDF's text)
LAW = ("governed by the laws of the Federal Republic of Germany, excluding the United Nations Convention on "
       "Contracts for the International Sale of Goods.")
ANSWERS = [
    ("governing_law", LAW, LAW),
    ("license_grant",
     "Licensor grants to Licensee an exclusive, non-transferable licence under the Licensed Technology",
     "Licensor grants to Licensee an exclusive, non-transferable licence under the Licensed Technology"),
    ("parties", '("Licensor")', '("Licensor")'),
]


@pytest.mark.parametrize("source, target, span, expected", [
    # whitespace, quotes and a page footer differ; the words are the same
    ('It is "governed by" the\nlaws of Delaware.', "It is \u201cgoverned by\u201d the laws\nPage 3\nof Delaware.",
     'governed by" the\nlaws of Delaware', "governed by\u201d the laws\nPage 3\nof Delaware"),
    # punctuation around the span is carried over when the target has it too
    ('the "Licensor" and', "the (\u201cLicensor\u201d) and", '"Licensor"', "\u201cLicensor\u201d"),
    # a span that starts inside a word keeps the same part of it
    ("the Sponsorship Agreement", "the Sponsorship\nAgreement", "Sponsor", "Sponsor"),
    # a word split differently ("15t h") is found by its letters and digits
    ("made on the 15t h day of January 2018 by", "made on the 15th day of January 2018 by",
     "15t h day of January 2018", "15th day of January 2018"),
])
def test_text_alignment_carries_span_over(source, target, span, expected):
    start = source.index(span)
    mapped = WordAlignment(source, target).map_span(start, start + len(span))
    assert mapped is not None
    assert target[mapped.start:mapped.end] == expected


@pytest.mark.parametrize("source, target, span", [
    ("the licensee shall pay royalties quarterly", "an entirely different text without it", "shall pay royalties"),
    ("alpha beta --- gamma", "alpha beta --- gamma", "---"),  # no words at all
])
def test_text_alignment_leaves_missing_span_out(source, target, span):
    start = source.index(span)
    assert WordAlignment(source, target).map_span(start, start + len(span)) is None


def _cuad_folder(root, samples_dir, extra_answer: str | None = None):
    """A CUAD-format folder with samples/tech_license as its only contract, in a split of its own."""
    (root / "txt").mkdir(parents=True)
    (root / "pdf").mkdir()
    shutil.copy(samples_dir / f"{NAME}.txt", root / "txt" / f"{NAME}.txt")
    shutil.copy(samples_dir / f"{NAME}.pdf", root / "pdf" / f"{NAME}.pdf")
    text = (root / "txt" / f"{NAME}.txt").read_text(encoding="utf-8")
    labels: dict[str, list[dict]] = {}
    cuad_names = {"governing_law": "Governing Law", "license_grant": "License Grant", "parties": "Parties",
                  "audit_rights": "Audit Rights"}
    answers = [(cat, answer) for cat, answer, _ in ANSWERS]
    if extra_answer:
        text += extra_answer
        (root / "txt" / f"{NAME}.txt").write_text(text, encoding="utf-8")
        answers.append(("audit_rights", extra_answer.strip()))
    for cat, answer in answers:
        start = text.index(answer)
        labels.setdefault(cuad_names[cat], []).append({"text": answer, "start": start, "end": start + len(answer)})
    row = {"txt": f"txt/{NAME}.txt", "pdf": f"pdf/{NAME}.pdf", "type": "License_Agreements", "labels": labels}
    (root / "annotations.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    split = root / "split.json"
    split.write_text(json.dumps({"train": [], "val": [], "test": [NAME]}), encoding="utf-8")
    return split


def test_cuad_input_answers_found_in_pdf_text(samples_dir, tmp_path):
    _cuad_folder(tmp_path, samples_dir)
    contract = load_contracts(tmp_path, [NAME])[0]
    pdf_text = parse(tmp_path / "pdf" / f"{NAME}.pdf").text
    gold = map_gold(contract, pdf_text)
    assert (gold.total, gold.mapped) == (3, 3)
    for cat, _, in_pdf in ANSWERS:
        assert gold.answers[cat] == [in_pdf]


def test_cuad_input_unmapped_answer_is_a_marker(samples_dir, tmp_path):
    _cuad_folder(tmp_path, samples_dir, extra_answer="\n\nThe auditor may inspect the books once a year.\n")
    contract = load_contracts(tmp_path, [NAME])[0]
    gold = map_gold(contract, parse(tmp_path / "pdf" / f"{NAME}.pdf").text)
    assert (gold.total, gold.mapped) == (4, 3)
    assert gold.answers["audit_rights"] == [unmapped_marker(4)]


@pytest.mark.usefixtures("stub_classifier")
def test_cli_eval_input_pdf_end_to_end(samples_dir, tmp_path, monkeypatch, capsys):
    split = _cuad_folder(tmp_path / "cuad", samples_dir)
    monkeypatch.setenv("ANALYZER_SPLIT", str(split))
    monkeypatch.setenv("ANALYZER_WORK_DIR", str(tmp_path / "work"))
    out = tmp_path / "table.md"
    assert main(["eval", "--cuad", str(tmp_path / "cuad"), "--input", "pdf", "--output", str(out)]) == 0
    table = capsys.readouterr().out
    assert out.read_text(encoding="utf-8").strip() == table.strip()
    assert "TXT vs PDF input (1 contracts)" in table
    assert "Answers carried over to the PDF text: 3 of 3" in table
    assert "Files that could not be analyzed: 0." in table
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1:3] for line in table.splitlines() if " | " in line}
    # the keyword stub finds the governing-law and licence-grant sentences in both renderings
    assert float(rows["AUPR CUAD 41"][0]) > 0 and float(rows["AUPR CUAD 41"][1]) > 0
    assert float(rows["units per document"][1]) > 10
    # a second run reads both analyses from the cache
    assert main(["eval", "--cuad", str(tmp_path / "cuad"), "--input", "pdf"]) == 0
    assert "from the cache: 1 TXT, 1 PDF" in capsys.readouterr().out


def test_cli_eval_input_pdf_rejects_previous(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--cuad", str(tmp_path), "--input", "pdf", "--previous", str(tmp_path)])
    assert exc.value.code == 2
    assert "--previous applies to --input txt only" in capsys.readouterr().err


def test_cli_eval_input_applies_to_cuad_only(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--findings", str(tmp_path), "--input", "pdf"])
    assert exc.value.code == 2
    assert "--input apply to --cuad only" in capsys.readouterr().err
