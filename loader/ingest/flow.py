"""The one ingest flow every lane runs, and what its steps share.

`run_ingest(conn, spec, path, options)` reads a spreadsheet, types and checks
every cell, applies the lane's cross-column rules, drops in-file duplicates,
stages with COPY what the lane's compare needs (Lane A: the keys only), compares
with what is stored, then - unless it is a dry run or a row was rejected -
writes (new rows by COPY, in key order), adds the load-ledger row and reports.
A lane supplies an `IngestSpec`: its columns, rules, staging table and its
compare and write steps (see loader/lanes/lane_a/ingest.py, loader/lanes/lane_b/ingest.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import psycopg

from loader import __version__
from loader.errors import FileUnusable, UsageError
from loader.platform.audit import AuditContext
from loader.sheets.cells import ID_AS_TEXT, Column, Parsed, add_row_error, parse_columns
from loader.sheets.export_file import spreadsheet_safe
from loader.sheets.templates import is_example_row
from loader.sheets.workbook import ROW, Table, read_table

COPY_CHUNK_ROWS = 50_000


# A value longer than this is shown by its start and length: a 1 MB cell must not
# turn one line of the report (or of --json) into a megabyte.
SHOWN_VALUE_CHARS = 200
_LONG_QUOTED = re.compile("'([^']{" + str(SHOWN_VALUE_CHARS + 1) + ",})'")


def shortened(text: str | None) -> str | None:
    if text is None or len(text) <= SHOWN_VALUE_CHARS:
        return text
    return f"{text[:60]}… ({len(text):,} characters)"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str | None
    message: str
    # The cell could not be read as its column's kind at all (not a rule it broke).
    unreadable: bool = False
    # "Did you mean ...?" for this value: apart, so one message groups many values.
    suggestion: str | None = None

    @property
    def text(self) -> str:
        """The message with its suggestion, for a line of its own."""
        return f"{self.message} {self.suggestion}" if self.suggestion else self.message

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "value": self.value,
                "message": self.text}  # fmt: skip

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", shortened(self.value))
        message = _LONG_QUOTED.sub(lambda m: f"'{shortened(m.group(1))}'", self.message)
        object.__setattr__(self, "message", message)


@dataclass
class IngestReport:
    lane: str
    target: str
    file: str
    sha256: str
    rows_read: int
    dry_run: bool
    correlation_id: str
    inserted: int = 0
    updated: int = 0
    revised: int = 0  # stored meetings whose revisable fields the file changed
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Lane-owned results of a written load: extra --json fields, and lines to print.
    details: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    written: bool = False
    tool: str | None = None  # the outreach tool of an activity file

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    def as_json(self) -> dict:
        data = {
            "lane": self.lane,
            "target": self.target,
            "file": self.file,
            "sha256": self.sha256,
            "rows_read": self.rows_read,
            "inserted": self.inserted,
            "updated": self.updated,
            "revised": self.revised,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "dry_run": self.dry_run,
            "written": self.written,
            "correlation_id": self.correlation_id,
            "errors": [e.as_json() for e in self.errors],
            "warnings": self.warnings,
        }
        data.update(self.details)
        return data

    def to_json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False)


@dataclass(frozen=True)
class IngestOptions:
    dry_run: bool = False
    skip_invalid: bool = False
    sheet: str | None = None
    rejects: Path | None = None
    actor: str | None = None
    today: dt.date | None = None
    progress: Callable[[str, int, int], None] | None = None  # (stage, done, total)


@dataclass
class Plan:
    """What the compare step found: the write step's input, and the counts it will give."""

    inserted: int = 0
    updated: int = 0
    revised: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    state: object = None  # whatever the lane's write step needs
    warnings: list[str] = field(default_factory=list)  # for the report, written or not
    # The run's progress callback, for a write step that COPYs many rows.
    progress: Callable[[str, int, int], None] | None = None


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int = 0
    revised: int = 0
    details: dict[str, object] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Prepared:
    """The valid rows of a file after the lane's in-file checks."""

    rows: pl.DataFrame
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class SourceFormat:
    """Another program's file layout (an outreach tool's activity export), read as ours."""

    known: Sequence[str]  # its headers, as read (normalised)
    required: Sequence[str]
    # Its rows -> our columns (as text, ROW kept); returns warnings for the report.
    to_columns: Callable[[pl.DataFrame], tuple[pl.DataFrame, list[str]]]
    # Where to fix a refused value of our column in this layout (e.g. the mapping's
    # [values] table), added to the cell's message; None: no such place.
    hint: Callable[[str], str | None] | None = None
    # Their closest known value to a refused one of our column ("did you mean").
    near: Callable[[str, str], str | None] | None = None
    # A CSV with lines before its header (LinkedIn's notes): how many, or FileUnusable.
    preamble: Callable[[Path], int] | None = None
    # Headers known only once the file's are seen (a mapping's lists of accepted headers):
    # the file's headers ({as read: as written}) -> (those to read, those required), or
    # FileUnusable.
    choose: Callable[[dict[str, str]], tuple[list[str], list[str]]] | None = None


