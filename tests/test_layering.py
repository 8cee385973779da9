"""The core does not reach up (#36): nothing in `rag/` imports `ingest`, `ui`, `eval` or `bench`, at
the top of a module or inside a function, except `rag/cli.py`, the entry point that puts them together."""

from __future__ import annotations

import ast
from pathlib import Path

RAG = Path(__file__).resolve().parent.parent / "rag"
UPPER = {"ingest", "ui", "eval", "bench"}
ENTRY_POINT = RAG / "cli.py"


def upward_imports(path: Path) -> list[str]:
    """`file:line module` for each import of an upper package in one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path.relative_to(RAG.parent)}:{node.lineno} {n}" for n in names if n.split(".")[0] in UPPER]
    return found


def test_only_the_cli_imports_ingest_ui_or_eval():
    modules = [p for p in sorted(RAG.rglob("*.py")) if p != ENTRY_POINT]
    assert len(modules) > 20  # the walk found the package
    assert [hit for p in modules for hit in upward_imports(p)] == []


def test_the_walk_sees_imports_inside_functions():
    """The check itself can fail: the CLI's lazy imports of the upper packages are found."""
    found = upward_imports(ENTRY_POINT)
    assert any(" ingest." in f for f in found) and any(" ui." in f for f in found) and any(" eval." in f for f in found)
