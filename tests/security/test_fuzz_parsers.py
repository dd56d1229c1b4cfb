"""Property-based fuzzing of the parsers, bounded for CI (``-m fuzz`` selects it).

For generated TXT/DOCX/PDF inputs and raw bytes behind format magic,
``analyzer.ingest.parse`` returns a ``SourceDocument`` whose spans lie inside
its text, or raises an ``AnalyzerError`` with a one-line message naming the
file; ``analyzer.structure.segment.segment`` then returns clauses inside the text. Any
other exception, one input running past 20 s, or one needing more than 2 GiB
of address space (MemoryError under a cap), fails. The strategies and the
property are shared with the timed run ``benchmarks/fuzz_parsers.py``.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import fuzz_strategies as fz  # noqa: E402

pytestmark = pytest.mark.fuzz

# No shrink or explain phase: both can take minutes on a failure. A failure reports the
# exception, its frames and the input's description, saves the input under
# benchmarks/out/fuzz/ (replay: benchmarks/fuzz_parsers.py --replay FILE) and prints
# a @reproduce_failure blob. The examples are drawn from a fixed seed, so a run is
# repeatable; benchmarks/fuzz_parsers.py draws fresh ones for as long as it is asked.
FUZZ = settings(max_examples=60, deadline=None, print_blob=True, derandomize=True,
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example, HealthCheck.filter_too_much])


@FUZZ
@given(fz.txt_inputs())
def test_txt_inputs_parse_or_fail_cleanly(inp):
    fz.assert_holds(inp)


@FUZZ
@given(fz.docx_inputs())
def test_docx_inputs_parse_or_fail_cleanly(inp):
    fz.assert_holds(inp)


@settings(FUZZ, max_examples=40)
@given(fz.pdf_inputs())
def test_pdf_inputs_parse_or_fail_cleanly(inp):
    fz.assert_holds(inp)


@FUZZ
@given(fz.raw_inputs())
def test_raw_bytes_with_magic_parse_or_fail_cleanly(inp):
    fz.assert_holds(inp)


# ------------------------------------------------------------------ the harness itself

@pytest.mark.parametrize("strategy", [fz.docx_inputs(), fz.pdf_inputs(), fz.txt_inputs()],
                         ids=["docx", "pdf", "txt"])
def test_the_generators_reach_documents_that_parse(strategy):
    """Structure-aware inputs are not all rejected at the door: some parse and segment. The
    examples come from a fixed seed, as in the property tests above, so the count is repeatable."""
    seen = Counter()

    @settings(max_examples=30, phases=[Phase.generate], database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(inp):
        seen[fz.check(inp).status] += 1

    run()
    assert seen["ok"] > 0, seen


def test_the_property_flags_an_unexpected_exception(monkeypatch):
    import analyzer.ingest

    def boom(data, filename=None, limits=None):
        raise KeyError("unexpected")

    monkeypatch.setattr(analyzer.ingest, "parse", boom)
    out = fz.check(fz.FuzzInput(b"1. Term\n", "txt", "plain"))
    assert out.status == "crash" and out.kind == "KeyError" and "boom" in out.where


def test_the_property_flags_a_multiline_error_message(monkeypatch):
    import analyzer.ingest
    from analyzer.core.errors import AnalyzerError

    def two_lines(data, filename=None, limits=None):
        raise AnalyzerError(f"{filename}: bad\nTraceback (most recent call last):")

    monkeypatch.setattr(analyzer.ingest, "parse", two_lines)
    out = fz.check(fz.FuzzInput(b"1. Term\n", "txt", "plain"))
    assert out.status == "crash" and "not one line" in out.message


def test_the_property_flags_a_span_outside_the_text(monkeypatch):
    import analyzer.ingest

    real = analyzer.ingest.parse

    def bad_span(data, filename=None, limits=None):
        doc = real(data, filename=filename, limits=limits)
        doc.blocks[0].end = len(doc.text) + 5
        return doc

    monkeypatch.setattr(analyzer.ingest, "parse", bad_span)
    out = fz.check(fz.FuzzInput(b"1. Term\nThe term is one year.\n", "txt", "plain"))
    assert out.status == "crash" and out.kind == "invariant" and "block span out of range" in out.message


def test_the_property_bounds_the_time_of_one_input(monkeypatch):
    import analyzer.ingest

    def spin(data, filename=None, limits=None):
        while True:
            pass

    monkeypatch.setattr(analyzer.ingest, "parse", spin)
    t0 = time.monotonic()
    out = fz.check(fz.FuzzInput(b"1. Term\n", "txt", "plain"), time_limit=0.3)
    assert out.status == "crash" and out.kind == "timeout" and time.monotonic() - t0 < 5
