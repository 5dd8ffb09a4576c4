"""Past meetings from calendars: an .ics file, and a real CalDAV server (Radicale).

The fixture (tests/fixtures/calendar/team.ics) holds what calendar exports hold: a weekly
series in New York time with an EXDATE, a moved and a cancelled occurrence; an all-day
workshop with a personal (gmail) attendee; an internal stand-up on a subdomain; a future
meeting; an invitation from outside (the prospect is the organizer); a cancelled event;
rooms and resources among the attendees.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest
from sheets import write_xlsx

from loader.errors import FileUnusable, UsageError
from loader.lanes.lane_a.calendar_meetings import (
    MAX_OCCURRENCES,
    calendar_meetings,
    parse_ics,
    read_ics,
    team_zone,
)
from loader.lanes.lane_a.columns import MEETING_COLUMNS

# Reading calendars is the loader's work (the database only says what is stored):
# once, in the embedded run.
pytestmark = pytest.mark.once

TEAM_ICS = Path(__file__).parents[1] / "fixtures" / "calendar" / "team.ics"
OURS = frozenset({"ourco.example"})
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
# In Paris: the 19:00 New York meetings fall on the next day; the moved one keeps its
# identity (RECURRENCE-ID); the all-day workshop keeps its day; gmail is no company.
EXPECTED = [
    ("ana@acme.example", "Ana Lima", "acme.example", "2026-10-02",
     "weekly-acme@test.example/20261001T230000Z"),
    ("ana@acme.example", "Ana Lima", "acme.example", "2026-10-09",
     "weekly-acme@test.example/20261008T230000Z"),
    ("ana@acme.example", "Ana Lima", "acme.example", "2026-10-23",
     "weekly-acme@test.example/20261022T230000Z"),
    ("ana@acme.example", "Ana Lima", "acme.example", "2026-11-06",
     "weekly-acme@test.example/20261106T000000Z"),
    ("ben@bolt.example", "Ben Ode", "bolt.example", "2026-11-10",
     "bolt-workshop@test.example/20261110"),
    ("cleo.park@gmail.com", "Cleo Park", None, "2026-11-10",
     "bolt-workshop@test.example/20261110"),
    ("dana@dune.example", "Dana Rao", "dune.example", "2026-11-20",
     "dune-invite@test.example/20261120T150000Z"),
]  # fmt: skip
ARGS = ["--our-domain", "ourco.example", "--timezone", "Europe/Paris", "--since", "2026-01-01"]


def as_tuples(rows: list[dict]) -> list[tuple]:
    return sorted(
        (r["email"], r["person_name"], r["company_domain"], str(r["meeting_date"])[:10],
         r["source_record_id"])
        for r in rows
    )  # fmt: skip


def template_rows(path: Path) -> list[dict]:
    frame = pl.read_excel(path, sheet_name="data", infer_schema_length=0)
    assert frame.get_column("meeting_outcome").null_count() == frame.height  # for a person
    return frame.to_dicts()


def test_an_ics_gives_one_row_per_external_attendee_of_each_past_meeting() -> None:
    found = calendar_meetings(read_ics(TEAM_ICS), OURS, NOW, team_zone("Europe/Paris"))
    assert as_tuples(found.rows) == EXPECTED
    assert (found.meetings, found.internal_only, found.cancelled, found.future) == (6, 1, 2, 1)
    # No --timezone: the day where the meeting was (New York's 19:00 is still that day).
    own = calendar_meetings(read_ics(TEAM_ICS), OURS, NOW, team_zone(None))
    dates = sorted(str(r["meeting_date"]) for r in own.rows)
    assert dates[:4] == ["2026-10-01", "2026-10-08", "2026-10-23", "2026-11-05"]


def test_a_calendar_that_names_its_zone_dates_its_meetings_there() -> None:
    ics = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nX-WR-TIMEZONE:Europe/Paris\nBEGIN:VEVENT\n"
        "UID:late@test\nDTSTART:20261105T233000Z\nATTENDEE:mailto:a@outside.example\n"
        "END:VEVENT\nEND:VCALENDAR\n"
    ).replace("\n", "\r\n")
    found = calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone(None))
    assert [str(r["meeting_date"]) for r in found.rows] == ["2026-11-06"]


def test_an_attendee_who_declined_makes_no_meeting() -> None:
    # RFC 5545 3.2.12: PARTSTAT=DECLINED; the one who accepted is the meeting.
    ics = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:both@test\n"
        "DTSTART:20261105T100000Z\nORGANIZER:mailto:me@ourco.example\n"
        "ATTENDEE;PARTSTAT=DECLINED;CN=No Show:mailto:no@outside.example\n"
        "ATTENDEE;PARTSTAT=ACCEPTED;CN=Yes Person:mailto:yes@outside.example\n"
        "END:VEVENT\nBEGIN:VEVENT\nUID:nobody@test\nDTSTART:20261104T100000Z\n"
        "ORGANIZER:mailto:me@ourco.example\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:other@outside.example\nEND:VEVENT\nEND:VCALENDAR\n"
    ).replace("\n", "\r\n")
    found = calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"))
    assert [r["email"] for r in found.rows] == ["yes@outside.example"]
    assert (found.meetings, found.declined, found.internal_only) == (1, 2, 0)
    assert "2 attendee(s) who declined" in found.summary()


def test_the_template_is_prefilled_and_a_second_run_skips_what_is_stored(
    loader, tmp_path: Path
) -> None:
    out = tmp_path / "meetings.xlsx"
    code, said, err = loader("template", "lane-a", str(out), "--from-calendar", str(TEAM_ICS),
                             *ARGS)  # fmt: skip
    assert code == 0, err
    assert "7 row(s) from 6 past meeting(s)" in said and "1 internal-only, 2 cancelled" in said
    rows = template_rows(out)
    assert as_tuples(rows) == EXPECTED and {r["source"] for r in rows} == {"calendar"}
    # A person picks outcome and type, and loads the file.
    for row in rows:
        row.update(meeting_outcome="ghosted", meeting_type="discovery")
    names = [c.name for c in MEETING_COLUMNS]
    filled = write_xlsx(tmp_path / "filled.xlsx", names,
                        [[r.get(n) for n in names] for r in rows])  # fmt: skip
    code, _, err = loader("ingest", "lane-a", str(filled))
    assert code == 0, err
    again = tmp_path / "next_month.xlsx"
    code, said, _ = loader("template", "lane-a", str(again), "--from-calendar", str(TEAM_ICS),
                           *ARGS)  # fmt: skip
    assert code == 0 and "0 row(s)" in said and "7 row(s) already stored" in said


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def radicale(tmp_path: Path):
    """A real CalDAV server (Radicale), any user and password accepted."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "",
         "--server-hosts", f"127.0.0.1:{port}", "--auth-type", "none",
         "--storage-filesystem-folder", str(tmp_path / "collections")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _publish(url: str) -> str:
    """The fixture's events on the server, one resource per UID as CalDAV stores them."""
    import caldav
    import icalendar

    client = caldav.DAVClient(url=url, username="alice", password="secret")
    calendar = client.principal().make_calendar(name="team")
    source = parse_ics(TEAM_ICS.read_bytes(), TEAM_ICS.name)
    by_uid: dict[str, list] = {}
    for event in source.walk("VEVENT"):
        by_uid.setdefault(str(event["UID"]), []).append(event)
    for events in by_uid.values():
        resource = icalendar.Calendar()
        resource.add("prodid", "-//tests//EN")
        resource.add("version", "2.0")
        for event in events:
            resource.add_component(event)
        calendar.save_event(resource.to_ical().decode())
    return str(calendar.url)


