"""Every reader, fed random bytes and random valid-looking files: it reads them or refuses
them in one line (a LanesError), never a Python exception, in bounded time (issue 32).

The readers: a CSV through the workbook reader (our columns and a CRM mapping), a mapping
TOML, a calendar (.ics), LinkedIn's Connections.csv. Nothing here opens a database.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loader.errors import LanesError
from loader.ingest.mapped_source import mapped_source
from loader.ingest.mapping import load_mapping
from loader.lanes.lane_a.calendar_meetings import calendar_meetings, parse_ics, team_zone
from loader.lanes.lane_a.columns import MEETING_COLUMNS
from loader.lanes.lane_b.linkedin import header_line
from loader.sheets.workbook import read_table

pytestmark = pytest.mark.once

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Pieces of the real formats, so random files look like ours often enough to go deep.
CSV_PIECES = ["meeting_date", "meeting_type", "meeting_outcome", "email", "Activity - Due date",
              "Deal - Status", ",", ";", "\t", "\n", "\r\n", '"', "2026-11-31", "0000-01-01",
              "2026-11-01T10:00:00+99:99", "stalled", "lost", "^.*$", "\x00", "é", "\ufeff",
              "=1+1", "a@b.example", "linkedin.com/in/x"]  # fmt: skip
ICS_PIECES = ["BEGIN:VCALENDAR\r\n", "END:VCALENDAR\r\n", "BEGIN:VEVENT\r\n", "END:VEVENT\r\n",
              "UID:u@x\r\n", "DTSTART:20261101T100000Z\r\n", "DTSTART;VALUE=PERIOD:x\r\n",
              "DTSTART:99991231T000000Z\r\n", "DURATION:P999999D\r\n", "RRULE:FREQ=DAILY\r\n",
              "RRULE:FREQ=FORTNIGHTLY\r\n", "RRULE:FREQ=WEEKLY;INTERVAL=0\r\n",
              "RRULE:FREQ=WEEKLY;BYDAY=XX\r\n", "RRULE:FREQ=DAILY;COUNT=5\r\n",
              "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example\r\n",
              "ATTENDEE;CN=\"x:y\":mailto:c@d.example\r\n", "ORGANIZER:mailto:me@ours.example\r\n",
              "SUMMARY:a: b\r\n", "EXDATE:20261102T100000Z\r\n",
              "RECURRENCE-ID:20261103T100000Z\r\n",
              "BEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
              "TZOFFSETFROM:+9999\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
              ":", ";", "\r\n "]  # fmt: skip
TOML_PIECES = ['for = "lane-a meetings"\n', "[columns]\n", 'email = ["Email", "E-mail"]\n',
               "[values.meeting_outcome]\n", '"No show" = "ghosted"\n', "[[rules]]\n",
               'when = { x = "y" }\n', 'set = { meeting_outcome = "lost" }\n', "[inputs]\n",
               'x = "X"\n', 'date_format = "%d/%m/%Y %H"\n', "a.b.c.d.e.f.g.h.i = 1\n", "[",
               "{", '"', "'''", "\n", "=", 'extends = "pipedrive"\n']  # fmt: skip


def pieces(parts: list[str]) -> st.SearchStrategy[bytes]:
    text = st.lists(st.sampled_from(parts), max_size=40).map("".join)
    return st.one_of(st.binary(max_size=2_000), text.map(lambda t: t.encode("utf-8")))


EVENT_LINES = [p for p in ICS_PIECES if not p.startswith(("BEGIN:", "END:", ":", ";", "\r"))]


@st.composite
def calendars(draw) -> bytes:
    """A calendar shaped as exports are (VCALENDAR, VTIMEZONE, VEVENTs), with random lines."""
    events = draw(st.lists(st.lists(st.sampled_from(EVENT_LINES), max_size=8), max_size=4))
    body = "".join(f"BEGIN:VEVENT\r\n{''.join(lines)}END:VEVENT\r\n" for lines in events)
    zone = draw(st.sampled_from(["", ICS_PIECES[-4]]))
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{zone}{body}END:VCALENDAR\r\n".encode()


@st.composite
def csv_files(draw) -> bytes:
    """A header of real and odd names, then rows of real and odd cells."""
    cell = st.sampled_from([*CSV_PIECES, ""])
    header = draw(st.lists(st.sampled_from([*CSV_PIECES[:6], "^.*$", "", "x"]), min_size=1,
                           max_size=6))  # fmt: skip
    rows = draw(st.lists(st.lists(cell, min_size=len(header), max_size=len(header)), max_size=5))
    return "\n".join(",".join(r) for r in [header, *rows]).encode()


def refused_or_read(read) -> None:
    started = time.monotonic()
    try:
        read()
    except LanesError as error:
        assert "\n" not in str(error).strip(), str(error)
        assert "Traceback" not in str(error) and "Error:" not in str(error), str(error)
    assert time.monotonic() - started < 20


@SETTINGS
@given(data=st.one_of(pieces(CSV_PIECES), csv_files()))
def test_csv_readers(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes(data)
    known = [c.name for c in MEETING_COLUMNS]
    refused_or_read(lambda: read_table(path, known, ["meeting_date"]))
    mapping = load_mapping("pipedrive", "lane-a meetings", MEETING_COLUMNS)
    source = mapped_source(mapping, MEETING_COLUMNS, dt.date(2026, 12, 1))

    def through_mapping() -> None:
        table = read_table(path, [], [], choose=source.choose)
        source.to_columns(table.frame)

    refused_or_read(through_mapping)
    refused_or_read(lambda: header_line(path))


@SETTINGS
@given(data=st.one_of(pieces(ICS_PIECES), calendars()))
def test_calendar_reader(data: bytes) -> None:
    def read() -> None:
        calendar = parse_ics(data, "x.ics")
        calendar_meetings([calendar], frozenset({"ours.example"}), NOW, team_zone("UTC"))

    refused_or_read(read)


@SETTINGS
@given(data=pieces(TOML_PIECES))
def test_mapping_reader(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "m.toml"
    path.write_bytes(data)
    refused_or_read(lambda: load_mapping(str(path), "lane-a meetings", MEETING_COLUMNS))
