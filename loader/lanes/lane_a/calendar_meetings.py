"""Past meetings from a calendar, as rows of the Lane A meetings template.

`loader template lane-a meetings.xlsx --from-calendar CAL.ics --our-domain acme.com` and
`loader sync lane-a calendar meetings.xlsx --caldav URL --user U --our-domain acme.com`.

One row per external attendee of each past meeting: a meeting is an event occurrence
(recurring events expanded by recurring-ical-events, EXDATEs and moved or cancelled
occurrences honoured) that started before now and has at least one attendee (or
organizer) outside our domains. Its date is the team's: a time-zoned start is turned into
the team's time zone (--timezone; else the calendar's own, X-WR-TIMEZONE; else the day
in the event's own zone), an all-day event keeps its day. Each row has the attendee's name,
email and company domain, `source = calendar` and `source_record_id = UID/occurrence`;
outcome and type are left for a person to pick. Internal-only, cancelled and future
events are left out and counted; a meeting already stored is skipped.

Calendars are hostile input like any file: a malformed one is refused in one line, and
the expansion stops (one line, exit 1) past MAX_OCCURRENCES occurrences or an event with
more than MAX_ATTENDEES attendees, so a billion-occurrence RRULE costs a second.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import warnings
import zoneinfo
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import icalendar
import recurring_ical_events

from loader.errors import FileUnusable, UsageError

if TYPE_CHECKING:
    import psycopg

MAX_ICS_BYTES = 50 * 1024**2
MAX_OCCURRENCES = 100_000
MAX_ATTENDEES = 500
# Rows of the template: a meeting times its outside attendees (a year of a busy team is
# a few thousand).
MAX_ROWS = 200_000
# The whole calendar's expansion: a rule that matches rarely walks years of empty days.
EXPANSION_SECONDS = 30
# Scoring ignores meetings older than two years (reactivation_stale_after_days).
DEFAULT_LOOKBACK_DAYS = 730
# Personal mailboxes: their domain says nothing about the company.
FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
    "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "zoho.com",
})  # fmt: skip


@dataclass
class CalendarMeetings:
    """The template rows a calendar gives, and what was left out."""

    rows: list[dict[str, object]] = field(default_factory=list)
    meetings: int = 0  # past occurrences with an external attendee
    internal_only: int = 0
    cancelled: int = 0
    future: int = 0  # events that start after now
    already_stored: int = 0  # rows whose meeting is stored (skipped)
    declined: int = 0  # external attendees who declined (PARTSTAT=DECLINED): no meeting
    # Events that cannot be read, left out and named: (UID, summary, why).
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    # Events whose repeat rule never occurs, read on their first date only: (UID, summary, why).
    unrepeated: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.rows)} row(s) from {self.meetings} past meeting(s) with someone "
            f"outside our domains; left out: {self.internal_only} internal-only, "
            f"{self.cancelled} cancelled, {self.future} future event(s), "
            f"{self.declined} attendee(s) who declined, "
            f"{self.already_stored} row(s) already stored"
            + "".join(
                f"; skipped event {uid!r} ({summary[:40]!r}): {why}"
                for uid, summary, why in self.skipped[:5]
            )
            + (f"; and {len(self.skipped) - 5} more" if len(self.skipped) > 5 else "")
            + "".join(
                f"; event {uid!r} ({summary[:40]!r}): {why}"
                for uid, summary, why in self.unrepeated[:5]
            )
            + (f"; and {len(self.unrepeated) - 5} more" if len(self.unrepeated) > 5 else "")
        )


def read_ics(path: Path) -> list[icalendar.Calendar]:
    """An .ics file as calendars; FileUnusable (one line) when it is not one."""
    if not path.is_file():
        raise FileUnusable(f"{path}: no such file.")
    size = path.stat().st_size
    if size > MAX_ICS_BYTES:
        raise FileUnusable(f"{path.name}: {size:,} bytes is more than a calendar export.")
    return [parse_ics(path.read_bytes(), path.name)]


def parse_ics(data: bytes, name: str) -> icalendar.Calendar:
    """The file's calendars as one (a file may hold several VCALENDARs, RFC 5545 3.4)."""
    head = data.lstrip()[:64].upper()
    if head.startswith(b"BEGIN:VCALENDAR") and b"END:VCALENDAR" not in data.upper():
        data = data.rstrip() + b"\r\nEND:VCALENDAR\r\n"  # an export cut short at its end
    data = _quote_params(data)
    try:
        with warnings.catch_warnings():
            # icalendar warns of what it guessed (a vendor's TZID): not the user's concern.
            warnings.simplefilter("ignore")
            parsed = icalendar.Calendar.from_ical(data, multiple=True)
    except Exception:  # icalendar raises ValueError, KeyError, ... on bad input
        raise FileUnusable(
            f"{name}: is not an iCalendar file we can read (a line that is not NAME:value, "
            "or a BEGIN without its END). Export the calendar again as .ics."
        ) from None
    calendars = [c for c in parsed if isinstance(c, icalendar.Calendar) and c.name == "VCALENDAR"]
    if not calendars:
        raise FileUnusable(f"{name}: is not an iCalendar file (no VCALENDAR).")
    calendar = calendars[0]
    for other in calendars[1:]:
        for component in other.subcomponents:
            calendar.add_component(component)
    return calendar


