"""Each macro of dbt's that the project overrides names the upstream version it was
written against, by hash; this fails when the installed dbt-postgres or dbt-adapters
ships a different one, so an upgrade is a deliberate diff, never a surprise.

Why each override stays (docs/development.md, "dbt's own macros"):
- materializations/view.sql and table.sql: a BI reader never sees a ready view vanish,
  lose its grant or fail during `dbt build` (test_views_during_build.py), which needs
  the views locked before the tables they read, between dbt's own steps;
- materializations/create_table_as.sql: contracted tables filled by CREATE TABLE AS
  and constrained afterwards (docs/benchmarks.md has the build times);
- get_columns_in_relation.sql: enum and array columns keep their real type, without
  which no dbt unit test could name an enum column.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import dbt.include.global_project as global_project
import dbt.include.postgres as postgres_project
import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = Path(postgres_project.__path__[0]) / "macros" / "adapters.sql"
MODELS = Path(global_project.__path__[0]) / "macros" / "materializations" / "models"

# Upstream name -> (its file, how it starts, how it ends).
UPSTREAM = {
    "postgres__create_table_as": (
        POSTGRES,
        "{% macro postgres__create_table_as(",
        "{%- endmacro %}",
    ),
    "postgres__get_columns_in_relation": (
        POSTGRES,
        "{% macro postgres__get_columns_in_relation(",
        "{% endmacro %}",
    ),
    "materialization table, default": (
        MODELS / "table.sql",
        "{% materialization table, default %}",
        "{% endmaterialization %}",
    ),
    "materialization view, default": (
        MODELS / "view.sql",
        "{%- materialization view, default -%}",
        "{%- endmaterialization -%}",
    ),
}
OVERRIDES = [
    "macros/materializations/create_table_as.sql",
    "macros/get_columns_in_relation.sql",
    "macros/materializations/table.sql",
    "macros/materializations/view.sql",
]
PIN = re.compile(r"Based on \S+ `([^`]+)` \(upstream sha256 ([0-9a-f]{16})")


def upstream_digest(text: str, start: str, end: str) -> str:
    """The first 16 hex digits of the sha256 of the macro's text, white space folded."""
    begin = text.index(start)
    body = text[begin : text.index(end, begin) + len(end)]
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()[:16]


def pinned(override: str) -> tuple[str, str]:
    found = PIN.search((ROOT / override).read_text())
    assert found, f"{override} does not say which upstream macro it is based on"
    return found.group(1), found.group(2)


@pytest.mark.parametrize("override", OVERRIDES)
def test_each_override_matches_the_upstream_it_was_written_against(override: str) -> None:
    name, digest = pinned(override)
    path, start, end = UPSTREAM[name]
    installed = upstream_digest(path.read_text(), start, end)
    assert installed == digest, (
        f"dbt's own `{name}` changed in the installed version ({path}): diff it against "
        f"{override}, carry the change over, then pin sha256 {installed} there."
    )


def test_every_override_of_dbt_is_listed_here() -> None:
    """A new override of a dbt macro must be pinned too (names dbt itself defines)."""
    ours = "\n".join(p.read_text() for p in (ROOT / "macros").rglob("*.sql"))
    overridden = set(re.findall(r"{%-?\s*macro (postgres__\w+|default__\w+)\(", ours))
    overridden |= {
        f"materialization {name}, default"
        for name in re.findall(r"{%-?\s*materialization (\w+), adapter='postgres'", ours)
    }
    assert overridden == {pinned(o)[0] for o in OVERRIDES}


def test_a_changed_upstream_is_noticed() -> None:
    path, start, end = UPSTREAM["postgres__create_table_as"]
    text = path.read_text()
    changed = text.replace("create {% if temporary", "create  {% if temporary -%} ", 1)
    assert changed != text
    assert upstream_digest(changed, start, end) != pinned(OVERRIDES[0])[1]
