"""Import layers: no module in ``analyzer/`` imports from a stage above its own.

Stages, lowest first: core < ooxml < ingest < structure < nlp < classify < review < {redline, output}
< pipeline < compare < batch < evaluation < training < cli < the package face (``analyzer/__init__.py`` and
``__main__.py``). A module may import from its own stage and from stages below it; redline and output
are siblings and do not import each other. Every import counts: module level, inside functions, under
``TYPE_CHECKING``, relative, and ``importlib.import_module("...")`` with a literal name. Nothing in
``analyzer/`` imports the Streamlit UI (``ui``, ``app``, ``app_pages``) or ``streamlit``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "analyzer"

ORDER: list[tuple[str, ...]] = [
    ("core",), ("ooxml",), ("ingest",), ("structure",), ("nlp",), ("classify",), ("review",),
    ("redline", "output"), ("pipeline",), ("compare",), ("batch",), ("evaluation",), ("training",), ("cli",),
    ("__init__", "__main__"),
]
RANK = {stage: rank for rank, stages in enumerate(ORDER) for stage in stages}
FACE = ("__init__", "__main__")
FORBIDDEN_TOP = {"ui", "app", "app_pages", "streamlit"}


def module_name(path: Path, package_dir: Path = PACKAGE) -> str:
    rel = path.relative_to(package_dir.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> str | None:
    """The stage a module of the package belongs to (``None`` for modules outside ``analyzer``)."""
    parts = module.split(".")
    if parts[0] != "analyzer":
        return None
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def _resolve_relative(current: str, is_package: bool, level: int, module: str | None) -> str:
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imported_modules(source: str, current: str, is_package: bool, known: set[str]) -> list[tuple[str, int]]:
    """Every module that ``source`` imports, with the line it is imported on.

    ``from X import name`` counts as importing ``X.name`` when that is a module of the package,
    else as importing ``X`` itself (so ``from analyzer import analyze`` imports the package face).
    """
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (_resolve_relative(current, is_package, node.level, node.module) if node.level
                    else node.module or "")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub if sub in known else base, node.lineno))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            arg = node.args[0]
            if name in {"import_module", "__import__"} and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append((arg.value, node.lineno))
    return found


def violations(current: str, source: str, is_package: bool, known: set[str]) -> list[str]:
    """The forbidden imports of one module, each as ``"module -> imported module (line N)"``."""
    own = stage_of(current)
    own = "__init__" if own == "__main__" else own
    out = []
    for target, line in imported_modules(source, current, is_package, known):
        top = target.split(".")[0]
        if top in FORBIDDEN_TOP:
            out.append(f"{current} -> {target} (line {line}): the library does not import the UI")
            continue
        their = stage_of(target)
        if their is None or their == own or (own in FACE and their in FACE):
            continue
        if their not in RANK:
            out.append(f"{current} -> {target} (line {line}): {their!r} is not a known stage")
        elif RANK[their] > RANK[own]:
            out.append(f"{current} -> {target} (line {line}): {their} is above {own}")
        elif RANK[their] == RANK[own]:
            out.append(f"{current} -> {target} (line {line}): {their} and {own} are siblings")
    return out


def _modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def test_every_module_belongs_to_a_known_stage():
    unknown = sorted(m for m in _modules() if stage_of(m) not in RANK)
    assert not unknown, "modules outside every stage (add the stage to ORDER): " + ", ".join(unknown)


def test_no_module_imports_from_a_stage_above_its_own():
    modules = _modules()
    known = set(modules)
    found = []
    for name, path in modules.items():
        found += violations(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", known)
    assert not found, "upward or sideways imports:\n" + "\n".join(found)


# ---------------------------------------------------------------- the checker itself

KNOWN = {"analyzer", "analyzer.core", "analyzer.core.errors", "analyzer.review", "analyzer.review.findings",
         "analyzer.redline", "analyzer.redline.writer", "analyzer.output", "analyzer.output.render",
         "analyzer.pipeline", "analyzer.ingest"}


@pytest.mark.parametrize(("current", "source", "expected"), [
    ("analyzer.review.findings", "from analyzer.pipeline import analyze\n",
     ["analyzer.review.findings -> analyzer.pipeline"]),
    ("analyzer.review.findings", "def f():\n    import analyzer.pipeline\n",
     ["analyzer.review.findings -> analyzer.pipeline"]),
    ("analyzer.pipeline", "from analyzer import __version__\n", ["analyzer.pipeline -> analyzer"]),
    ("analyzer.core.errors", "import analyzer\n", ["analyzer.core.errors -> analyzer"]),
    ("analyzer.redline.writer", "from analyzer.output.render import to_json\n",
     ["analyzer.redline.writer -> analyzer.output.render"]),
    ("analyzer.output.render", "from ..redline import writer\n",
     ["analyzer.output.render -> analyzer.redline.writer"]),
    ("analyzer.core.errors", "from ui.state import x\n", ["analyzer.core.errors -> ui.state"]),
    ("analyzer.core.errors", "def f():\n    import streamlit as st\n", ["analyzer.core.errors -> streamlit"]),
    ("analyzer.ingest", "import importlib\nimportlib.import_module('analyzer.review.findings')\n",
     ["analyzer.ingest -> analyzer.review.findings"]),
    ("analyzer.review.findings", "from analyzer.core.errors import X\nfrom . import findings\nimport json\n", []),
    ("analyzer.pipeline", "from analyzer.review.findings import compare\nfrom analyzer import ingest\n", []),
    ("analyzer", "from analyzer.pipeline import analyze\n", []),
])
def test_checker_reports_each_violation_as_module_arrow_import(current, source, expected):
    is_package = current in {"analyzer", "analyzer.ingest"}
    got = violations(current, source, is_package, KNOWN)
    assert [g.split(" (line")[0] for g in got] == expected
