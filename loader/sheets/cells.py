"""Column specs and cell parsers, as polars expressions over text columns.

A spec says what a column holds; `parse_columns` turns the text into typed,
canonical values and, beside each, an error message (null when the cell is
fine). Checks run column-wise, so a million rows cost a few vector passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from loader.sheets.column import Column
from loader.sheets.workbook import ROW

__all__ = ["Column"]  # re-exported: the lanes' column lists import it from here too

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
# No markup or quoting characters: an address is pasted into tools, sheets and HTML.
_NOT_MARKUP = r"""[^@\s<>"'`(),;:\\\[\]{}|^]"""
EMAIL_PATTERN = rf"^{_NOT_MARKUP}+@{_NOT_MARKUP}+\.{_NOT_MARKUP}+$"
LINKEDIN_PATTERN = r"""(?i)^(https?://)?([a-z0-9-]+\.)*linkedin\.com/[^\s<>"'`{}|\\^]+$"""
LINKEDIN_PATH = r"(?i)^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com(/[^?#\s]*)"
DOMAIN_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
# A date-time (as CRMs export them, e.g. 2026-11-28T09:30:00.000Z) is read as its date.
_ISO_DATE = (
    r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SERIAL = r"^(\d{1,7}(?:\.\d+)?)$"
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31
DATE_FORMS = "YYYY-MM-DD text (e.g. 2025-03-04), a real Excel date cell, or an Excel date number"
_ISO_TIMESTAMP = (
    r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)
TIMESTAMP_FORMS = (
    "YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] text (UTC unless it ends in Z or +HH:MM), "
    "a real Excel date or date-time cell, or an Excel date number"
)
# A date without a time means noon UTC: the same calendar day in every time zone
# from UTC-11 to UTC+11, so a touch never moves to the day before or after.
NOON = "12:00:00"
# Clocks drift: a tool's export may be a few minutes ahead of this machine.
_CLOCK_SKEW = dt.timedelta(minutes=10)


@dataclass
class Parsed:
    """Typed values beside per-column error messages, for one input table."""

    frame: pl.DataFrame  # ROW, typed columns, and "err:<column>" message columns
    error_columns: list[str] = field(default_factory=list)


def error_column(name: str) -> str:
    return f"err:{name}"


def _quoted(col: str) -> pl.Expr:
    return pl.format("'{}'", pl.col(col))


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def _no_such_day(iso_day: pl.Expr) -> pl.Expr:
    """For a YYYY-MM-DD that is no day of the calendar (2026-11-31, 2026-02-29,
    2026-13-01), why: "November 2026 has 30 days"; null for a real day (or no match)."""
    year = iso_day.str.slice(0, 4).cast(pl.Int32, strict=False)
    month = iso_day.str.slice(5, 2).cast(pl.Int32, strict=False)
    day = iso_day.str.slice(8, 2).cast(pl.Int32, strict=False)
    real_month = month.is_between(1, 12)
    length = (
        pl.when(real_month)
        .then(pl.date(year, month.clip(1, 12), 1).dt.month_end().dt.day())
        .cast(pl.Int32)
    )
    name = month.clip(1, 12).replace_strict(
        dict(enumerate(_MONTHS, start=1)), return_dtype=pl.String
    )
    return (
        pl.when(~real_month)
        .then(pl.format("there is no month {}", month))
        .when((day < 1) | (day > length))
        .then(pl.format("{} {} has {} days", name, year, length))
    )


# A UUID column holding a CRM's own numbers is a header that looks like ours: say which.
_CRM_ID_COLUMN = {"company_id": "crm_company_id", "people_id": "crm_person_id"}


def _uuid(col: Column) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(col.name).str.to_lowercase().str.strip_chars("{}")
    ok = text.str.contains(UUID_PATTERN)
    value = pl.when(ok).then(text)
    error = pl.when(pl.col(col.name).is_not_null() & ~ok)
    if col.name in _CRM_ID_COLUMN:
        error = error.then(
            pl.when(pl.col(col.name).str.contains(r"^\d+(\.0)?$"))
            .then(
                pl.format(
                    "{} is a number, not a UUID: this column probably holds your CRM's own "
                    "id. Rename its header to {} (the loader derives our ids from it), or "
                    "map it there with --from.",
                    _quoted(col.name),
                    pl.lit(_CRM_ID_COLUMN[col.name]),
                )
            )
            .otherwise(_not_a_uuid(col))
        )
        return value, error
    error = error.then(_not_a_uuid(col))
    return value, error


def _not_a_uuid(col: Column) -> pl.Expr:
    return pl.format(
        "{} is not a UUID (expected 8-4-4-4-12 hex digits, e.g. "
        "3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90). If Excel turned the id into a number, "
        "format the column as Text and paste the id again.",
        _quoted(col.name),
    )


def _year_out_of_range(value: pl.Expr) -> pl.Expr:
    """A year PostgreSQL's calendar has no place for (year 0 does not exist there)."""
    return value.is_not_null() & ~value.dt.year().is_between(1, 9999)


def _out_of_range(col: Column) -> pl.Expr:
    return pl.format("{} is out of range: a year runs from 1 to 9999.", _quoted(col.name))


def _date(col: Column, today: dt.date) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(col.name)
    iso = text.str.extract(_ISO_DATE, 1).str.to_date("%Y-%m-%d", strict=False)
    serial = text.str.extract(_SERIAL, 1).cast(pl.Float64, strict=False)
    from_serial = (
        pl.when(serial.is_between(1, _MAX_SERIAL))
        .then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial.floor().cast(pl.Int64)))
        .cast(pl.Date)
    )
    value = pl.coalesce(iso, from_serial)
    bad_year = _year_out_of_range(value)
    value = pl.when(bad_year).then(None).otherwise(value)
    unreadable = text.is_not_null() & value.is_null()
    no_such_day = _no_such_day(text.str.extract(_ISO_DATE, 1))
    error = (
        pl.when(bad_year)
        .then(_out_of_range(col))
        .when(unreadable & no_such_day.is_not_null())
        .then(pl.format("{} is not a day: {}.", _quoted(col.name), no_such_day))
        .when(unreadable)
        .then(
            pl.format(
                "{} is not a date we can read safely. Use {}.",
                _quoted(col.name),
                pl.lit(DATE_FORMS),
            )
        )
    )
    if col.past_only:
        error = error.when(value > pl.lit(today)).then(
            pl.format(
                "{} is in the future; a meeting date must be today ({}) or earlier.",
                _quoted(col.name),
                pl.lit(today.isoformat()),
            )
        )
    return pl.when(~unreadable).then(value), error


