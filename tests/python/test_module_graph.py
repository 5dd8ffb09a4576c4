"""The loader's module graph stays simple: Lane A code never imports Lane B code
(and the other way round), shared mechanics never reach into a lane, no module
imports itself back through another, and `loader --help` loads no heavy library."""

from __future__ import annotations

import ast
import subprocess
import sys
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
    lanes = root / "lanes"
    for path in sorted((lanes / lane).rglob("*.py")):
        for module in sorted(imported_modules(path, f"loader.lanes.{lane}")):
            if module == f"loader.lanes.{other}" or module.startswith(f"loader.lanes.{other}."):
                offenders.append(f"{path.relative_to(root.parent)} imports {module}")
    return offenders


def test_lane_a_does_not_import_lane_b() -> None:
    assert cross_lane_imports("lane_a", "lane_b") == []


def test_lane_b_does_not_import_lane_a() -> None:
    assert cross_lane_imports("lane_b", "lane_a") == []


# Only the entry points wire the lanes up: the command group, the demo and the week
# (loader/week/ runs both lanes' steps in order).
ENTRY_POINTS = ("cli", "demo", "week")


def test_shared_modules_do_not_reach_into_a_lane() -> None:
    # Shared mechanics (sheets, platform, ingest, outreach, insight) stay lane-free.
    offenders = []
    for path in sorted(LOADER.rglob("*.py")):
        inside = path.relative_to(LOADER).parts
        if inside[0] in ENTRY_POINTS or inside[:2] in {("lanes", "lane_a"), ("lanes", "lane_b")}:
            continue
        package = ".".join(("loader", *inside[:-1]))
        for module in imported_modules(path, package):
            if module.startswith(("loader.lanes.lane_a", "loader.lanes.lane_b")):
                offenders.append(f"{'/'.join(inside)} imports {module}")
    assert offenders == []


def test_the_check_catches_each_import_form(tmp_path: Path) -> None:
    lane_a = tmp_path / "loader" / "lanes" / "lane_a"
    lane_a.mkdir(parents=True)
    (lane_a / "absolute.py").write_text("import loader.lanes.lane_b.partners\n")
    (lane_a / "from_import.py").write_text("from loader.lanes.lane_b import partners\n")
    (lane_a / "relative.py").write_text("from ..lane_b.columns import PARTNER_COLUMNS\n")
    (lane_a / "package.py").write_text("from loader.lanes import lane_b\n")
    (lane_a / "fine.py").write_text(
        "from loader.sheets.cells import Column\nfrom . import columns\n"
    )
    offenders = cross_lane_imports("lane_a", "lane_b", root=tmp_path / "loader")
    assert offenders == [
        "loader/lanes/lane_a/absolute.py imports loader.lanes.lane_b.partners",
        "loader/lanes/lane_a/from_import.py imports loader.lanes.lane_b",
        "loader/lanes/lane_a/from_import.py imports loader.lanes.lane_b.partners",
        "loader/lanes/lane_a/package.py imports loader.lanes.lane_b",
        "loader/lanes/lane_a/relative.py imports loader.lanes.lane_b.columns",
        "loader/lanes/lane_a/relative.py imports loader.lanes.lane_b.columns.PARTNER_COLUMNS",
    ]


def loader_imports(root: Path = LOADER) -> dict[str, set[str]]:
    """module -> the loader modules it imports (anywhere in the file, lazily or not)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if path.stem == "__init__" else name.rpartition(".")[0]
        modules[name] = imported_modules(path, package)
    return {
        name: {m for m in imported if m in modules and m != name}
        for name, imported in modules.items()
    }


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle, as the path that closes it (depth-first, each found once)."""
    cycles, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        for following in sorted(graph[node]):
            if following in path:
                cycles.append([*path[path.index(following) :], following])
            elif following not in done:
                visit(following, [*path, following])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    return cycles


def test_no_module_imports_itself_back() -> None:
    assert import_cycles(loader_imports()) == []


def test_the_cycle_check_finds_a_cycle_through_a_lazy_import(tmp_path: Path) -> None:
    package = tmp_path / "loader"
    (package / "sheets").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sheets" / "__init__.py").write_text("")
    (package / "sheets" / "workbook.py").write_text(
        "from loader.sheets.sheet_reader import read_sheet\n"
    )
    (package / "sheets" / "sheet_reader.py").write_text(
        "def read_sheet():\n    from loader.sheets.workbook import normalize_header\n"
    )
    assert import_cycles(loader_imports(package)) == [
        ["loader.sheets.sheet_reader", "loader.sheets.workbook", "loader.sheets.sheet_reader"]
    ]


def test_loader_help_loads_no_heavy_library() -> None:
    # dlt's rule: `--help` must answer at once, so the CLI imports the libraries that
    # read files and talk to the database inside the commands that use them.
    probe = (
        "import sys; from loader.cli.main import cli; "
        "from click.testing import CliRunner; "
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0; "
        "assert CliRunner().invoke(cli, ['ingest', 'lane-a', '--help']).exit_code == 0; "
        "print(sorted(m for m in ('polars', 'psycopg', 'rich', 'dbt', 'fastexcel') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
