"""Every module of the package stays readable: small functions, bounded branching."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from conftest import REPO

PACKAGES = ("pipeline",)
MAX_LINES = 80
MAX_COMPLEXITY = 25


def _functions():
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    yield path.relative_to(REPO).as_posix(), node


def test_no_function_is_longer_than_80_lines():
    sizes = [(f"{path}:{node.lineno} {node.name}", node.end_lineno - node.lineno + 1) for path, node in _functions()]
    assert [(where, lines) for where, lines in sizes if lines > MAX_LINES] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_mccabe_complexity_is_at_most_25(package):
    ruff = [sys.executable, "-m", "ruff", "check", "--select", "C901", "--no-cache", "--output-format", "concise"]
    config = ["--config", f"lint.mccabe.max-complexity={MAX_COMPLEXITY}"]
    proc = subprocess.run([*ruff, *config, str(REPO / package)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
