"""The docs say what the code and seeds do, and the README stays one screen.

A team that changes a weight reads docs/scoring.md first; this keeps the two from
drifting apart (a changed seed fails here until the docs say the same). The tool
tables of docs/outreach-tools.md are checked against the tool modules in loader/outreach/tools/.
"""

from __future__ import annotations

import csv
import re
from itertools import takewhile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCORING = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
TOOLS = (ROOT / "docs" / "outreach-tools.md").read_text(encoding="utf-8")


def seed_points(name: str, code_column: str) -> dict[str, int]:
    with (ROOT / "seeds" / name).open(encoding="utf-8") as handle:
        return {row[code_column]: int(row["points"]) for row in csv.DictReader(handle)}


def readme_points(header: str, readme: str = SCORING) -> dict[str, int]:
    """{code: points} from the docs table whose header row is `header`.

    A row lists points and codes in the same order ("+35 / +25 | `A`, `B`");
    counted codes are written CODE_<n> and their points "per" item ("+5 each").
    """
    start = readme.index(header)
    lines = readme[start:].splitlines()[2:]
    table: dict[str, int] = {}
    for line in lines:
        if not line.startswith("|"):
            break
        _, points_cell, codes_cell = (cell.strip() for cell in line.strip("|").split("|"))
        codes = [c.removesuffix("_<n>") for c in re.findall(r"`([A-Z0-9_<>n]+)`", codes_cell)]
        points = [
            int(p.replace("−", "-").replace("+", "").replace("each", "").strip())
            for p in points_cell.split("/")
        ]
        if len(points) == 1 and len(codes) > 1:
            points = points * len(codes)
        assert len(points) == len(codes), f"docs row does not pair points and codes: {line}"
        for code, value in zip(codes, points, strict=True):
            assert code not in table, f"{code} appears twice in the docs table"
            table[code] = value
    return table


def test_lane_a_table_matches_the_weight_and_keyword_seeds() -> None:
    expected = seed_points("lane_a/reactivation_score_weights.csv", "reason_code")
    keywords = seed_points("lane_a/reactivation_reason_keywords.csv", "reason_code")
    expected.update(keywords)
    assert readme_points("| what | points | reason code |") == expected


def test_lane_a_table_names_every_keyword() -> None:
    with (ROOT / "seeds/lane_a/reactivation_reason_keywords.csv").open() as handle:
        keywords = [(row["keyword"], row["reason_code"]) for row in csv.DictReader(handle)]
    for keyword, code in keywords:
        row = next(line for line in SCORING.splitlines() if f"`{code}`" in line and "|" in line)
        assert keyword in row, f"docs/scoring.md's {code} row does not name the keyword {keyword!r}"


def test_lane_b_table_matches_the_weight_seed() -> None:
    expected = seed_points("lane_b/partner_score_weights.csv", "factor_code")
    assert readme_points("| what | points | factor code |") == expected


def test_the_check_notices_a_changed_weight() -> None:
    changed = SCORING.replace("+35 / +25 / +10 / 0", "+30 / +25 / +10 / 0")
    assert changed != SCORING
    table = readme_points("| what | points | reason code |", changed)
    assert table["OUTCOME_STALLED"] == 30
    assert (
        seed_points("lane_a/reactivation_score_weights.csv", "reason_code")["OUTCOME_STALLED"] == 35
    )


def test_the_readme_lists_each_tool_format_as_the_code_writes_it() -> None:
    from loader.outreach.tools import CUSTOM_FIELDS, tools

    start = TOOLS.index("| `--format` | sends on |")
    table = takewhile(lambda line: line.startswith("|"), TOOLS[start:].splitlines()[2:])
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[3] for line in table}
    for name, tool in tools().items():
        assert re.findall(r"`([^`]+)`", rows[name]) == [
            column for column, _ in tool.lead_columns
        ], name
    custom = TOOLS[TOOLS.index("Every tool format ends with our own fields") :][:400]
    assert re.findall(r"`(lanes_\w+)`", custom) == [name for name, _ in CUSTOM_FIELDS]


def test_the_readme_lists_each_tools_activity_columns_and_events() -> None:
    from loader.outreach.tools import tools
    from loader.sheets.workbook import normalize_header

    start = TOOLS.index("| `--tool` | columns read |")
    table = takewhile(lambda line: line.startswith("|"), TOOLS[start:].splitlines()[2:])
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[2:4] for line in table}
    for name, layout in tools().items():
        columns, events = rows[name]
        assert {normalize_header(c) for c in re.findall(r"`([^`]+)`", columns)} == set(
            layout.activity_columns
        ), name
        assert {e.lower() for e in re.findall(r"`([^`]+)`", events)} == set(layout.events), name


def test_the_readme_fits_on_a_screen_and_every_doc_link_resolves() -> None:
    assert len(README.splitlines()) <= 200, "the README grew past 200 lines: move detail to docs/"
    first_screen = "\n".join(README.splitlines()[:60])
    assert "loader ingest lane-a" in first_screen, "what to type for your own file, first screen"
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if target.startswith("http"):
                continue
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"