# A content line's name and parameters as RFC 5545 3.1 writes them: a parameter value
# is quoted whole ("Doe, Jane") or holds no DQUOTE, semicolon, colon or comma.
_VALID_PARAMS = re.compile(
    rb'[A-Za-z0-9-]+(;[A-Za-z0-9-]+=("[^"]*"|[^";:,]*)(,("[^"]*"|[^";:,]*))*)*:'
)
_FOLD = re.compile(rb"\r?\n[ \t]")


def _quote_params(data: bytes) -> bytes:
    """The calendar with each bare DQUOTE inside a parameter value written as RFC 6868
    writes it (^'), so `CN=Bob "The Builder" Smith` is read with its quotes, not dropped."""
    if b'"' not in data:
        return data
    lines = _FOLD.sub(b"", data).split(b"\n")
    return b"\n".join(
        line if b'"' not in line or _VALID_PARAMS.match(line) else _requoted(line) for line in lines
    )


def _requoted(line: bytes) -> bytes:
    """One content line whose parameters hold bare quotes, with those quotes as ^'."""
    out = bytearray()
    i, n = 0, len(line)
    while i < n and line[i] not in b";:":
        i += 1
    out += line[:i]
    while line[i : i + 1] == b";":
        j = i + 1
        while j < n and line[j] not in b"=;:":
            j += 1
        out += line[i:j]
        i = j
        if line[i : i + 1] != b"=":
            continue
        out += b"="
        i += 1
        while True:
            end = _quoted_end(line, i)
            if end is not None:
                out += b'"' + line[i + 1 : end].replace(b'"', b"^'") + b'"'
                i = end + 1
            else:
                j = i
                while j < n and line[j] not in b",;:":
                    j += 1
                out += line[i:j].replace(b'"', b"^'")
                i = j
            if line[i : i + 1] != b",":
                break
            out += b","
            i += 1
    return bytes(out + line[i:])


def _quoted_end(line: bytes, i: int) -> int | None:
    """Where a value quoted whole ends (a DQUOTE before , ; or :), or None when the value
    at i is not quoted whole."""
    if line[i : i + 1] != b'"':
        return None
    j = i + 1
    while j < len(line):
        if line[j : j + 1] == b'"' and line[j + 1 : j + 2] in (b",", b";", b":"):
            return j
        j += 1
    return None


def our_domains(domains: Sequence[str]) -> frozenset[str]:
    cleaned = frozenset(d.strip().lower().lstrip("@") for d in domains if d.strip())
    if not cleaned:
        raise UsageError("give --our-domain (your company's email domain, e.g. acme.com).")
    return cleaned


def team_zone(name: str | None) -> dt.tzinfo | None:
    """--timezone as a zone; None (no --timezone): each meeting's date is the day in the
    calendar's own zone (X-WR-TIMEZONE), else in the event's own."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"--timezone {name!r} is not a time zone; use a name like Europe/Paris."
        ) from None


def calendar_meetings(
    calendars: Iterable[icalendar.Calendar],
    domains: frozenset[str],
    now: dt.datetime,
    zone: dt.tzinfo | None,
    since: dt.date | None = None,
) -> CalendarMeetings:
    """Every past meeting with an external attendee, as template rows (see the module)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # icalendar's guesses about vendors' zones
        return _meetings(calendars, domains, now, zone, since)