@dataclass(frozen=True)
class IngestSpec:
    """What one lane's ingest of one kind of file brings to `run_ingest`."""

    lane: str  # the lock and the ledger: loads of one lane run one at a time
    target: str  # the table the rows go to, as the report names it
    columns: Sequence[Column]
    stage_table: str
    stage_columns: Sequence[tuple[str, str]]  # (name, SQL type) after the row number
    # Writes nothing; may add row errors to the typed frame (cross-column rules).
    check_rows: Callable[[Parsed], None]
    # In-file work on the valid rows: derive keys, drop or reject repeated rows.
    prepare: Callable[[pl.DataFrame], Prepared]
    # Inside the transaction, rows staged: match with what is stored. Writes nothing.
    compare: Callable[[psycopg.Connection, pl.DataFrame], Plan]
    # Inside the transaction, reached only when the load goes ahead.
    write: Callable[[psycopg.Connection, Plan], Written]
    # When the file is in another program's layout; None reads our own columns.
    source: SourceFormat | None = None
    # The outreach tool an activity file came from (the ledger's `tool`); None otherwise.
    tool: str | None = None


def no_cross_column_rules(parsed: Parsed) -> None:
    return None


def keep_every_row(rows: pl.DataFrame) -> Prepared:
    return Prepared(rows)


