"""Printing an ingest report: a rich table on a terminal, plain lines otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table as RichTable

from loader.ingest.flow import IngestReport, RowError

MAX_ERRORS_SHOWN = 50
PROGRESS_MIN_ROWS = 10_000


@contextmanager
def progress_reporter(
    console: Console, enabled: bool
) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress callback drawing a bar, for big files on a terminal only."""
    if not enabled or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
    ) as progress:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if total < PROGRESS_MIN_ROWS:
                return
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def print_report(report: IngestReport, console: Console, show_notes: bool = True) -> None:
    for warning in report.warnings:
        console.print(f"warning: {warning}", style="yellow", markup=False, highlight=False)
    if report.errors:
        _print_errors(report, console)
    summary = RichTable(title=f"{report.file} -> {report.target}", show_header=False)
    summary.add_column("what")
    summary.add_column("count", justify="right")
    done = report.written
    for label, value in [
        ("rows read", report.rows_read),
        ("inserted" if done else "would insert", report.inserted),
        ("updated" if done else "would update", report.updated),
        ("revised (outcome changed)" if done else "would revise", report.revised),
        ("duplicates (already loaded)", report.duplicates),
        ("rejected", report.rejected),
    ]:
        summary.add_row(label, str(value))
    if console.is_terminal:
        console.print(summary)
    else:
        line = ", ".join(f"{row[0]}: {row[1]}" for row in _rows(summary))
        console.print(f"{report.file} -> {report.target}: {line}", markup=False, highlight=False)
    for note in report.notes if show_notes else []:
        console.print(note, markup=False, highlight=False)
    console.print(_outcome(report), markup=False, highlight=False)


def _rows(table: RichTable) -> list[tuple[str, str]]:
    labels = list(table.columns[0].cells)
    values = list(table.columns[1].cells)
    return list(zip(labels, values, strict=True))


@dataclass(frozen=True)
class _Problem:
    """One refused value of one column, on every row that has it, with one message."""

    column: str
    values: list[tuple[str | None, list[int]]]  # (value, rows), most rows first
    message: str  # with "the value" where the message quoted it
    suggestions: dict[str | None, str]  # value -> "Did you mean ...?"

    @property
    def rows(self) -> list[int]:
        return sorted(row for _, rows in self.values for row in rows)


def _problems(errors: list[RowError]) -> list[_Problem]:
    """Errors grouped by column and message: a CRM export that writes "No show" on 57 rows
    gets one line naming the value and its 57 rows, not 57 lines."""
    groups: dict[tuple[str, str], dict[str | None, list[int]]] = {}
    suggestions: dict[tuple[str, str], dict[str | None, str]] = {}
    for e in errors:
        template = e.message.replace(f"'{e.value}'", "the value") if e.value else e.message
        groups.setdefault((e.column, template), {}).setdefault(e.value, []).append(e.row)
        if e.suggestion:
            suggestions.setdefault((e.column, template), {})[e.value] = e.suggestion
    problems = [
        _Problem(
            column,
            sorted(values.items(), key=lambda kv: (-len(kv[1]), kv[1][0])),
            message,
            suggestions.get((column, message), {}),
        )
        for (column, message), values in groups.items()
    ]
    return sorted(problems, key=lambda p: p.rows[0])


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return f"rows {shown}, …" if len(rows) > 5 else f"row{'s' if len(rows) > 1 else ''} {shown}"


def _values_text(problem: _Problem) -> str:
    def said(value: str | None) -> str:
        suggestion = problem.suggestions.get(value)
        return f" ({suggestion[0].lower()}{suggestion[1:]})" if suggestion else ""

    return ", ".join(
        f"{'(empty)' if value is None else repr(value)} × {len(rows)}{said(value)}"
        for value, rows in problem.values
    )


def _print_errors(report: IngestReport, console: Console) -> None:
    problems = _problems(report.errors)
    if all(len(p.rows) == 1 for p in problems):
        _print_each_error(report, console)
        return
    shown = problems[:MAX_ERRORS_SHOWN]
    for p in shown:
        if len(p.rows) == 1:
            [(value, [row])] = p.values
            text = "(empty)" if value is None else repr(value)
            message = p.message.replace("the value", repr(value)) if value else p.message
            if value in p.suggestions:
                message += f" {p.suggestions[value]}"
            line = f"row {row}, {p.column} = {text}: {message}"
        else:
            line = f"{p.column}: {_values_text(p)} ({_rows_text(p.rows)}): {p.message}"
        console.print(
            line, markup=False, highlight=False, style="red" if console.is_terminal else None
        )
    if len(problems) > len(shown):
        console.print(
            f"... and {len(problems) - len(shown)} more problems; use --rejects FILE or --json "
            "to get every row.",
            markup=False,
        )


def _print_each_error(report: IngestReport, console: Console) -> None:
    shown = report.errors[:MAX_ERRORS_SHOWN]
    if console.is_terminal:
        table = RichTable(title="rejected rows", title_style="bold red")
        for name in ("row", "column", "value", "problem"):
            table.add_column(name, overflow="fold")
        for e in shown:
            table.add_row(str(e.row), e.column, "" if e.value is None else e.value, e.text)
        console.print(table)
    else:
        for e in shown:
            value = "(empty)" if e.value is None else repr(e.value)
            console.print(
                f"row {e.row}, {e.column} = {value}: {e.text}", markup=False, highlight=False
            )
    if len(report.errors) > len(shown):
        console.print(
            f"... and {len(report.errors) - len(shown)} more; use --rejects FILE or --json "
            "to get them all.",
            markup=False,
        )


def _outcome(report: IngestReport) -> str:
    if report.dry_run:
        verdict = "would be rejected" if report.errors else "is valid"
        return f"dry run: nothing was written; the file {verdict}."
    if report.errors and not report.written:
        return (
            f"nothing was written: {report.rejected} row(s) need fixing. Fix them and run again, "
            "or load the valid rows with --skip-invalid."
        )
    rescore = ""
    if report.inserted or report.updated or report.revised:
        # The queue and the exports follow the data only after the next build.
        rescore = f" Run `loader dbt build --select {report.lane}` to rescore."
    if report.errors:
        return (
            f"loaded the valid rows; {report.rejected} row(s) rejected "
            f"(run {report.correlation_id}).{rescore}"
        )
    return f"done (run {report.correlation_id}).{rescore}"