def _timestamp(col: Column, today: dt.date) -> tuple[pl.Expr, pl.Expr]:
    """An instant in UTC; a date alone is noon UTC (see NOON)."""
    text = pl.col(col.name)
    day = text.str.extract(_ISO_TIMESTAMP, 1)
    clock = text.str.extract(_ISO_TIMESTAMP, 2).fill_null(NOON)
    clock = pl.when(clock.str.len_chars() == 5).then(clock + ":00").otherwise(clock)
    offset = text.str.extract(_ISO_TIMESTAMP, 3).str.replace(":", "")
    offset_minutes = (
        pl.when(offset.is_null() | (offset == "Z"))
        .then(0)
        .otherwise(
            pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
            * (
                offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + offset.str.slice(3, 2).cast(pl.Int64, strict=False)
            )
        )
    )
    iso = pl.concat_str([day, clock], separator=" ").str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us"
    ) - pl.duration(minutes=offset_minutes)
    serial = text.str.extract(_SERIAL, 1).cast(pl.Float64, strict=False)
    from_serial = pl.when(serial.is_between(1, _MAX_SERIAL)).then(
        pl.lit(dt.datetime.combine(_EXCEL_EPOCH, dt.time())).cast(pl.Datetime("us"))
        + pl.duration(microseconds=(serial * 86_400_000_000).round().cast(pl.Int64))
    )
    # An Excel number without a fraction is a date: noon, like a date typed as text.
    from_serial = (
        pl.when(serial == serial.floor())
        .then(from_serial + pl.duration(hours=12))
        .otherwise(from_serial)
    )
    value = pl.coalesce(iso, from_serial).dt.replace_time_zone("UTC")
    # An offset is -18:00 to +18:00 with minutes under 60 (ISO 8601; what PostgreSQL
    # takes).
    bad_offset = (
        offset.is_not_null()
        & (offset != "Z")
        & (
            (offset.str.slice(3, 2).cast(pl.Int64, strict=False) > 59)
            | (offset_minutes.abs() > 18 * 60)
        )
    )
    bad_year = _year_out_of_range(value)
    value = pl.when(bad_offset | bad_year).then(None).otherwise(value)
    unreadable = text.is_not_null() & value.is_null()
    no_such_day = _no_such_day(day)
    error = (
        pl.when(bad_offset)
        .then(
            pl.format(
                "{} has a UTC offset beyond -18:00..+18:00 (or minutes past 59): check the "
                "time zone.",
                _quoted(col.name),
            )
        )
        .when(bad_year)
        .then(_out_of_range(col))
        .when(unreadable & no_such_day.is_not_null())
        .then(pl.format("{} is not a day: {}.", _quoted(col.name), no_such_day))
        .when(unreadable)
        .then(
            pl.format(
                "{} is not a date or time we can read safely. Use {}.",
                _quoted(col.name),
                pl.lit(TIMESTAMP_FORMS),
            )
        )
    )
    if col.past_only:
        now = dt.datetime.now(dt.UTC)
        latest = now + _CLOCK_SKEW
        if today < now.date():
            latest = dt.datetime.combine(today, dt.time.max, dt.UTC)
        # A date alone is in the future only from tomorrow on: noon today still counts
        # as today, whatever the clock says now.
        date_only = day.is_not_null() & text.str.extract(_ISO_TIMESTAMP, 2).is_null()
        whole_day = (serial.is_not_null() & (serial == serial.floor())) | date_only
        too_late = (
            pl.when(whole_day)
            .then(value.dt.date() > pl.lit(latest.date()))
            .otherwise(value > pl.lit(latest))
        )
        error = error.when(too_late).then(
            pl.format(
                "{} is in the future; it must be now ({} UTC) or earlier.",
                _quoted(col.name),
                pl.lit(f"{latest - _CLOCK_SKEW if latest > now else latest:%Y-%m-%d %H:%M}"),
            )
        )
    return pl.when(~unreadable).then(value), error