def run_ingest(
    conn: psycopg.Connection, spec: IngestSpec, path: Path, options: IngestOptions
) -> IngestReport:
    """Load one file for one lane, all or nothing (or the valid rows with skip_invalid)."""
    started_at = dt.datetime.now(dt.UTC)
    if spec.source:
        skip = spec.source.preamble(path) if spec.source.preamble else 0
        table = read_table(
            path,
            list(spec.source.known),
            list(spec.source.required),
            options.sheet,
            skip=skip,
            choose=spec.source.choose,
        )
        frame, warnings = spec.source.to_columns(table.frame)
    else:
        known = [c.name for c in spec.columns]
        required = [c.name for c in spec.columns if c.required]
        ids = [c.name for c in spec.columns if c.kind == "id"]
        table = read_table(path, known, required, options.sheet, ids)
        frame, warnings = table.frame, []
    if table.rows_read == 0:
        where = f"sheet '{table.sheet}'" if table.sheet else "the file"
        raise FileUnusable(
            f"{path.name}: {where} has the headers but no rows below them: nothing to load. "
            "Check it is the right export (or pick the sheet with --sheet NAME)."
        )
    report = new_report(spec.lane, spec.target, table, options)
    report.tool = spec.tool
    report.warnings.extend(warnings)
    frame = _without_example_row(frame, spec, report)
    _progress(options, "validating", 0, table.rows_read)

    parsed = parse_columns(frame, list(spec.columns), options.today or dt.date.today())
    _check_numeric_ids(parsed, table, report)
    spec.check_rows(parsed)
    errors = explained(collect_errors(parsed, frame), spec)
    prepared = spec.prepare(valid_rows(parsed))
    errors.extend(prepared.errors)
    rows = prepared.rows

    _progress(options, "comparing", 0, rows.height)
    with conn.transaction() as tx:
        lock_lane(conn, spec.lane)
        context = audit_context(report, options)
        context.apply(conn)
        columns = ", ".join(f"{name} {sql_type}" for name, sql_type in spec.stage_columns)
        conn.execute(
            f"create temp table {spec.stage_table} ({ROW} bigint not null, {columns})"
            " on commit drop"
        )
        staged = [ROW, *(name for name, _ in spec.stage_columns if name in rows.columns)]
        copy_frame(conn, spec.stage_table, rows.select(staged), options.progress, "comparing")
        analyze_staged(conn, spec.stage_table)
        plan = spec.compare(conn, rows)
        plan.progress = options.progress
        errors.extend(plan.errors)
        report.warnings.extend(plan.warnings)
        report.errors = sort_errors(errors)
        report.duplicates = prepared.duplicates + plan.duplicates
        report.inserted, report.updated, report.revised = (
            plan.inserted,
            plan.updated,
            plan.revised,
        )
        if must_roll_back(report, options):
            raise psycopg.Rollback(tx)
        written = spec.write(conn, plan)
        report.inserted, report.updated = written.inserted, written.updated
        report.revised = written.revised
        report.details, report.notes = written.details, written.notes
        write_ledger(conn, report, context.actor, started_at)
        report.written = True

    if options.rejects and report.errors:
        write_rejects(options.rejects, table.frame, report.errors)
    return report


def _check_numeric_ids(parsed: Parsed, table: Table, report: IngestReport) -> None:
    """Ids a workbook stores as numbers: warn; reject those past 15 digits (already rounded)."""
    for column in table.numeric_id_columns:
        report.warnings.append(
            f"{column} holds numbers, not text, in this workbook: leading zeros are gone and "
            f"digits past the 15th are rounded. {ID_AS_TEXT}"
        )
        add_row_error(
            parsed,
            column,
            pl.col(column).str.count_matches(r"[0-9]") > 15,
            pl.format(
                "'{}' has more than 15 digits stored as a number, so its last digits are "
                "rounded and it names the wrong record. {}",
                pl.col(column),
                pl.lit(ID_AS_TEXT),
            ),
        )


def _without_example_row(
    frame: pl.DataFrame, spec: IngestSpec, report: IngestReport
) -> pl.DataFrame:
    """The template's example row, left in by mistake, is not data: skip it and say so."""
    flagged = frame.with_columns(is_example_row(spec.columns).alias("__example"))
    for row in flagged.filter(pl.col("__example"))[ROW].to_list():
        report.warnings.append(
            f"row {row} is the template's example row: skipped (delete it from the file)"
        )
    return flagged.filter(~pl.col("__example")).drop("__example")


def _progress(options: IngestOptions, stage: str, done: int, total: int) -> None:
    if options.progress:
        options.progress(stage, done, total)


def new_report(lane: str, target: str, table: Table, options: IngestOptions) -> IngestReport:
    report = IngestReport(
        lane=lane,
        target=target,
        file=table.path.name,
        sha256=table.sha256,
        rows_read=table.rows_read,
        dry_run=options.dry_run,
        correlation_id=str(uuid.uuid4()),
    )
    if table.read_as:
        report.warnings.append(
            f"read as {table.read_as} text, not UTF-8: check a few accented names "
            "(next time save it from Excel as 'CSV UTF-8')"
        )
    if table.unknown_columns:
        unknown = [shortened(table.as_written.get(c, c)) or "" for c in table.unknown_columns]
        listed = ", ".join(unknown[:30]) + (
            f", … ({len(unknown) - 30} more)" if len(unknown) > 30 else ""
        )
        report.warnings.append(f"ignored unknown column(s): {listed}")
    lock = open_elsewhere(table.path)
    if lock:
        report.warnings.append(
            f"{table.path.name} is open in {lock} (its lock file is beside it): save and close "
            "it first; unsaved edits are not in the file."
        )
    return report


