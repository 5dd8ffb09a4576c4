"""Column specs and cell parsers, as polars expressions over text columns.

A spec says what a column holds; `parse_columns` turns the text into typed,
canonical values and, beside each, an error message (null when the cell is
fine). Checks run column-wise, so a million rows cost a few vector passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from loader.workbook import ROW

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LINKEDIN_PATTERN = r"(?i)^(https?://)?([a-z0-9-]+\.)*linkedin\.com/\S+$"
LINKEDIN_PATH = r"(?i)^(?:https?://)?(?:[a-z0-9-]+\.)*linkedin\.com(/[^?#\s]*)"
DOMAIN_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$"
_ISO_DATE = r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_SERIAL = r"^(\d{1,7}(?:\.\d+)?)$"
# Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2_958_465  # 9999-12-31
DATE_FORMS = "YYYY-MM-DD text (e.g. 2025-03-04), a real Excel date cell, or an Excel date number"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | uuid | date | enum | email | linkedin | domain
    description: str
    example: str = ""
    required: bool = False
    allowed: tuple[str, ...] = ()
    default: str | None = None
    past_only: bool = False  # dates: reject the future (meetings have happened)
    note: str = ""  # e.g. "required if meeting_outcome = stalled"


@dataclass
class Parsed:
    """Typed values beside per-column error messages, for one input table."""

    frame: pl.DataFrame  # ROW, typed columns, and "err:<column>" message columns
    error_columns: list[str] = field(default_factory=list)


def error_column(name: str) -> str:
    return f"err:{name}"


def _quoted(col: str) -> pl.Expr:
    return pl.format("'{}'", pl.col(col))


def _uuid(col: Column) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(col.name).str.to_lowercase().str.strip_chars("{}")
    ok = text.str.contains(UUID_PATTERN)
    value = pl.when(ok).then(text)
    error = pl.when(pl.col(col.name).is_not_null() & ~ok).then(
        pl.format(
            "{} is not a UUID (expected 8-4-4-4-12 hex digits, e.g. "
            "3f2b8c1e-9d4a-4b7e-8f00-2a1c5e6d7b90). If Excel turned the id into a number, "
            "format the column as Text and paste the id again.",
            _quoted(col.name),
        )
    )
    return value, error


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
    unreadable = text.is_not_null() & value.is_null()
    error = pl.when(unreadable).then(
        pl.format(
            "{} is not a date we can read safely. Use {}.", _quoted(col.name), pl.lit(DATE_FORMS)
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
        elif col.kind == "enum":
            value, error = _enum(col)
        elif col.kind == "email":
            value, error = _email(col)
        elif col.kind == "linkedin":
            value, error = _linkedin(col)
        elif col.kind == "domain":
            value, error = _domain(col)
        else:
            value, error = _text(col)
        if col.default is not None:
            value = pl.when(pl.col(col.name).is_null()).then(pl.lit(col.default)).otherwise(value)
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