def _enum(col: Column) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(col.name).str.to_lowercase()
    ok = text.is_in(list(col.allowed))
    error = pl.when(pl.col(col.name).is_not_null() & ~ok).then(
        pl.format(
            "{} is not allowed here; use one of: {}.",
            _quoted(col.name),
            pl.lit(", ".join(col.allowed)),
        )
    )
    return pl.when(ok).then(text), error


def _email(col: Column) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(col.name).str.to_lowercase()
    ok = text.str.contains(EMAIL_PATTERN)
    error = pl.when(pl.col(col.name).is_not_null() & ~ok).then(
        pl.format("{} is not a valid email address (e.g. name@firm.com).", _quoted(col.name))
    )
    return pl.when(ok).then(text), error


def _linkedin(col: Column) -> tuple[pl.Expr, pl.Expr]:
    """Canonical form https://www.linkedin.com/<path>, so one profile matches one person.

    Accepts what people paste: with or without https://, with or without www.
    """
    text = pl.col(col.name)
    path = text.str.extract(LINKEDIN_PATH, 1).str.to_lowercase().str.strip_chars_end("/")
    ok = text.str.contains(LINKEDIN_PATTERN) & (path.str.len_chars() > 1)
    error = pl.when(text.is_not_null() & ~ok).then(
        pl.format(
            "{} is not a LinkedIn profile address; use e.g. "
            "https://www.linkedin.com/in/jane-doe or linkedin.com/in/jane-doe",
            _quoted(col.name),
        )
    )
    return pl.when(ok).then(pl.lit("https://www.linkedin.com") + path), error


def _domain(col: Column) -> tuple[pl.Expr, pl.Expr]:
    """A web domain, lower-case, without scheme, www. or path (https://www.Acme.com -> acme.com)."""
    text = (
        pl.col(col.name)
        .str.to_lowercase()
        .str.replace(r"^[a-z]+://", "")
        .str.replace(r"^www\.", "")
        .str.replace(r"[/?#].*$", "")
    )
    ok = text.str.contains(DOMAIN_PATTERN)
    error = pl.when(pl.col(col.name).is_not_null() & ~ok).then(
        pl.format("{} is not a web domain (e.g. acme.com).", _quoted(col.name))
    )
    return pl.when(ok).then(text), error


MAX_CELL_CHARS = 32_767
# What Excel writes for a long number it has rounded: 1.23457E+18.
_SCIENTIFIC = r"^[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+$"
ID_AS_TEXT = (
    "In Excel select the column, Format Cells > Text, and paste the ids again from the CRM "
    "(or export the file again as .xlsx)."
)