def open_elsewhere(path: Path) -> str | None:
    """The program that has the workbook open, by the lock file it leaves beside it."""
    if path.with_name(f"~${path.name}").exists():
        return "Excel"
    if path.with_name(f".~lock.{path.name}#").exists():
        return "LibreOffice"
    return None


def audit_context(report: IngestReport, options: IngestOptions) -> AuditContext:
    return AuditContext.of(
        options.actor,
        correlation_id=uuid.UUID(report.correlation_id),
        source_file=report.file,
        ledgered=True,  # run_ingest writes the ledger row before it commits
    )


def collect_errors(parsed: Parsed, raw: pl.DataFrame) -> list[RowError]:
    """Every non-null message of every error column, with the cell as the person typed it."""
    records: list[RowError] = []
    for name in parsed.error_columns:
        column = name.removeprefix("err:")
        # Typed, the cell is empty where it was filled but could not be read.
        parsed_value = pl.col(column).is_null() if column in parsed.frame.columns else pl.lit(False)
        hits = parsed.frame.filter(pl.col(name).is_not_null()).select(
            ROW, name, parsed_value.alias("__unparsed")
        )
        if hits.is_empty():
            continue
        if column in raw.columns:
            hits = hits.join(raw.select(ROW, pl.col(column).alias("__value")), on=ROW, how="left")
        else:
            hits = hits.with_columns(pl.lit(None, dtype=pl.String).alias("__value"))
        rows = hits.select(ROW, name, "__value", "__unparsed").iter_rows()
        for row, message, value, unparsed in rows:
            records.append(RowError(row, column, value, message, bool(unparsed and value)))
    return records


def explained(errors: list[RowError], spec: IngestSpec) -> list[RowError]:
    """A refused cell's message, with a close value ("did you mean": one the mapping
    knows, else one of ours) and, for a file read through a mapping, where in the
    mapping to fix it."""
    allowed = {c.name: c.allowed for c in spec.columns if c.allowed}
    dated = {c.name for c in spec.columns if c.kind in ("date", "timestamp")}
    hint = spec.source.hint if spec.source else None
    near = spec.source.near if spec.source else None
    out = []
    for error in errors:
        message, suggestion = error.message, None
        if error.column in allowed and error.value:
            known = near(error.column, error.value) if near else None
            close = difflib.get_close_matches(
                error.value.strip().lower(), allowed[error.column], n=1, cutoff=0.7
            )
            if known:
                suggestion = f"Did you mean {known}?"
            elif close:
                suggestion = f"Did you mean {close[0]!r}?"
        refused_value = error.column in allowed or (error.column in dated and error.unreadable)
        fix = hint(error.column) if hint and refused_value else None
        if fix:
            message += f" Or {fix}."
        out.append(
            RowError(error.row, error.column, error.value, message, error.unreadable, suggestion)
        )
    return out


def sort_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row, e.column))


def valid_rows(parsed: Parsed) -> pl.DataFrame:
    if not parsed.error_columns:
        return parsed.frame
    clean = pl.all_horizontal(pl.col(parsed.error_columns).is_null())
    return parsed.frame.filter(clean).drop(parsed.error_columns)


def must_roll_back(report: IngestReport, options: IngestOptions) -> bool:
    """Dry runs never write; by default any rejected row means nothing is written."""
    if options.dry_run:
        return True
    # The counts stay what the load would have done (rows read = inserted + updated +
    # revised + duplicates + rejected always holds); `written` says whether it did.
    return bool(report.errors and not options.skip_invalid)