def test_sync_reads_the_same_meetings_from_a_caldav_server(
    loader, radicale: str, tmp_path: Path, monkeypatch
) -> None:
    calendar_url = _publish(radicale)
    monkeypatch.setenv("LANES_CALDAV_PASSWORD", "secret")
    out = tmp_path / "from_caldav.xlsx"
    code, said, err = loader("sync", "lane-a", "calendar", str(out), "--caldav", calendar_url,
                             "--user", "alice", *ARGS)  # fmt: skip
    assert code == 0, err
    assert as_tuples(template_rows(out)) == EXPECTED
    assert "secret" not in said + err


@pytest.mark.parametrize(
    ("ics", "says"),
    [
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:notadate\n", "is not an iCalendar file"),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:bomb\nDTSTART:20250101T000000Z\n"
            "RRULE:FREQ=SECONDLY\nATTENDEE:mailto:x@outside.example\nEND:VEVENT\nEND:VCALENDAR\n",
            f"more than {MAX_OCCURRENCES:,} event occurrences",
        ),
        (
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:crowd\nDTSTART:20261101T100000Z\n"
            + "".join(f"ATTENDEE:mailto:p{i}@outside.example\n" for i in range(5000))
            + "END:VEVENT\nEND:VCALENDAR\n",
            "attendees: more than 500 is not a meeting",
        ),
        (
            # 400 attendees x 99,999 occurrences: refused before one occurrence is made.
            "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:crowded-series\n"
            "DTSTART:20140101T090000Z\nRRULE:FREQ=HOURLY;COUNT=99999\n"
            + "".join(f"ATTENDEE:mailto:p{i}@outside.example\n" for i in range(400))
            + "END:VEVENT\nEND:VCALENDAR\n",
            "repeats with 400 attendees into more than 200,000 rows",
        ),
    ],
    ids=["malformed", "billion-occurrence-rrule", "huge-attendee-list", "attendees-x-occurrences"],
)
def test_a_hostile_calendar_is_one_line_and_exit_1(
    loader, tmp_path: Path, ics: str, says: str
) -> None:
    path = tmp_path / "hostile.ics"
    path.write_text(ics.replace("\n", "\r\n"), encoding="utf-8")
    started = time.monotonic()
    code, _, err = loader("template", "lane-a", str(tmp_path / "out.xlsx"), "--from-calendar",
                          str(path), *ARGS)  # fmt: skip
    assert code == 1 and says in err and len(err.strip().splitlines()) == 1, err
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out.xlsx").exists()


