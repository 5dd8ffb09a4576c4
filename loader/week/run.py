"""One week's run: the inbox loaded in order, both lanes built and tested, the
freshness gate, each sender's capped file, both reports, and one summary.

Each step stops the run when it fails, with one line saying why and nothing of that
step half done: a file loads whole or not at all (a file refused stops the run; the
files loaded before it stay loaded and archived, so the same command goes on where it
stopped); a failed dbt test means no export; every sender's file of the run is written
and recorded in one transaction, and the files appear only once it committed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from loader import __version__
from loader.errors import LanesError
from loader.ingest.flow import IngestOptions, IngestReport
from loader.lanes.spec import QueueSpec
from loader.platform.audit import AuditContext
from loader.platform.database import relation_exists
from loader.week.caps import Allocation, allocate, remaining_caps, start_of_week
from loader.week.config import LANES, Sender, WeekConfig
from loader.week.inbox import InboxFile, inbox_files, place

# One week run at a time per database (pg_try_advisory_lock): a cron job and a person
# starting it together would export the same rows to two senders' files.
WEEK_LOCK = 0x6C616E6573_7765  # "lanes" "we"


class WeekStopped(LanesError):
    """The week stopped for the data (a refused file, a failed test, stale data): exit 1."""

    exit_code = 1


class WeekBusy(LanesError):
    """Another `loader week` holds the lock: exit 4."""

    exit_code = 4


@dataclass
class WeekResult:
    today: dt.date
    dry_run: bool
    loaded: list[dict] = field(default_factory=list)
    built: dict = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)
    allowed_stale: bool = False
    exported: list[dict] = field(default_factory=list)
    held_back: dict[str, int] = field(default_factory=dict)
    reports: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stopped: str | None = None
    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def as_json(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "loaded": self.loaded,
            "built": self.built,
            "stale": self.stale,
            "allowed_stale": self.allowed_stale,
            "exported": self.exported,
            "held_back": self.held_back,
            "reports": self.reports,
            "warnings": self.warnings,
            "stopped": self.stopped,
            "run": self.correlation_id,
        }


@dataclass(frozen=True)
class WeekOptions:
    dry_run: bool = False
    allow_stale: bool = False
    actor: str | None = None
    today: dt.date | None = None
    # Where dbt's own output goes (stderr under --json, so stdout stays JSON).
    dbt_output: object = None


def run_week(config: WeekConfig, options: WeekOptions, say: Callable[[str], None]) -> WeekResult:
    """The week (see the module); WeekStopped / WeekBusy carry the result so far."""
    from loader.platform import database

    today = options.today or dt.date.today()
    result = WeekResult(today, options.dry_run)
    target = database.ready_target(notify=say)
    with database.connect(target, autocommit=True) as lock:
        if not lock.execute("select pg_try_advisory_lock(%s)", (WEEK_LOCK,)).fetchone()[0]:
            raise WeekBusy(
                "another `loader week` is running on this database; wait for it to finish "
                "(nothing was done)."
            )
        try:
            _run(config, options, target, today, result, say)
        except WeekStopped as stopped:
            result.stopped = str(stopped)
            stopped.result = result
            raise
        finally:
            lock.execute("select pg_advisory_unlock(%s)", (WEEK_LOCK,))
    return result


def _run(config, options: WeekOptions, target, today: dt.date, result: WeekResult, say) -> None:
    from loader.platform import database

    started = dt.datetime.now(dt.UTC)
    files = place(config, inbox_files(config))
    with database.connect(target, autocommit=True) as conn:
        if options.dry_run:
            # Each file loaded for real in one transaction rolled back at the end: the
            # partner meetings see the partners before them, the counts are exact, and
            # nothing stays.
            try:
                with conn.transaction():
                    _load_and_check(conn, config, files, options, today, result, say)
                    raise _DryRun
            except _DryRun:
                pass
        else:
            _load_and_check(conn, config, files, options, today, result, say)
    if result.stale and not options.allow_stale:
        _stop(
            result,
            "stale data, nothing exported: "
            + "; ".join(result.stale)
            + ". Add those files to the inbox, or run with --allow-stale.",
        )
    result.allowed_stale = bool(result.stale)
    if options.dry_run:
        result.built = {"ran": False, "passed": None}
    else:
        _build(target, options, result, say)
    with database.connect(target, autocommit=True) as conn:
        _export(conn, config, options, today, started, result)
        if not options.dry_run:
            _reports(conn, config, today, result)


def _load_and_check(conn, config, files, options: WeekOptions, today, result, say) -> None:
    for item in files:
        result.loaded.append(_load(conn, config, item, options, say))
    # Before the build: what is missing is known once the inbox is loaded.
    result.stale = stale_reasons(conn, config, today)


def _stop(result: WeekResult, why: str) -> None:
    result.stopped = why
    raise WeekStopped(why)


def _load(conn, config: WeekConfig, item: InboxFile, options: WeekOptions, say) -> dict:
    ingest_options = IngestOptions(actor=options.actor)
    report = _ingest(conn, config, item, ingest_options)
    shown = _relative(config, item.path)
    loaded = {
        "file": shown,
        "lane": item.lane,
        "step": item.step,
        "what": item.what,
        "tool": item.tool,
        "rows_read": report.rows_read,
        "inserted": report.inserted,
        "updated": report.updated,
        "revised": report.revised,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "load_id": None,
        "warnings": list(report.warnings),
    }
    if report.errors:
        first = report.errors[0]
        raise WeekStopped(
            f"{shown}: {report.rejected} row(s) refused (first: row {first.row}, column "
            f"{first.column}: {first.text}); nothing of it was loaded. Fix the file (`loader "
            f"ingest` on it lists every row) and run `loader week` again: the files loaded "
            "before it are archived and are not loaded twice."
        )
    if not options.dry_run:
        (load_id,) = conn.execute(
            "select load_id from shq.load_ledger where correlation_id = %s",
            (report.correlation_id,),
        ).fetchone()
        loaded["load_id"] = load_id
        loaded["archived_as"] = _relative(config, _archive(config, item.path, load_id))
    say(
        f"{'would load' if options.dry_run else 'loaded'} {shown} ({item.what}): "
        f"{report.rows_read} row(s), {report.inserted} new, {report.revised} revised, "
        f"{report.duplicates} already stored"
    )
    return loaded


def _ingest(conn, config: WeekConfig, item: InboxFile, options: IngestOptions) -> IngestReport:
    from loader.ingest.mapping import load_mapping

    if item.step == "meetings":
        from loader.lanes.lane_a.columns import MEETING_COLUMNS
        from loader.lanes.lane_a.ingest import ingest

        mapping = (
            load_mapping(item.mapping, "lane-a meetings", MEETING_COLUMNS) if item.mapping else None
        )
        return ingest(conn, item.path, options, None, mapping)
    if item.step in ("partners", "linkedin", "partner_meetings"):
        from loader.lanes.lane_b import ingest as lane_b
        from loader.lanes.lane_b.columns import MEETING_COLUMNS, PARTNER_COLUMNS
        from loader.lanes.lane_b.linkedin import position_keywords

        if item.step == "linkedin":
            keywords = position_keywords(config.linkedin_keywords, False)
            return lane_b.ingest_linkedin(conn, item.path, options, keywords)
        if item.step == "partners":
            mapping = (
                load_mapping(item.mapping, "lane-b partners", PARTNER_COLUMNS)
                if item.mapping
                else None
            )
            return lane_b.ingest_partners(conn, item.path, options, mapping)
        mapping = (
            load_mapping(item.mapping, "lane-b appointments", MEETING_COLUMNS)
            if item.mapping
            else None
        )
        return lane_b.ingest_meetings(conn, item.path, options, mapping)
    from loader.outreach.touches import ingest_touches

    return ingest_touches(conn, _touch_spec(item.lane), item.path, options, item.tool or "generic")


def _archive(config: WeekConfig, path: Path, load_id: int) -> Path:
    """The loaded file into the archive, named with its load id (never over another)."""
    config.archive.mkdir(parents=True, exist_ok=True)
    destination = config.archive / f"{load_id}-{path.name}"
    shutil.move(str(path), destination)
    return destination


def _build(target, options: WeekOptions, result: WeekResult, say) -> None:
    from loader.platform.dbt_runner import run_dbt

    say("building both lanes with their tests (dbt build)")
    code = run_dbt(target, ["build", "--quiet"], stdout=options.dbt_output)
    result.built = {"ran": True, "passed": code == 0}
    if code != 0:
        _stop(
            result,
            "dbt build failed (a model or a test; its output is above): nothing was exported. "
            "Fix what it names and run `loader week` again.",
        )


def stale_reasons(conn: psycopg.Connection, config: WeekConfig, today: dt.date) -> list[str]:
    """What the freshness rule finds missing: a tool exported to before this week with no
    activity loaded since, and Lane A's newest meeting older than max_meeting_age_days."""
    reasons: list[str] = []
    week_start = start_of_week(today)
    if config.activity_required:
        owed = conn.execute(
            """
            select e.lane, e.tool, max(e.exported_at) as last_export
            from shq.sender_exports as e
            where e.exported_at < %s and e.tool <> 'generic'
            group by e.lane, e.tool
            having not exists (
                select 1 from shq.load_ledger as l
                where l.lane = e.lane and l.tool = e.tool and l.finished_at > max(e.exported_at)
            )
            order by 1, 2
            """,
            (week_start,),
        ).fetchall()
        for lane, tool, last in owed:
            reasons.append(
                f"{tool} ({lane}) got an export on {last.date()} and none of its activity was "
                f"loaded since: put {tool}'s activity export in the inbox"
            )
    lanes_with_senders = {s.lane for s in config.senders}
    if config.max_meeting_age_days and "lane_a" in lanes_with_senders:
        (newest,) = conn.execute(
            "select max(meeting_date) from sales.appointment_history"
        ).fetchone()
        if newest is None:
            reasons.append(
                "Lane A has no meetings loaded: put the CRM's meetings export in the inbox"
            )
        elif (today - newest).days > config.max_meeting_age_days:
            reasons.append(
                f"Lane A's newest meeting is from {newest} ({(today - newest).days} days ago, "
                f"more than {config.max_meeting_age_days}): put this week's CRM export in the inbox"
            )
    return reasons