def _id(col: Column) -> tuple[pl.Expr, pl.Expr]:
    """A CRM's own id: text, kept exactly, unless a spreadsheet has visibly mangled it."""
    error = pl.when(pl.col(col.name).str.contains(_SCIENTIFIC)).then(
        pl.format(
            "{} is an id a spreadsheet turned into a rounded number; its digits are lost. {}",
            _quoted(col.name),
            pl.lit(ID_AS_TEXT),
        )
    )
    return pl.col(col.name), error


def _score(col: Column) -> tuple[pl.Expr, pl.Expr]:
    """A score from 0 to 100 (a tool gives ours back as lanes_score)."""
    number = pl.col(col.name).str.strip_chars().cast(pl.Float64, strict=False)
    ok = number.is_between(0, 100)
    error = pl.when(pl.col(col.name).is_not_null() & ~ok.fill_null(False)).then(
        pl.format("{} is not a score from 0 to 100.", _quoted(col.name))
    )
    return pl.when(ok).then(number.round(2).cast(pl.String)), error


def _text(col: Column) -> tuple[pl.Expr, pl.Expr]:
    return pl.col(col.name), pl.lit(None, dtype=pl.String)


def parse_columns(frame: pl.DataFrame, columns: list[Column], today: dt.date) -> Parsed:
    """Type every column and attach its error messages (required, format, allowed values)."""
    values: list[pl.Expr] = []
    errors: list[pl.Expr] = []
    for col in columns:
        if col.kind == "uuid":
            value, error = _uuid(col)
        elif col.kind == "date":
            value, error = _date(col, today)
        elif col.kind == "timestamp":
            value, error = _timestamp(col, today)
        elif col.kind == "enum":
            value, error = _enum(col)
        elif col.kind == "email":
            value, error = _email(col)
        elif col.kind == "linkedin":
            value, error = _linkedin(col)
        elif col.kind == "domain":
            value, error = _domain(col)
        elif col.kind == "id":
            value, error = _id(col)
        elif col.kind == "score":
            value, error = _score(col)
        else:
            value, error = _text(col)
        if col.default is not None:
            value = pl.when(pl.col(col.name).is_null()).then(pl.lit(col.default)).otherwise(value)
        # Excel's own cell limit: anything longer was not typed into a spreadsheet, and
        # could not go out again in an .xlsx export.
        error = (
            pl.when(pl.col(col.name).str.len_chars() > MAX_CELL_CHARS)
            .then(
                pl.format(
                    "{} holds {} characters; a cell holds at most "
                    f"{MAX_CELL_CHARS:,} (Excel's own limit). Shorten it.",
                    pl.lit(col.name),
                    pl.col(col.name).str.len_chars(),
                )
            )
            .otherwise(error)
        )
        # PostgreSQL text cannot hold a NUL character; a file with one is damaged or binary.
        error = (
            pl.when(pl.col(col.name).str.contains("\x00", literal=True))
            .then(
                pl.format(
                    "'{}' holds a NUL character (an invisible byte from a damaged or binary "
                    "file); retype the cell or save the file again from Excel.",
                    pl.col(col.name).str.replace_all("\x00", "\\0", literal=True),
                )
            )
            .otherwise(error)
        )
        if col.required:
            error = (
                pl.when(pl.col(col.name).is_null())
                .then(pl.lit(f"{col.name} is required; fill it in."))
                .otherwise(error)
            )
        values.append(value.alias(col.name))
        errors.append(error.cast(pl.String).alias(error_column(col.name)))
    typed = frame.select(pl.col(ROW), *values, *errors)
    return Parsed(typed, [error_column(c.name) for c in columns])


def add_row_error(parsed: Parsed, column: str, condition: pl.Expr, message: pl.Expr | str) -> None:
    """Attach a cross-column rule's message to `column` where `condition` holds."""
    name = error_column(column)
    message_expr = pl.lit(message) if isinstance(message, str) else message
    new = pl.when(condition).then(message_expr).cast(pl.String)
    if name in parsed.frame.columns:
        new = pl.coalesce(pl.col(name), new)
    else:
        parsed.error_columns.append(name)
    parsed.frame = parsed.frame.with_columns(new.alias(name))


def one_value(kind: str, text: str) -> str | None:
    """One value typed on the command line, read as a file's cell of `kind` would be
    (an email lower-cased, a LinkedIn URL in its canonical form); None when it is not one."""
    frame = pl.DataFrame({ROW: [1], "value": [text.strip()]})
    parsed = parse_columns(frame, [Column("value", kind, "")], dt.date.today()).frame
    if parsed["err:value"][0] is not None:
        return None
    value = parsed["value"][0]
    return None if value is None else str(value)
