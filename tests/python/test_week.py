"""`loader week`: a team's week in one command, run as a scheduler runs it.

One database, the example workbooks in the inbox, senders with small caps; then the
same day again (nothing changes, nobody is exported twice), the next week with one
tool's activity missing (stopped, named), and with --allow-stale (recorded).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

from loader.errors import UsageError
from loader.week.config import load_config, write_init
from loader.week.inbox import Unplaced, inbox_files, place

pytestmark = pytest.mark.once

TODAY = dt.date.today()
NEXT_WEEK = TODAY + dt.timedelta(days=7)

SENDERS = """
[[senders]]
name = "anna"
lane = "lane_a"
tool = "lemlist"
channel = "email"
per_day = 12

[[senders]]
name = "bo"
lane = "lane_a"
tool = "lemlist"
channel = "email"
per_week = 5

[[senders]]
name = "ben"
lane = "lane_a"
tool = "heyreach"
channel = "linkedin"
per_week = 4

[[senders]]
name = "cara"
lane = "lane_b"
tool = "generic"
channel = "email"
"""


def a_team(folder: Path, senders: str = SENDERS) -> Path:
    """lanes.toml as `--init` writes it, its example sender replaced by `senders`."""
    config = folder / "lanes.toml"
    write_init(config)
    text = config.read_text(encoding="utf-8")
    head, _, rest = text.partition("[[senders]]")
    config.write_text(head + senders + "\n[freshness]" + rest.split("[freshness]")[1])
    return config


def examples_in(inbox: Path) -> None:
    from loader.demo.examples import write_examples

    write_examples(inbox, TODAY)


def test_lanes_toml_is_checked_whole_before_anything_runs(tmp_path: Path) -> None:
    config = a_team(tmp_path)
    assert [s.name for s in load_config(config).senders] == ["anna", "bo", "ben", "cara"]
    anna = load_config(config).senders[0]
    assert (anna.per_day, anna.per_week) == (12, None)
    ben = load_config(config).senders[2]
    assert (ben.per_day, ben.per_week) == (None, 4)
    for wrong, says in [
        ("inbx = 'x'\n", "unknown key 'inbx' (did you mean 'inbox'?)"),
        (SENDERS.replace('tool = "heyreach"', 'tool = "heyreach"\nper_wek = 3'),
         "unknown key in [[senders]] #3 'per_wek' (did you mean 'per_week'?)"),
        (SENDERS.replace('channel = "linkedin"', 'channel = "email"'),
         "HeyReach does not send on email"),
        (SENDERS.replace('tool = "generic"', 'tool = "mailchimp"'), "tool must be one of"),
        (SENDERS.replace("per_week = 5", "per_week = -5"), "per_week must be a whole number"),
        (SENDERS + SENDERS, "two senders named 'anna' in lane_a"),
    ]:  # fmt: skip
        bad = tmp_path / "bad" / "lanes.toml"
        bad.parent.mkdir(exist_ok=True)
        bad.unlink(missing_ok=True)
        if wrong.startswith("inbx"):
            bad.write_text(wrong)
        else:
            a_team(bad.parent, wrong).rename(bad)
        with pytest.raises(UsageError, match=None) as error:
            load_config(bad)
        assert says in str(error.value), str(error.value)


def test_every_inbox_file_is_placed_or_the_run_stops_naming_it(tmp_path: Path) -> None:
    # lemlist sends for both lanes here: its activity must say which lane it is for.
    config_path = a_team(tmp_path, SENDERS.replace('tool = "generic"', 'tool = "lemlist"'))
    examples_in(tmp_path / "inbox")
    activity = tmp_path / "inbox" / "lemlist-activity.csv"
    with activity.open("w", newline="") as handle:
        csv.writer(handle).writerows(
            [["type", "createdAt", "leadEmail"], ["emailsSent", "2026-11-30T09:00Z", "a@b.example"]]
        )
    config = load_config(config_path)
    with pytest.raises(Unplaced, match=r"lemlist-activity.csv: outreach activity, but for which"):
        place(config, inbox_files(config))
    (tmp_path / "inbox" / "lane_a").mkdir()
    activity.rename(tmp_path / "inbox" / "lane_a" / activity.name)
    placed = place(config, inbox_files(config))
    assert [(f.path.name, f.lane, f.step, f.tool) for f in placed] == [
        ("lane_a_appointments.xlsx", "lane_a", "meetings", None),
        ("lane_b_partners.xlsx", "lane_b", "partners", None),
        ("lane_b_partner_meetings.xlsx", "lane_b", "partner_meetings", None),
        ("lemlist-activity.csv", "lane_a", "touches", "lemlist"),
    ]
    (tmp_path / "inbox" / "notes.csv").write_text("what,when\nlunch,today\n")
    with pytest.raises(Unplaced, match=r"inbox/notes.csv: cannot tell what this file is"):
        place(config, inbox_files(config))


def week(loader, config: Path, *args: str) -> tuple[int, dict, str]:
    code, out, err = loader("week", "--config", str(config), "--json", *args)
    return code, (json.loads(out) if out.strip() else {}), err


def exported_rows(outbox_file: Path) -> list[dict]:
    with outbox_file.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_a_week_by_hand_then_again_then_next_week(loader, migrated_db: str, tmp_path: Path) -> None:
    config = a_team(tmp_path)
    examples_in(tmp_path / "inbox")

    # A dry run shows the plan and writes nothing.
    code, plan, err = week(loader, config, "--dry-run")
    assert code == 0, err
    assert [f["file"] for f in plan["loaded"]] == [
        "inbox/lane_a_appointments.xlsx", "inbox/lane_b_partners.xlsx",
        "inbox/lane_b_partner_meetings.xlsx"]  # fmt: skip
    assert len(list((tmp_path / "inbox").glob("*.xlsx"))) == 3
    assert not (tmp_path / "outbox" / TODAY.isoformat()).exists()

    code, first, err = week(loader, config)
    assert code == 0, err
    assert first["built"] == {"ran": True, "passed": True}
    with psycopg.connect(migrated_db) as conn:
        load_ids = [r[0] for r in conn.execute("select load_id from shq.load_ledger order by 1")]
    archived = sorted(p.name for p in (tmp_path / "inbox" / "loaded").iterdir())
    assert archived == sorted(
        f"{i}-{name}" for i, name in zip(load_ids, ["lane_a_appointments.xlsx",
        "lane_b_partners.xlsx", "lane_b_partner_meetings.xlsx"], strict=True))  # fmt: skip
    assert not list((tmp_path / "inbox").glob("*.xlsx"))
    by_sender = {e["sender"]: e for e in first["exported"]}
    # Email split in turn, best first, each to its cap: anna 12 a day, bo 5 a week.
    assert (by_sender["anna"]["rows"], by_sender["bo"]["rows"], by_sender["ben"]["rows"]) == (
        12,
        5,
        4,
    )
    outbox = tmp_path / "outbox" / TODAY.isoformat()
    anna = exported_rows(outbox / "lane_a-anna-lemlist.csv")
    bo = exported_rows(outbox / "lane_a-bo-lemlist.csv")
    assert len(anna) == 12 and len(bo) == 5 and "email" in anna[0] and "lanes_key" in anna[0]
    scores = [float(r["lanes_score"]) for r in anna[:5] + bo]
    assert max(float(r["lanes_score"]) for r in bo) <= float(anna[0]["lanes_score"])
    assert scores  # both got rows from the top of the queue
    assert (outbox / "lane_b-cara-generic.xlsx").exists()
    assert {Path(r).name for r in first["reports"]} == {"report_lane_a.html", "report_lane_b.html"}
    assert any("over the senders' caps" in k for k in first["held_back"])

    # The same day again: nothing to load, nobody exported twice, no new file.
    files_before = sorted(p.name for p in outbox.iterdir())
    code, second, err = week(loader, config)
    assert code == 0, err
    assert second["loaded"] == [] and second["exported"] == []
    assert sorted(p.name for p in outbox.iterdir()) == files_before
    with psycopg.connect(migrated_db) as conn:
        twice = conn.execute(
            "select count(*) from (select appointment_uid from sales.reactivation_touches"
            " where event = 'planned' group by appointment_uid, channel having count(*) > 1) t"
        ).fetchone()[0]
    assert twice == 0

    # Next week, lemlist's activity comes back; HeyReach's does not: stopped, named.
    (tmp_path / "inbox" / "lane_a").mkdir()
    with (tmp_path / "inbox" / "lane_a" / "lemlist-activity.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["type", "createdAt", "leadEmail", "lanes_key"])
        sent = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        for row in anna + bo:
            out.writerow(["emailsSent", sent, row["email"], row["lanes_key"]])
    code, stale, err = week(loader, config, "--today", NEXT_WEEK.isoformat())
    assert code == 1
    assert "heyreach (lane_a) got an export on" in stale["stopped"]
    assert "lemlist" not in stale["stopped"]  # its activity was in the inbox, and loaded
    assert stale["exported"] == [] and stale["built"] == {}
    assert not (tmp_path / "outbox" / NEXT_WEEK.isoformat()).exists()

    code, allowed, err = week(loader, config, "--today", NEXT_WEEK.isoformat(), "--allow-stale")
    assert code == 0, err
    assert allowed["allowed_stale"] is True and allowed["stale"]
    with psycopg.connect(migrated_db) as conn:
        recorded = conn.execute(
            "select allowed_stale, stale_reasons from shq.week_runs order by week_run_id desc"
            " limit 1"
        ).fetchone()
    assert recorded[0] is True and "heyreach" in recorded[1][0]


def test_a_second_run_at_the_same_time_says_so_and_exits_4(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    from loader.week.run import WEEK_LOCK

    config = a_team(tmp_path)
    with psycopg.connect(migrated_db, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", (WEEK_LOCK,))
        code, _, err = loader("week", "--config", str(config))
    assert code == 4 and "another `loader week` is running" in err


def test_caps_count_what_this_week_already_exported(migrated_db: str) -> None:
    from loader.week.caps import remaining_caps
    from loader.week.config import Sender

    wednesday = dt.date(2026, 12, 9)
    monday = dt.datetime(2026, 12, 7, 9, 0).astimezone()
    sender = Sender("anna", "lane_a", "lemlist", "email", per_week=100, per_day=30)
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        run = "00000000-0000-4000-8000-000000000001"
        conn.execute(
            "insert into shq.week_runs (correlation_id, started_at, actor, files_loaded,"
            " rows_exported) values (%s, %s, 'test', 0, 0)", (run, monday))  # fmt: skip
        for when, rows in [
            (monday, 60),
            (monday - dt.timedelta(days=3), 40),
            (dt.datetime(2026, 12, 9, 8, 0).astimezone(), 25),
        ]:
            conn.execute(
                "insert into shq.sender_exports (week_run, export_run, lane, sender, tool,"
                " channel, rows_exported, file_name, exported_at)"
                " values (%s, gen_random_uuid(), 'lane_a', 'anna', 'lemlist', 'email', %s,"
                " 'f.csv', %s)", (run, rows, when))  # fmt: skip
        # This week: 60 on Monday and 25 today = 85 of 100; today: 25 of 30.
        assert remaining_caps(conn, [sender], wednesday) == {"anna": 5}
        assert remaining_caps(conn, [sender], dt.date(2026, 12, 10)) == {"anna": 15}
        assert remaining_caps(conn, [sender], dt.date(2026, 12, 14)) == {"anna": 30}


ROOT = Path(__file__).parents[2]
_CRON_FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*"


def _valid_cron(expression: str) -> bool:
    import re

    fields = expression.split()
    ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
    if len(fields) != 5:
        return False
    for field, (low, high) in zip(fields, ranges, strict=True):
        if not re.fullmatch(_CRON_FIELD, field):
            return False
        numbers = [int(n) for n in re.findall(r"\d+", field.split("/")[0])]
        if any(not low <= n <= high for n in numbers):
            return False
    return True


def _runs_the_tested_command(line: str, config: str) -> None:
    """`line` runs `loader week --config CONFIG`, whose options the command takes."""
    from loader.cli.week import week_command

    words = line.split("loader week", 1)[1].split()
    words = [w for w in words if not w.startswith(("$", ">", "2>"))][:2]
    assert words == ["--config", config], line
    week_command.make_context("week", list(words))  # the options exist


def test_the_schedules_run_the_command_the_tests_run() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "week.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads `on` as true
    assert _valid_cron(triggers["schedule"][0]["cron"])
    assert "workflow_dispatch" in triggers
    job = workflow["jobs"]["week"]
    assert job["env"]["DATABASE_URL"] == "${{ secrets.DATABASE_URL }}"
    runs = {step.get("name"): step.get("run", "") for step in job["steps"]}
    assert runs["install"] == "make install"
    _runs_the_tested_command(runs["loader week"], "week/lanes.toml")

    docs = (ROOT / "docs" / "operations.md").read_text()
    cron_block = docs.split("```cron", 1)[1].split("```", 1)[0]
    (line,) = [x for x in cron_block.splitlines() if x.strip() and not x.startswith("#")]
    assert _valid_cron(" ".join(line.split()[:5])), line
    _runs_the_tested_command(line, "lanes.toml")
    (exec_start,) = [x for x in docs.splitlines() if x.startswith("ExecStart=")]
    _runs_the_tested_command(exec_start, "lanes.toml")
    assert "OnCalendar=Mon *-*-* 07:00:00" in docs
