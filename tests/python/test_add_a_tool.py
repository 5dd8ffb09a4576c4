"""A tool is one file: a module dropped into the tools package (here a temporary folder
added to its path) is a `--format` and `--tool` choice, gets its own export columns, has
its activity file recognised when given to the wrong command, and is read back, with no
other file changed (docs/development.md, "Add a tool")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import psycopg
import pytest
from click.testing import CliRunner
from crm_people import load_and_build
from sheets import write_csv

import loader.outreach.tools as tools_package
from loader.cli.main import cli
from loader.ingest.file_kinds import other_kind
from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.columns import MEETING_COLUMNS
from loader.lanes.lane_a.export import READY_QUEUE
from loader.lanes.lane_a.touches import TOUCHES
from loader.outreach.queue_export import export_queue
from loader.outreach.tools import tools
from loader.outreach.touches import ingest_touches

pytestmark = pytest.mark.dbt

# The whole of a new tool, as its author would write it.
ACME = '''
"""Acme Outreach (email): a made-up tool for the "add a tool" test."""

from loader.outreach.tools import Tool, our_fields_back

TOOL = Tool(
    name="acme",
    label="Acme Outreach",
    channels=("email",),
    lead_columns=(("Mail", "email"), ("Given", "first_name"), ("Family", "last_name")),
    activity_columns={
        "what": "event",
        "when_utc": "touched_at",
        "mail": "email",
        **our_fields_back("acme."),
    },
    events={"mailed": ("sent", "email"), "answered": ("replied", "email")},
    recognised_by=frozenset({"what", "when_utc"}),
)
'''


@pytest.fixture
def acme(tmp_path: Path) -> Iterator[None]:
    folder = tmp_path / "more_tools"
    folder.mkdir()
    (folder / "acme.py").write_text(ACME, encoding="utf-8")
    tools_package.__path__.append(str(folder))
    tools.cache_clear()
    try:
        yield
    finally:
        tools_package.__path__.remove(str(folder))
        tools.cache_clear()


@pytest.fixture
def built(database_copy) -> str:
    return database_copy("lane_a_crm_people", load_and_build)


def test_a_new_tool_module_is_exported_recognised_and_read_back(
    acme: None, built: str, tmp_path: Path
) -> None:
    # The CLI offers it.
    shown = CliRunner().invoke(cli, ["export", "lane-a", "--help"]).output
    assert "acme" in shown
    # Exported in its own columns, only the rows it can take (email), our fields after.
    out = tmp_path / "acme.csv"
    with psycopg.connect(built, autocommit=True) as conn:
        result = export_queue(conn, READY_QUEUE, out, tool="acme")
    exported = pl.read_csv(out, infer_schema=False)
    assert exported.columns[:3] == ["Mail", "Given", "Family"]
    assert "lanes_key" in exported.columns
    assert result.rows == exported.height > 0
    assert "recommended channel is linkedin, which acme does not send on" in result.left_out
    # Its activity file given as meetings is named, with the command that takes it.
    headers = ["what", "when_utc", "mail", "acme.lanes_key"]
    kind = other_kind(headers, [c.name for c in MEETING_COLUMNS])
    assert kind is not None and kind.what == "an Acme Outreach activity export"
    assert kind.command.endswith("--tool acme")
    # Read back: a send and a reply for the first exported row, by our key or the mail.
    first = exported.row(0, named=True)
    sent = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=2)
    rows = [
        ["mailed", f"{sent:%Y-%m-%dT%H:%M:%S}Z", "", first["lanes_key"]],
        ["answered", f"{sent + dt.timedelta(days=1):%Y-%m-%dT%H:%M:%S}Z", first["Mail"], ""],
        ["opened", f"{sent + dt.timedelta(days=1, hours=1):%Y-%m-%dT%H:%M:%S}Z", first["Mail"], ""],
    ]
    activity = write_csv(tmp_path / "acme-activity.csv", headers, rows)
    with psycopg.connect(built) as conn:
        report = ingest_touches(conn, TOUCHES, activity, IngestOptions(actor="t"), "acme")
        stored = conn.execute(
            "select event, tool from sales.reactivation_touches"
            " where appointment_uid = %s and tool = 'acme' order by touched_at",
            (first["lanes_key"],),
        ).fetchall()
    assert (report.inserted, report.rejected) == (2, 0)
    assert any("opened: 1" in warning for warning in report.warnings)
    assert stored == [("sent", "acme"), ("replied", "acme")]


def test_without_the_module_the_tool_is_unknown() -> None:
    assert "acme" not in tools()
    shown = CliRunner().invoke(cli, ["export", "lane-a", "x.csv", "--format", "acme"])
    assert shown.exit_code == 2
