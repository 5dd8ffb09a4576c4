"""Lane A loader code never imports Lane B code, and the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

LOADER = Path(__file__).resolve().parents[2] / "loader"


def imported_modules(path: Path, package: str) -> set[str]:
    """Absolute names of every module a file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def cross_lane_imports(lane: str, other: str, root: Path = LOADER) -> list[str]:
    offenders = []
    for path in sorted((root / lane).rglob("*.py")):
        for module in sorted(imported_modules(path, f"loader.{lane}")):
            if module == f"loader.{other}" or module.startswith(f"loader.{other}."):
                offenders.append(f"{path.relative_to(root.parent)} imports {module}")
    return offenders


def test_lane_a_does_not_import_lane_b() -> None:
    assert cross_lane_imports("lane_a", "lane_b") == []


def test_lane_b_does_not_import_lane_a() -> None:
    assert cross_lane_imports("lane_b", "lane_a") == []


def test_shared_modules_do_not_reach_into_a_lane() -> None:
    # Shared mechanics (workbook, cells, database, audit, ingest_run) stay lane-free;
    # only the entry points (cli, demo) wire the lanes up.
    offenders = []
    for path in sorted(LOADER.glob("*.py")):
        if path.stem in {"cli", "demo"}:
            continue
        for module in imported_modules(path, "loader"):
            if module.startswith(("loader.lane_a", "loader.lane_b")):
                offenders.append(f"{path.name} imports {module}")
    assert offenders == []


def test_the_check_catches_each_import_form(tmp_path: Path) -> None:
    lane_a = tmp_path / "loader" / "lane_a"
    lane_a.mkdir(parents=True)
    (lane_a / "absolute.py").write_text("import loader.lane_b.partners\n")
    (lane_a / "from_import.py").write_text("from loader.lane_b import partners\n")
    (lane_a / "relative.py").write_text("from ..lane_b.columns import PARTNER_COLUMNS\n")
    (lane_a / "package.py").write_text("from loader import lane_b\n")
    (lane_a / "fine.py").write_text("from loader.cells import Column\nfrom . import columns\n")
    offenders = cross_lane_imports("lane_a", "lane_b", root=tmp_path / "loader")
    assert offenders == [
        "loader/lane_a/absolute.py imports loader.lane_b.partners",
        "loader/lane_a/from_import.py imports loader.lane_b",
        "loader/lane_a/from_import.py imports loader.lane_b.partners",
        "loader/lane_a/package.py imports loader.lane_b",
        "loader/lane_a/relative.py imports loader.lane_b.columns",
        "loader/lane_a/relative.py imports loader.lane_b.columns.PARTNER_COLUMNS",
    ]