def _export(
    conn, config: WeekConfig, options: WeekOptions, today: dt.date, started, result
) -> None:
    """Every sender's share of its lane's ready queue, capped, in one transaction."""
    from loader.outreach.queue_export import Staged, ready_records, stage_records

    context = AuditContext.of(options.actor)
    folder = config.outbox / today.isoformat()
    staged: list[tuple[Sender, Staged]] = []
    try:
        with conn.transaction():
            allocations: list[Allocation] = []
            for lane in LANES:
                spec = _queue_spec(lane)
                if options.dry_run and not relation_exists(conn, spec.view):
                    result.warnings.append(
                        f"{lane} was never built here: what each sender gets is known after "
                        "the first real run's build"
                    )
                    continue
                if any(s.lane == lane for s in config.senders):
                    (held,) = conn.execute(
                        f"select count(*) from {spec.lane.view('holdout')}"
                    ).fetchone()
                    if held:
                        key = f"{lane}: the random holdout (never exported; measures the uplift)"
                        result.held_back[key] = held
                for channel in sorted({s.channel for s in config.senders if s.lane == lane}):
                    senders = [s for s in config.senders if s.lane == lane and s.channel == channel]
                    records = ready_records(conn, spec, channel)
                    caps = remaining_caps(conn, senders, today)
                    allocation = allocate(spec, records, senders, caps)
                    allocations.append(allocation)
                    for reason, count in allocation.held_back.items():
                        key = f"{lane} {channel}: {reason}"
                        result.held_back[key] = result.held_back.get(key, 0) + count
            for allocation in allocations:
                spec = _queue_spec(allocation.lane)
                for sender, records in allocation.shares:
                    if not records:
                        continue
                    path = _outbox_path(folder, sender)
                    if options.dry_run:
                        result.exported.append(_exported(config, sender, len(records), path, True))
                        continue
                    folder.mkdir(parents=True, exist_ok=True)
                    one = stage_records(
                        conn, spec, path, records, sender.tool, True, context, sender.channel
                    )
                    staged.append((sender, one))
                    result.warnings.extend(one.result.notes)
            if options.dry_run:
                raise _DryRun
            total = sum(one.result.rows for _, one in staged)
            conn.execute(
                """
                insert into shq.week_runs (correlation_id, started_at, actor, files_loaded,
                    rows_exported, allowed_stale, stale_reasons, loader_version)
                values (%s, %s, %s, %s, %s, %s, %s, %s)
                """,
                (result.correlation_id, started, context.actor,
                 sum(1 for f in result.loaded if f["load_id"]), total, bool(result.stale),
                 result.stale, __version__),
            )  # fmt: skip
            for sender, one in staged:
                if one.result.rows == 0:
                    continue
                conn.execute(
                    """
                    insert into shq.sender_exports (week_run, export_run, lane, sender, tool,
                        channel, rows_exported, file_name)
                    values (%s, %s, %s, %s, %s, %s, %s, %s)
                    """,
                    (result.correlation_id, one.result.correlation_id, sender.lane, sender.name,
                     sender.tool, sender.channel, one.result.rows, one.result.path.name),
                )  # fmt: skip
    except _DryRun:
        return
    except BaseException:
        for _, one in staged:
            one.discard()
        raise
    for sender, one in staged:
        exported = one.publish()
        if exported.rows:
            result.exported.append(_exported(config, sender, exported.rows, exported.path, False))
        for reason, count in exported.left_out.items():
            key = f"{sender.lane} {sender.channel}: {reason}"
            result.held_back[key] = result.held_back.get(key, 0) + count


