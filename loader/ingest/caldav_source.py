"""Calendars from a CalDAV server (Google, iCloud, Fastmail and Nextcloud speak it).

The password comes from the environment (LANES_CALDAV_PASSWORD) or a prompt, never an
argument: a command line ends up in shell history and in `ps`.
"""

from __future__ import annotations

import os
import threading
import warnings

import caldav
import icalendar

from loader.errors import FileUnusable, UsageError

PASSWORD_VARIABLE = "LANES_CALDAV_PASSWORD"
# The whole sync, not each read: a server that drips a byte at a time never trips a
# per-read timeout. And no more calendar data than a calendar file may hold.
SYNC_SECONDS = 120
MAX_SYNC_BYTES = 50 * 1024**2


def fetch_calendars(
    url: str, user: str, password: str, deadline: float = SYNC_SECONDS
) -> list[icalendar.Calendar]:
    """Every event of the calendar at URL (or of every calendar of the account at URL),
    as iCalendar objects; one line (UsageError, FileUnusable) when the server refuses,
    answers with data we cannot read, sends too much or does not finish by `deadline`."""
    done: dict[str, object] = {}

    def sync() -> None:
        try:
            done["calendars"] = _fetch(url, user, password, deadline)
        except BaseException as error:  # handed to the caller's thread, raised there
            done["error"] = error

    worker = threading.Thread(target=sync, name="caldav-sync", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        raise UsageError(
            f"the CalDAV server at {url} did not finish answering within {deadline:.0f} s: "
            "try again later, or export the calendar as .ics and use --from-calendar."
        )
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["calendars"]  # type: ignore[return-value]


def _fetch(url: str, user: str, password: str, deadline: float) -> list[icalendar.Calendar]:
    client = caldav.DAVClient(url=url, username=user, password=password, timeout=deadline)
    try:
        found, size = [], 0
        for calendar in _calendars(client, url):
            for number, event in enumerate(calendar.events(), start=1):
                data = event.data or ""
                size += len(data.encode() if isinstance(data, str) else data)
                if size > MAX_SYNC_BYTES:
                    raise FileUnusable(
                        f"the CalDAV server at {url} sent more than "
                        f"{MAX_SYNC_BYTES // 1024**2} MB of calendar data: narrow it (one "
                        "calendar's URL), or export a shorter range as .ics."
                    )
                found.append(_calendar(data, f"event {number} from {url}"))
        return found
    except caldav.lib.error.AuthorizationError:
        raise UsageError(
            f"the CalDAV server at {url} refused user {user!r}: check the user and the "
            f"password ({PASSWORD_VARIABLE})."
        ) from None
    except (caldav.lib.error.DAVError, OSError) as error:
        detail = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise UsageError(f"cannot read calendars from {url}: {detail}") from None


def _calendar(data: str | bytes, name: str) -> icalendar.Calendar:
    """One object the server sent, as a calendar; one line when it is none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # icalendar's guesses about vendors' zones
            calendar = icalendar.Calendar.from_ical(data)
    except Exception:  # icalendar raises ValueError, KeyError, ... on bad input
        calendar = None
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise FileUnusable(
            f"{name}: the server sent data that is not an iCalendar object; check the URL "
            "names a calendar, or export the calendar as .ics."
        )
    return calendar


def _calendars(client: caldav.DAVClient, url: str) -> list:
    """The calendar URL names, else the account's calendars."""
    calendar = client.calendar(url=url)
    try:
        calendar.events()
        return [calendar]
    except caldav.lib.error.DAVError:
        return client.principal().calendars()


def caldav_password(prompt) -> str:
    return os.environ.get(PASSWORD_VARIABLE) or prompt()