def _meetings(
    calendars: Iterable[icalendar.Calendar],
    domains: frozenset[str],
    now: dt.datetime,
    zone: dt.tzinfo | None,
    since: dt.date | None,
) -> CalendarMeetings:
    found = CalendarMeetings()
    team = zone
    start = since or (now.date() - dt.timedelta(days=DEFAULT_LOOKBACK_DAYS))
    deadline = time.monotonic() + EXPANSION_SECONDS
    for calendar in calendars:
        zone = team or _calendar_zone(calendar)
        # Cheap checks first, then the size bounds, then each series expanded once, on
        # its own, so a series that cannot be expanded is named and the others load.
        _leave_out(calendar, found, _first_unreadable)
        _drop_rules_that_never_repeat(calendar, found)
        _check_recurrence_sizes(calendar, now, zone)
        found.future += _future_events(calendar, now)
        zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        occurrences: list[tuple[dt.datetime, icalendar.cal.Component]] = []
        for uid, events in _series(calendar).items():
            try:
                occurrences += _past_occurrences(zones, events, start, now, zone, deadline)
            except _EXPANSION_ERRORS:
                why = "its dates or repeat rule cannot be expanded"
                found.skipped.append((uid[:60] or "(no uid)", _summary(events), why))
            if len(occurrences) > MAX_OCCURRENCES:
                raise FileUnusable(
                    f"the calendar has more than {MAX_OCCURRENCES:,} event occurrences "
                    f"since {start}: narrow it with --since DATE."
                )
        occurrences.sort(key=lambda pair: pair[0])
        for _, event in occurrences:
            _add_meeting(found, event, _start(event), domains, zone)
            if len(found.rows) > MAX_ROWS:
                raise FileUnusable(
                    f"the calendar gives more than {MAX_ROWS:,} rows (meetings times "
                    f"their outside attendees) since {start}: narrow it with --since DATE."
                )
    return found


# What the expansion raises on a value it cannot use (recurring-ical-events, dateutil).
_EXPANSION_ERRORS = (ValueError, TypeError, AttributeError, KeyError, OverflowError,
                     IndexError, ArithmeticError)  # fmt: skip


def _series(calendar: icalendar.Calendar) -> dict[str, list[icalendar.cal.Component]]:
    """The calendar's events by UID: a series and its moved or cancelled occurrences."""
    series: dict[str, list[icalendar.cal.Component]] = {}
    for event in calendar.walk("VEVENT"):
        series.setdefault(str(event.get("UID", "")), []).append(event)
    return series


def _summary(events: list[icalendar.cal.Component]) -> str:
    return str(events[0].get("SUMMARY", ""))


def _leave_out(
    calendar: icalendar.Calendar,
    found: CalendarMeetings,
    why_not: Callable[[list[icalendar.cal.Component]], str | None],
) -> None:
    """Take out of the calendar each series `why_not` finds a reason against, naming it
    with the reason; the others load."""
    broken: set[int] = set()
    for uid, events in _series(calendar).items():
        why = why_not(events)
        if why:
            found.skipped.append((uid[:60] or "(no uid)", _summary(events), why))
            broken.update(id(e) for e in events)
    if broken:
        calendar.subcomponents = [c for c in calendar.subcomponents if id(c) not in broken]


def _first_unreadable(events: list[icalendar.cal.Component]) -> str | None:
    return next((why for why in map(_unreadable, events) if why), None)


