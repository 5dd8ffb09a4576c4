"""Calendars from a CalDAV server (Google, iCloud, Fastmail and Nextcloud speak it).

The password comes from the environment (LANES_CALDAV_PASSWORD) or a prompt, never an
argument: a command line ends up in shell history and in `ps`.
"""

from __future__ import annotations

import os

import caldav
import icalendar

from loader.errors import UsageError

PASSWORD_VARIABLE = "LANES_CALDAV_PASSWORD"


def fetch_calendars(url: str, user: str, password: str) -> list[icalendar.Calendar]:
    """Every event of the calendar at URL (or of every calendar of the account at URL),
    as iCalendar objects; a UsageError (one line) when the server refuses."""
    client = caldav.DAVClient(url=url, username=user, password=password, timeout=60)
    try:
        calendars = _calendars(client, url)
        return [icalendar.Calendar.from_ical(obj.data) for c in calendars for obj in c.events()]
    except caldav.lib.error.AuthorizationError:
        raise UsageError(
            f"the CalDAV server at {url} refused user {user!r}: check the user and the "
            f"password ({PASSWORD_VARIABLE})."
        ) from None
    except (caldav.lib.error.DAVError, OSError) as error:
        detail = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
        raise UsageError(f"cannot read calendars from {url}: {detail}") from None


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
