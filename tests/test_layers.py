"""Data flows one way: no package of pipeline/ imports a later stage (lazy imports inside functions
included). The allowed graph is written here once and drawn in the README's "Susunan" section."""

from __future__ import annotations

import ast
import re

from conftest import REPO

PIPELINE = REPO / "pipeline"
BOTTOM = {"codes", "layout"}
READ = BOTTOM | {"read"}
CONTRACT = READ | {"sop", "contract"}
CHECKED = CONTRACT | {"check", "edit"}
ALLOWED: dict[str, set[str]] = {
    "codes": set(),
    "layout": set(),
    "read": BOTTOM,
    "sop": READ,  # sop.yaml is read with the safe YAML loader of read/
    "contract": READ | {"sop"},
    "check": CONTRACT,
    "edit": CONTRACT,
    "excel": CHECKED,
    "workflow": CHECKED,
    "publish": CHECKED | {"excel"},  # the public workbook (api/katalog.xlsx) is excel's layout
    "cli": CHECKED | {"excel", "workflow", "publish"},
}
"""Unit (a subpackage, or codes.py / layout.py) → the units it may import."""


def _unit(module: str) -> str | None:
    """pipeline.check.engine → check; pipeline.codes → codes; pipeline itself → None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "pipeline" else None


def _is_package(dotted: str) -> bool:
    path = REPO.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").is_file()


def imports() -> dict[str, set[tuple[str, str]]]:
    """unit → {(imported unit, 'file:line')} for every import of another unit of pipeline/."""
    found: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(PIPELINE.rglob("*.py")):
        rel = path.relative_to(REPO).with_suffix("")
        module = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        package = module if rel.name == "__init__" else module.rsplit(".", 1)[0]
        unit = _unit(module)
        if unit in (None, "__main__"):
            continue  # pipeline/__init__.py (the version) and __main__.py (python -m pipeline → cli)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom) and node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
                targets = [f"{target}.{a.name}" if _is_package(f"{target}.{a.name}") else target for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline"):
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("pipeline")]
            for target in targets:
                other = _unit(target)
                if other is not None and other != unit:
                    found.setdefault(unit, set()).add((other, f"{rel}.py:{node.lineno}"))
    return found


def test_every_unit_is_placed():
    units = {p.name for p in PIPELINE.iterdir() if (p / "__init__.py").is_file()}
    units |= {p.stem for p in PIPELINE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert units == set(ALLOWED), "place the new package in ALLOWED (tests/test_layers.py) and the README"


def test_no_stage_imports_a_later_one():
    wrong = sorted(
        f"{where}: {unit} imports {other}"
        for unit, edges in imports().items()
        for other, where in edges
        if other not in ALLOWED[unit]
    )
    assert not wrong, "\n".join(wrong)


def test_the_allowed_graph_has_no_cycle():
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n})) for n in ALLOWED[start])

    assert not [u for u in ALLOWED if reaches(u, u, {u})]


def test_the_readme_draws_the_same_graph():
    """The table in README's "Susunan" lists, per package, exactly the packages it may import."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z]+)(?:/|\.py)` \| ([^|]*) \|", readme, re.M)
    drawn = {name: set(re.findall(r"`([a-z]+)(?:/|\.py)`", deps)) for name, deps in rows}
    assert drawn == ALLOWED