def lock_lane(conn: psycopg.Connection, lane: str) -> None:
    """Serialise loaders of one lane (held to the end of the transaction)."""
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"outreach_lanes.ingest.{lane}",))


def copy_frame(
    conn: psycopg.Connection,
    table: str,
    frame: pl.DataFrame,
    progress: Callable[[str, int, int], None] | None = None,
    stage: str = "writing",
) -> None:
    """COPY a frame into `table` (same column names) in CSV chunks written by polars;
    `progress(stage, rows done, total)` after each chunk."""
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    total = frame.height
    with conn.cursor().copy(f"copy {table} ({columns}) from stdin (format csv)") as copy:
        done = 0
        for chunk in _chunks(frame):
            copy.write(
                chunk.write_csv(include_header=False, null_value="", quote_style="non_numeric")
            )
            done += chunk.height
            if progress:
                progress(stage, done, total)


def analyze_staged(conn: psycopg.Connection, table: str) -> None:
    """Statistics for a staging table just filled. Autovacuum never analyzes temporary
    tables, and without statistics the planner guesses their size from their pages; a
    wrong guess beside a table an aborted load left analysed as empty is how a join
    turns into a nested loop over hundreds of thousands of rows."""
    conn.execute(f"analyze {table}")


def copy_query(
    conn: psycopg.Connection, query: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """A query's rows as a frame of `schema` (names and types, in the query's column order).

    COPY out, not a fetch: a compare step may get a million rows back. PostgreSQL's
    CSV quotes an empty string and leaves a null unquoted, and polars reads them back
    as "" and null, so the two stay different."""
    buffer = io.BytesIO()
    with conn.cursor().copy(f"copy ({query}) to stdout (format csv)") as copy:
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    return pl.read_csv(buffer, has_header=False, schema=schema)


def _chunks(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for offset in range(0, frame.height, COPY_CHUNK_ROWS):
        yield frame.slice(offset, COPY_CHUNK_ROWS)


def write_ledger(
    conn: psycopg.Connection, report: IngestReport, actor: str, started_at: dt.datetime
) -> None:
    conn.execute(
        """
        insert into shq.load_ledger (correlation_id, lane, target, file_name, file_sha256,
            rows_read, inserted, updated, revised, duplicates, rejected, actor, started_at,
            finished_at, dry_run, loader_version, db_user, application, tool)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, clock_timestamp(), false,
            %s, session_user, nullif(current_setting('application_name'), ''), %s)
        """,
        (
            report.correlation_id,
            report.lane,
            report.target,
            report.file,
            report.sha256,
            report.rows_read,
            report.inserted,
            report.updated,
            report.revised,
            report.duplicates,
            report.rejected,
            actor,
            started_at,
            __version__,
            report.tool,
        ),
    )


def write_rejects(path: Path, raw: pl.DataFrame, errors: list[RowError]) -> int:
    """The rejected rows as the person typed them, plus an `error` column; returns rows."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise UsageError(f"--rejects {path}: use a .csv or .xlsx file name.")
    by_row: dict[int, list[str]] = {}
    for e in errors:
        by_row.setdefault(e.row, []).append(f"{e.column}: {e.text}")
    messages = pl.DataFrame(
        {ROW: list(by_row), "error": ["; ".join(m) for m in by_row.values()]},
        schema={ROW: pl.Int64, "error": pl.String},
    )
    rejected = raw.join(messages, on=ROW, how="inner").sort(ROW)
    rejected = rejected.rename({ROW: "source_row"})
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(rejected.columns)
        writer.writerows([spreadsheet_safe(v) for v in row] for row in rejected.iter_rows())
        path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    else:
        rejected.write_excel(path, worksheet="rejected", autofit=True)
    return rejected.height