def _past_occurrences(
    zones: list[icalendar.cal.Component],
    events: list[icalendar.cal.Component],
    start: dt.date,
    now: dt.datetime,
    zone: dt.tzinfo | None,
    deadline: float,
) -> list[tuple[dt.datetime, icalendar.cal.Component]]:
    """One series' occurrences from `start` to now, with the calendar's time zones.

    The walk is bounded twice: by MAX_OCCURRENCES (checked before, per rule) and by the
    whole calendar's EXPANSION_SECONDS, so rules that match rarely cannot add up to
    minutes."""
    single = icalendar.Calendar()
    for component in [*zones, *events]:
        single.add_component(component)
    found: list[tuple[dt.datetime, icalendar.cal.Component]] = []
    for event in recurring_ical_events.of(single).after(start):
        begins = _start(event)
        if begins is None:
            continue
        instant = _as_instant(begins, zone)
        if instant >= now:
            break  # in start order: the rest is in the future
        found.append((instant, event))
        if len(found) > MAX_OCCURRENCES:
            break  # the caller refuses the calendar
        if time.monotonic() > deadline:
            raise FileUnusable(
                f"expanding the calendar's repeat rules took more than {EXPANSION_SECONDS} s "
                f"(at the event {_uid(events)!r}): export a shorter range, or remove that "
                "event's series from the export."
            )
    if time.monotonic() > deadline:
        raise FileUnusable(
            f"expanding the calendar's repeat rules took more than {EXPANSION_SECONDS} s "
            f"(at the event {_uid(events)!r}, whose rule matches rarely or never): remove "
            "that event's series from the export."
        )
    return found


def _uid(events: list[icalendar.cal.Component]) -> str:
    return str(events[0].get("UID", ""))[:60] or "(no uid)"


def _unreadable(event: icalendar.cal.Component) -> str | None:
    """Why an event cannot be a meeting we read, checked before anything expands it."""
    try:
        return _unreadable_because(event)
    except Exception:  # icalendar raises its own errors on a property it could not parse
        return "a date or repeat rule of it cannot be read"


def _unreadable_because(event: icalendar.cal.Component) -> str | None:
    try:
        begins = _start(event)
    except _EXPANSION_ERRORS:
        return "its DTSTART cannot be read"
    if event.get("DTSTART") is None:
        return "it has no DTSTART"
    if not isinstance(begins, dt.date):
        return "its DTSTART is not a date or a date-time"
    if not 1900 <= begins.year <= 2999:
        return f"it starts in the year {begins.year}"
    rules = event.get("RRULE")
    for rule in rules if isinstance(rules, list) else ([rules] if rules is not None else []):
        frequency = str(rule.get("FREQ", [""])[0]).upper()
        if frequency not in _PERIOD_SECONDS:
            return f"its RRULE has FREQ={frequency or '(none)'}, not one RFC 5545 names"
        try:
            interval = int(rule.get("INTERVAL", [1])[0])
        except (TypeError, ValueError):
            return "its RRULE INTERVAL is not a number"
        if interval < 1:
            return f"its RRULE has INTERVAL={interval}: it must be 1 or more"
    return None


# The most days a month has (February: in a leap year).
_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31,
               11: 30, 12: 31}  # fmt: skip


def _drop_rules_that_never_repeat(calendar: icalendar.Calendar, found: CalendarMeetings) -> None:
    """Take out each RRULE that has no occurrence at all (its months have none of its
    days), naming its event: dateutil would search for one up to the year 9999, seconds
    per rule. The event keeps its DTSTART, which RFC 5545 (3.8.5.3) counts as the first
    occurrence whatever the rule says."""
    for event in calendar.walk("VEVENT"):
        rules = event.get("RRULE")
        listed = rules if isinstance(rules, list) else ([rules] if rules is not None else [])
        never = [why for why in map(_never_occurs, listed) if why]
        if not never:
            continue
        kept = [rule for rule in listed if not _never_occurs(rule)]
        del event["RRULE"]
        for rule in kept:
            event.add("RRULE", rule)
        found.unrepeated.append((_uid([event]), _summary([event]), never[0]))


def _never_occurs(rule) -> str | None:
    """Why a rule has no occurrence at all, or None."""
    months = [int(m) for m in rule.get("BYMONTH", [])]
    days = [int(d) for d in rule.get("BYMONTHDAY", [])]
    if not months or not days:
        return None
    if any(abs(day) <= _MONTH_DAYS.get(month, 0) for month in months for day in days):
        return None
    return (
        f"its RRULE never repeats (BYMONTH={','.join(map(str, months))} has no day "
        f"{','.join(map(str, days))}): only its first date is read"
    )