def test_a_broken_event_is_skipped_and_named_and_the_others_load() -> None:
    good = ("BEGIN:VEVENT\nUID:good@test\nSUMMARY:Intro\nDTSTART:20261105T100000Z\n"
            "ATTENDEE:mailto:a@outside.example\nEND:VEVENT\n")  # fmt: skip
    broken = [
        ("fortnight@test", "RRULE:FREQ=FORTNIGHTLY\n", "repeat rule of it cannot be read"),
        ("zero@test", "RRULE:FREQ=WEEKLY;INTERVAL=0\n", "INTERVAL=0"),
        ("weekday@test", "RRULE:FREQ=WEEKLY;BYDAY=XX\n", "repeat rule of it cannot be read"),
    ]
    events = "".join(
        f"BEGIN:VEVENT\nUID:{uid}\nSUMMARY:Weekly {uid}\nDTSTART:20261001T100000Z\n{rule}"
        "ATTENDEE:mailto:b@outside.example\nEND:VEVENT\n"
        for uid, rule, _ in broken
    )
    # Two VCALENDARs in one file (RFC 5545 3.4 allows it) read as one calendar.
    ics = (
        f"BEGIN:VCALENDAR\nVERSION:2.0\n{events}END:VCALENDAR\n"
        f"BEGIN:VCALENDAR\nVERSION:2.0\n{good}END:VCALENDAR\n"
    ).replace("\n", "\r\n")
    found = calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"))
    assert [r["email"] for r in found.rows] == ["a@outside.example"]
    skipped = {uid: why for uid, _, why in found.skipped}
    for uid, _, says in broken:
        assert says in skipped[uid], skipped
    assert "skipped event 'zero@test' ('Weekly zero@test')" in found.summary()
    assert "Error" not in found.summary()


def test_a_calendar_cut_short_at_its_end_is_read() -> None:
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@test\r\n"
           "DTSTART:20261105T100000Z\r\nATTENDEE:mailto:a@outside.example\r\n"
           "END:VEVENT\r\n")  # fmt: skip
    found = calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"))
    assert [r["email"] for r in found.rows] == ["a@outside.example"]


class _Answering(threading.Thread):
    """A local HTTP server answering every request with `body`, a byte every `drip` s."""

    def __init__(self, body: bytes, drip: float) -> None:
        super().__init__(daemon=True)
        self.body, self.drip = body, drip
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/cal/"

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                head = (f"HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\n"
                        f"Content-Length: {len(self.body)}\r\n\r\n").encode()  # fmt: skip
                try:
                    conn.sendall(head)
                    for i in range(len(self.body)):
                        conn.sendall(self.body[i : i + 1])
                        time.sleep(self.drip)
                except OSError:
                    pass


def test_a_caldav_server_that_drips_is_stopped_at_the_whole_sync_deadline() -> None:
    from loader.ingest.caldav_source import fetch_calendars

    server = _Answering(b"<?xml version='1.0'?>" + b" " * 10_000, drip=0.05)
    server.start()
    started = time.monotonic()
    with pytest.raises(UsageError, match="did not finish answering within 3 s"):
        fetch_calendars(server.url, "alice", "secret", deadline=3)
    assert time.monotonic() - started < 6  # each read came in time; the whole did not
    server.server.close()