class _DryRun(Exception):
    """Leaves the export's transaction without committing anything (--dry-run)."""


def _exported(config: WeekConfig, sender: Sender, rows: int, path: Path, dry: bool) -> dict:
    return {
        "sender": sender.name,
        "lane": sender.lane,
        "tool": sender.tool,
        "channel": sender.channel,
        "rows": rows,
        "file": _relative(config, path),
        "written": not dry,
    }


def _outbox_path(folder: Path, sender: Sender) -> Path:
    """outbox/<date>/<lane>-<sender>-<tool>.csv (.xlsx for a person); a second run the
    same day adds -2, -3: a file handed out is never overwritten."""
    suffix = ".xlsx" if sender.tool == "generic" else ".csv"
    stem = f"{sender.lane}-{_safe(sender.name)}-{sender.tool}"
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem}-{n}{suffix}"
    return path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _reports(conn, config: WeekConfig, today: dt.date, result: WeekResult) -> None:
    from loader.insight.report import collect, report_html

    folder = config.outbox / today.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    for lane in LANES:
        spec = _insight_spec(lane)
        path = folder / f"report_{lane}.html"
        path.write_text(report_html(collect(conn, spec, 12), spec), encoding="utf-8")
        result.reports.append(_relative(config, path))


def _relative(config: WeekConfig, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.path.parent.resolve()))
    except ValueError:
        return str(path)