# Seconds between occurrences, per RRULE frequency (a month and a year on average).
_PERIOD_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400,
                   "WEEKLY": 604800, "MONTHLY": 2629800, "YEARLY": 31557600}  # fmt: skip
_EXPANDING_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY",
                    "BYWEEKNO", "BYMONTH")  # fmt: skip


def _check_recurrence_sizes(calendar: icalendar.Calendar, now: dt.datetime, zone) -> None:
    """Refuse, before expanding anything, a series whose occurrences up to now could pass
    MAX_OCCURRENCES: the expansion walks every occurrence from the series' start, so a
    FREQ=SECONDLY rule would take hours. The bound over-counts (every BY* part multiplies),
    never under-counts."""
    for event in calendar.walk("VEVENT"):
        begins = _start(event)
        rules = event.get("RRULE")
        if begins is None or rules is None:
            continue
        attendees = event.get("ATTENDEE", [])
        people = len(attendees) if isinstance(attendees, list) else 1
        for rule in rules if isinstance(rules, list) else [rules]:
            bound = _occurrence_bound(rule, _as_instant(begins, zone), now, zone)
            if bound > MAX_OCCURRENCES:
                raise FileUnusable(
                    f"the event {str(event.get('UID', ''))[:60]!r} repeats into more than "
                    f"{MAX_OCCURRENCES:,} event occurrences before today (RRULE "
                    f"{rule.to_ical().decode()[:80]}): not a meeting series; remove it from "
                    "the export, or export a shorter range."
                )
            if bound * people > MAX_ROWS:
                raise FileUnusable(
                    f"the event {str(event.get('UID', ''))[:60]!r} repeats with {people:,} "
                    f"attendees into more than {MAX_ROWS:,} rows before today (RRULE "
                    f"{rule.to_ical().decode()[:80]}): not a meeting series; remove it from "
                    "the export, or export a shorter range."
                )


def _occurrence_bound(rule, first: dt.datetime, now: dt.datetime, zone) -> float:
    frequency = str(rule.get("FREQ", ["DAILY"])[0]).upper()
    interval = max(1, int(rule.get("INTERVAL", [1])[0]))
    until = rule.get("UNTIL", [None])[0]
    end = now if until is None else min(now, _as_instant(until, zone))
    span = max(0.0, (end - first).total_seconds())
    bound = span / (_PERIOD_SECONDS.get(frequency, 1) * interval) + 1
    for part in _EXPANDING_PARTS:
        bound *= max(1, len(rule.get(part, [])))
    if "COUNT" in rule:
        bound = min(bound, int(rule["COUNT"][0]))
    return bound


def _future_events(calendar: icalendar.Calendar, now: dt.datetime) -> int:
    count = 0
    for event in calendar.walk("VEVENT"):
        begins = _start(event)
        if begins is not None and _as_instant(begins, dt.UTC) >= now:
            count += 1
    return count


def _start(event: icalendar.cal.Component) -> dt.date | dt.datetime | None:
    value = event.get("DTSTART")
    return getattr(value, "dt", None)