def test_a_caldav_server_sending_no_calendar_data_is_an_error() -> None:
    from loader.ingest.caldav_source import _calendar

    with pytest.raises(FileUnusable, match="not an iCalendar object"):
        _calendar("BEGIN:VCARD\r\nEND:VCARD\r\n", "event 1 from x")
    with pytest.raises(FileUnusable, match="not an iCalendar object"):
        _calendar(b"\x00\xff garbage", "event 2 from x")


def test_a_rule_that_never_repeats_is_read_on_its_first_date_and_named() -> None:
    never = "".join(
        f"BEGIN:VEVENT\nUID:never-{i}@test\nSUMMARY:Feb 31\nDTSTART:2020010{i + 1}T090000Z\n"
        f"RRULE:FREQ={freq};BYMONTH=2,11;BYMONTHDAY=31\n"
        f"ATTENDEE:mailto:b{i}@outside.example\nEND:VEVENT\n"
        for i, freq in enumerate(["DAILY", "HOURLY", "YEARLY"])
    )
    ics = (
        "BEGIN:VCALENDAR\nVERSION:2.0\n" + never + "BEGIN:VEVENT\nUID:real@test\n"
        "DTSTART:20200101T090000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29\n"
        "ATTENDEE:mailto:leap@outside.example\nEND:VEVENT\nEND:VCALENDAR\n"
    ).replace("\n", "\r\n")
    found = calendar_meetings(
        [parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"), dt.date(2020, 1, 1)
    )
    # DTSTART is the first occurrence (RFC 5545 3.8.5.3); February 29th exists in 2020 and
    # 2024; a rule with no day at all adds nothing and is not searched for to the year 9999.
    assert sorted((r["email"], str(r["meeting_date"])) for r in found.rows) == [
        ("b0@outside.example", "2020-01-01"),
        ("b1@outside.example", "2020-01-02"),
        ("b2@outside.example", "2020-01-03"),
        ("leap@outside.example", "2020-01-01"),
        ("leap@outside.example", "2020-02-29"),
        ("leap@outside.example", "2024-02-29"),
    ]
    named = {uid: why for uid, _, why in found.unrepeated}
    assert set(named) == {"never-0@test", "never-1@test", "never-2@test"}
    assert all("never repeats (BYMONTH=2,11 has no day 31)" in why for why in named.values())
    assert "event 'never-0@test' ('Feb 31'): its RRULE never repeats" in found.summary()


def test_the_whole_expansion_has_a_deadline_naming_the_event(monkeypatch) -> None:
    import loader.lanes.lane_a.calendar_meetings as calendar_module

    monkeypatch.setattr(calendar_module, "EXPANSION_SECONDS", 0)
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:slow@test\r\n"
           "DTSTART:20261001T100000Z\r\nRRULE:FREQ=DAILY\r\n"
           "ATTENDEE:mailto:a@outside.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    with pytest.raises(FileUnusable, match=r"took more than 0 s \(at the event 'slow@test'"):
        calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"))


@pytest.mark.parametrize(
    ("attendee", "name"),
    [
        (
            'ATTENDEE;CN=Bob "The Builder" Smith:mailto:bob@outside.example',
            'Bob "The Builder" Smith',
        ),
        ('ATTENDEE;CN="Doe, Jane";ROLE=REQ-PARTICIPANT:mailto:bob@outside.example', "Doe, Jane"),
        ('ATTENDEE;CN="Bob "Bobby" Lee":mailto:bob@outside.example', 'Bob "Bobby" Lee'),
        ('ATTENDEE;CN="O\'Neil; Ann":mailto:bob@outside.example', "O'Neil; Ann"),
    ],
    ids=["bare-quotes", "quoted-with-comma", "quotes-inside-quotes", "semicolon-quoted"],
)
def test_a_name_with_quotes_is_read_with_them(attendee: str, name: str) -> None:
    """RFC 5545 3.1: a parameter value is quoted whole or holds no DQUOTE; exports write
    bare ones anyway. Read as RFC 6868 writes them (^'), never dropped."""
    ics = (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:q@test\r\n"
           f"DTSTART:20261105T100000Z\r\n{attendee}\r\nATTENDEE;CN=Other:mailto:o@outside"
           "\r\n .example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    found = calendar_meetings([parse_ics(ics.encode(), "x.ics")], OURS, NOW, team_zone("UTC"))
    assert {r["email"]: r["person_name"] for r in found.rows} == {
        "bob@outside.example": name,
        "o@outside.example": "Other",
    }