def _queue_spec(lane: str) -> QueueSpec:
    if lane == "lane_a":
        from loader.lanes.lane_a.export import READY_QUEUE
    else:
        from loader.lanes.lane_b.export import READY_QUEUE
    return READY_QUEUE


def _touch_spec(lane: str):
    if lane == "lane_a":
        from loader.lanes.lane_a.touches import TOUCHES
    else:
        from loader.lanes.lane_b.touches import TOUCHES
    return TOUCHES


def _insight_spec(lane: str):
    if lane == "lane_a":
        from loader.lanes.lane_a.insight import INSIGHT
    else:
        from loader.lanes.lane_b.insight import INSIGHT
    return INSIGHT


def print_summary(result: WeekResult, echo: Callable[[str], None]) -> None:
    """One summary: loaded, built, exported per sender, held back, warnings."""
    verb = "would" if result.dry_run else ""
    loaded = result.loaded
    echo(
        f"week of {result.today}{' (dry run: nothing written)' if result.dry_run else ''}: "
        f"{len(loaded)} file(s) {verb + ' be ' if verb else ''}loaded, "
        f"{sum(f['rows_read'] for f in loaded)} row(s): {sum(f['inserted'] for f in loaded)} new, "
        f"{sum(f['revised'] for f in loaded)} revised, "
        f"{sum(f['duplicates'] for f in loaded)} already stored"
    )
    if result.built.get("ran"):
        echo(f"built both lanes: {'every test passed' if result.built['passed'] else 'FAILED'}")
    for item in result.exported:
        echo(
            f"{'would export' if result.dry_run else 'exported'} {item['rows']} to "
            f"{item['sender']} ({item['lane']}, {item['tool']}, {item['channel']}): {item['file']}"
        )
    if not result.exported and not result.stopped:
        echo("exported nobody: no ready row within the senders' caps")
    for reason, count in sorted(result.held_back.items()):
        echo(f"held back {count}: {reason}")
    for reason in result.stale:
        echo(f"{'stale (allowed)' if result.allowed_stale else 'stale'}: {reason}")
    for path in result.reports:
        echo(f"report: {path}")
    for warning in result.warnings:
        echo(f"warning: {warning}")