def _calendar_zone(calendar: icalendar.Calendar) -> dt.tzinfo | None:
    """The zone a calendar export says it is in (Google and Outlook write X-WR-TIMEZONE)."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _as_instant(value: dt.date | dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone or dt.UTC)
    return dt.datetime.combine(value, dt.time(), tzinfo=zone or dt.UTC)


def _team_date(value: dt.date | dt.datetime, zone: dt.tzinfo | None) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo and zone:
            return value.astimezone(zone).date()
        return value.date()  # the day where the meeting was: its own zone, or floating
    return value  # an all-day event keeps its day


def _add_meeting(
    found: CalendarMeetings,
    event: icalendar.cal.Component,
    begins: dt.date | dt.datetime,
    domains: frozenset[str],
    zone: dt.tzinfo | None,
) -> None:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        found.cancelled += 1
        return
    people, declined = _participants(event)
    external = {email: name for email, name in people.items() if not _is_ours(email, domains)}
    found.declined += sum(1 for email in declined if not _is_ours(email, domains))
    if not external:
        if not any(not _is_ours(email, domains) for email in declined):
            found.internal_only += 1
        return
    found.meetings += 1
    uid = str(event.get("UID", "")).strip() or "(no uid)"
    occurrence = _occurrence_id(event, begins, zone)
    meeting_date = _team_date(begins, zone)
    for email, name in sorted(external.items()):
        domain = email.rsplit("@", 1)[1]
        found.rows.append(
            {
                "person_name": name,
                "email": email,
                "company_domain": None if domain in FREE_MAIL_DOMAINS else domain,
                "meeting_date": meeting_date,
                "source": "calendar",
                "source_record_id": f"{uid}/{occurrence}",
            }
        )


def _occurrence_id(
    event: icalendar.cal.Component, begins: dt.date | dt.datetime, zone: dt.tzinfo
) -> str:
    """Which occurrence of the series: its RECURRENCE-ID (a moved one keeps its identity),
    else its start; a day for an all-day event, a UTC time otherwise."""
    recurrence = getattr(event.get("RECURRENCE-ID"), "dt", None)
    moment = recurrence if recurrence is not None else begins
    if not isinstance(moment, dt.datetime):
        return moment.strftime("%Y%m%d")
    return _as_instant(moment, zone).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _participants(event: icalendar.cal.Component) -> tuple[dict[str, str | None], set[str]]:
    """(email -> name of the attendees and the organizer, the emails of those who
    declined). Rooms and resources are left out; an attendee whose participation status
    is DECLINED (RFC 5545, 3.2.12 PARTSTAT) did not meet us."""
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    if len(attendees) > MAX_ATTENDEES:
        raise FileUnusable(
            f"the event {str(event.get('UID', ''))[:60]!r} lists {len(attendees):,} attendees: "
            f"more than {MAX_ATTENDEES} is not a meeting; remove it from the export."
        )
    organizer = event.get("ORGANIZER")
    people: dict[str, str | None] = {}
    declined: set[str] = set()
    for address in [*attendees, *([organizer] if organizer is not None else [])]:
        params = getattr(address, "params", {})
        if str(params.get("CUTYPE", "INDIVIDUAL")).upper() in ("ROOM", "RESOURCE"):
            continue
        email = str(address).strip()
        if email.lower().startswith("mailto:"):
            email = email[7:]
        email = email.strip().lower()
        if "@" not in email or " " in email:
            continue
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            declined.add(email)
            continue
        name = params.get("CN")
        people.setdefault(email, str(name).strip() if name else None)
    return {e: n for e, n in people.items() if e not in declined}, declined


def _is_ours(email: str, domains: frozenset[str]) -> bool:
    domain = email.rsplit("@", 1)[1]
    return any(domain == d or domain.endswith(f".{d}") for d in domains)


def skip_stored(conn: psycopg.Connection, found: CalendarMeetings) -> None:
    """Drop the rows whose meeting is stored: the same occurrence (source_record_id) of
    that person, or the meeting the ingest would make of the row (derived ids)."""
    from loader.lanes.lane_a.prospect_ids import derived_id

    if not found.rows:
        return
    keyed = []
    for row in found.rows:
        person = derived_id("email", str(row["email"]))
        company = derived_id("domain", str(row["company_domain"])) if row["company_domain"] else ""
        keyed.append((f"{company}|{person}|{row['meeting_date']}", row))
    stored = {
        uid
        for (uid,) in conn.execute(
            "select appointment_uid from sales.appointment_history where appointment_uid = any(%s)",
            ([uid for uid, _ in keyed],),
        )
    }
    by_occurrence = {
        (record_id, email)
        for record_id, email in conn.execute(
            """
            select h.source_record_id, p.email
            from sales.appointment_history as h
            join sales.prospect_people as p using (people_id)
            where h.source_record_id = any(%s)
            """,
            ([str(row["source_record_id"]) for _, row in keyed],),
        )
    }
    kept = [
        row
        for uid, row in keyed
        if uid not in stored and (row["source_record_id"], row["email"]) not in by_occurrence
    ]
    found.already_stored += len(found.rows) - len(kept)
    found.rows = kept
