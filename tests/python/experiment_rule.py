"""The experiments' verdict rule as the views run it: the project's own macros
(macros/experiments.sql, sequential.sql, wilson_interval.sql) rendered with Jinja, so a
simulation judges thousands of experiments with the very SQL the views compile to."""

from __future__ import annotations

from pathlib import Path

import jinja2

MACROS = Path(__file__).parents[2] / "macros"
FILES = ("experiments.sql", "sequential.sql", "wilson_interval.sql")


def render(call: str) -> str:
    """`call` (a Jinja expression over the macros) as SQL."""
    source = "".join((MACROS / name).read_text(encoding="utf-8") for name in FILES)
    return (
        jinja2.Environment(undefined=jinja2.StrictUndefined)
        .from_string(source + "{{ " + call + " }}")
        .render()
    )
