"""Each rule once (issue 30), kept true by a test: ids dbt computes are read from dbt,
opt-outs are typed, the loader reads only documented marts (never an intermediate
model), the BI grant is configured once, and an outreach tool is one file."""

from __future__ import annotations

import re
from pathlib import Path

from loader.outreach.tools import tools

ROOT = Path(__file__).resolve().parents[2]
LOADER = ROOT / "loader"


def python_sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(LOADER.rglob("*.py"))}


def test_the_loader_recomputes_no_id_dbt_owns() -> None:
    # The score-row ids are md5(...) in the intent models; the loader reads them.
    assert [p.name for p, text in python_sources().items() if "md5" in text] == []


def test_opt_outs_are_found_by_their_typed_cause_not_their_text() -> None:
    pattern = re.compile(r"like\s+'unsubscribed", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*LOADER.rglob("*.py"), *(ROOT / "models").rglob("*.sql"),
                     *(ROOT / "macros").rglob("*.sql")]
        if pattern.search(path.read_text(encoding="utf-8"))
    ]  # fmt: skip
    assert offenders == []


def test_the_loader_reads_no_intermediate_model() -> None:
    # Renaming an int_ model must not silently break `loader status`: the loader reads
    # the marts dbt documents and tests (loader/insight/sections.py).
    offenders = [
        f"{path.relative_to(ROOT)}: {hit}"
        for path, text in python_sources().items()
        for hit in re.findall(r"\bint_(?:reactivation|partner)__\w+", text)
    ]
    assert offenders == []


def test_the_bi_grant_is_configured_once() -> None:
    project = (ROOT / "dbt_project.yml").read_text(encoding="utf-8")
    assert project.count("grant_to_bi()") == 1
    models = [p for p in (ROOT / "models").rglob("*.sql") if "grant_to_bi" in p.read_text()]
    assert models == []


def test_a_tool_is_named_in_its_own_module_only() -> None:
    for name in tools():
        naming = [
            str(path.relative_to(LOADER))
            for path, text in python_sources().items()
            if re.search(rf"\b{name}\b", text, re.IGNORECASE)
        ]
        assert naming == [f"outreach/tools/{name}.py"], (name, naming)
