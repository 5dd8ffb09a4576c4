"""Four weeks of one team, played with the README's weekly routine, command for command.

Each week: this week's full CRM export (outcomes the CRM revised become revisions),
each tool's activity export since last week (Instantly's documented columns with our
custom fields; lemlist's without them, matched by the lead's email or LinkedIn URL,
and with them nested as `lead.variables.*`), the build, `loader status`, and the two
exports with `--mark-touched`. The weeks are played on one day (the commands take the
real clock), so nobody exported in week 1 is due again later: what the weeks change
is what came back.

The truth is written here: who replied, bounced, unsubscribed (one address before
its meeting exists), which outcome the CRM revised, which send the tool never
reported. The test asserts each send is counted once with the tier and variant it
was handed out with, that revised outcomes are scored, that nobody who replied, is
unreachable or unsubscribed is ever in a ready view or an export, and that every
figure of `loader status` equals the count written here.

`loader dbt build --select lane_a` is played by dbt's programmatic runner in this
process, with the environment `loader dbt` gives it (dbt_project_runner.invoke_dbt),
to spare a dbt start-up per week; every other command goes through `loader`'s main().
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest
from cli_run import run_main
from dbt_project_runner import dbt_build
from sheets import write_csv, write_xlsx

# The product's default is the embedded server; the dbt models it runs are built and
# tested on the PostgreSQL 15 service by the other dbt tests. Once, embedded.
pytestmark = [pytest.mark.dbt, pytest.mark.once]

TODAY = dt.date.today()
NOW = dt.datetime.now(dt.UTC)

HEADERS = ["crm_person_id", "person_name", "email", "linkedin_url", "company_name",
           "company_domain", "meeting_date", "meeting_type", "meeting_outcome",
           "stalled_reason", "source"]  # fmt: skip


def ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()


def linkedin(handle: str) -> str:
    return f"https://www.linkedin.com/in/{handle}"


# One meeting per person: (crm id, name, email, LinkedIn, company, days ago, type,
# outcome, stalled reason). Who is due in week 1 follows from the shipped rules:
# stalled waits 30 days, ghosted 45, lost 120.
ANA = ["101", "Ana Lima", "ana@acme.example", linkedin("ana-lima"), "Acme", "acme.example",
       ago(60), "numbers", "stalled", "budget next quarter", "crm"]  # fmt: skip
BEN = ["102", "Ben Ode", "ben@bolt.example", None, "Bolt", "bolt.example",
       ago(45), "systems", "stalled", "timing", "crm"]  # fmt: skip
CLEO = ["103", "Cleo Park", "cleo@cask.example", None, "Cask", "cask.example",
        ago(100), "numbers", "ghosted", None, "crm"]  # fmt: skip
DEV = ["104", "Dev Rao", None, linkedin("dev-rao"), "Dune", "dune.example",
       ago(200), "numbers", "lost", None, "crm"]  # fmt: skip
EVE = ["105", "Eve Stone", "eve@elm.example", linkedin("eve-stone"), "Elm", "elm.example",
       ago(90), "numbers", "ghosted", None, "crm"]  # fmt: skip
FINN = ["106", "Finn Holt", "finn@fjord.example", None, "Fjord", "fjord.example",
        ago(10), "numbers", "stalled", "budget", "crm"]  # fmt: skip
GUS = ["107", "Gus Vale", "gus@gale.example", linkedin("gus-vale"), "Gale", "gale.example",
       ago(150), "systems", "lost", None, "crm"]  # fmt: skip
HANA = ["108", "Hana Mori", "hana@hive.example", None, "Hive", "hive.example",
        ago(35), "numbers", "stalled", "budget", "crm"]  # fmt: skip
JO = ["110", "Jo Quinn", "jo@jade.example", None, "Jade", "jade.example",
      ago(50), "numbers", "stalled", "timing", "crm"]  # fmt: skip
# Unsubscribes in week 2 (from lemlist, an address we do not know yet); meets in week 3.
IVO = ["109", "Ivo Berg", "ivo@iris.example", None, "Iris", "iris.example",
       ago(40), "numbers", "stalled", "budget", "crm"]  # fmt: skip

WEEK_1 = [ANA, BEN, CLEO, DEV, EVE, FINN, GUS, HANA, JO]
# The CRM revises Finn's outcome: the deal moved forward after all.
FINN_PROGRESSED = [*FINN[:8], "progressed", None, "crm"]
WEEK_2 = [ANA, BEN, CLEO, DEV, EVE, FINN_PROGRESSED, GUS, HANA, JO]
# Hana's bounced address is replaced; Ivo's first meeting arrives.
HANA_NEW_EMAIL = [*HANA[:2], "hana.mori@hive.example", *HANA[3:]]
WEEK_3 = [ANA, BEN, CLEO, DEV, EVE, FINN_PROGRESSED, GUS, HANA_NEW_EMAIL, JO, IVO]
WEEK_4 = WEEK_3

EMAIL_SENDS = {"Ana Lima", "Ben Ode", "Cleo Park", "Hana Mori", "Jo Quinn"}
LINKEDIN_SENDS = {"Dev Rao", "Eve Stone", "Gus Vale"}
NEVER_READY_FROM_WEEK = {"Jo Quinn": 2, "Hana Mori": 2, "Eve Stone": 3, "Ivo Berg": 1}


class Team:
    """One team's project: `loader` commands against one database, files in one folder."""

    def __init__(self, url: str, folder: Path, capsys, monkeypatch) -> None:
        self.url, self.folder = url, folder
        self.capsys, self.monkeypatch = capsys, monkeypatch
        monkeypatch.setenv("DATABASE_URL", url)
        self.exported: list[dict[str, str]] = []  # every row of every export, with its week
        self.commands: list[list[str]] = []  # every command, as typed less its files
        self.week = 1

    def new_week(self) -> None:
        self.commands = []
        self.week += 1

    def loader(self, *args: str) -> str:
        self.commands.append(as_typed(args))
        if args[:2] == ("dbt", "build"):
            # Week 4's build runs every dbt check, as the README's command does: by then
            # the database holds every kind of row the weeks bring (planned touches,
            # revisions, replies, bounces, unsubscribes; nothing is ever deleted), and
            # each must pass the checks, not only build. Earlier weeks build only.
            dbt_build(self.url, args[args.index("--select") + 1], with_tests=self.week == 4)
            return ""
        code, out, err = run_main([*args], self.capsys, self.monkeypatch)
        assert code == 0, f"loader {' '.join(args)}: exit {code}\n{out}\n{err}"
        return out

    def ingest(self, *args: str) -> dict:
        return json.loads(self.loader("ingest", *args, JSON))

    def export(self, week: int, name: str, *args: str) -> list[dict[str, str]]:
        """The rows handed out, as {name, key, tier, variant, week}, from the tool's file."""
        path = self.folder / f"week{week}_{name}"
        printed = self.loader("export", "lane-a", str(path), *args, "--mark-touched")
        if not path.exists():  # nothing to hand out this week: no file, and it says why
            assert "wrote no file:" in printed
            return []
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [
                {
                    # Instantly's first_name / last_name, lemlist's firstName / lastName.
                    "name": f"{row.get('first_name') or row.get('firstName')} "
                    f"{row.get('last_name') or row.get('lastName')}",
                    "key": row["lanes_key"],
                    "tier": row["lanes_tier"],
                    "variant": row["lanes_variant"],
                    "week": week,
                }
                for row in csv.DictReader(handle)
            ]
        self.exported += rows
        return rows

    def status(self) -> dict:
        return json.loads(self.loader("status", "lane-a", JSON))

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql, params).fetchall()

    def ready_names(self) -> set[str]:
        return {r[0] for r in self.query("select person_name from bit.v_reactivation_ready")}

    def intent(self, name: str) -> tuple:
        [row] = self.query(
            """
            select i.eligibility_status::text, i.exclusion_reason::text, i.meeting_outcome,
                   i.bit_reason_codes, i.recommended_channel::text
            from bit.reactivation_intent as i
            join sales.prospect_people as p using (people_id)
            where p.person_name = %s
            """,
            (name,),
        )
        return row


JSON = "--json"  # for the test to read the figures; the README's commands print them


def as_typed(args: tuple[str, ...]) -> list[str]:
    """A command's words less its file names (and --json), to compare with the README."""
    return [a for a in args if a != JSON and not Path(a).suffix]


def readme_weekly_routine() -> list[list[str]]:
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = text.split("## The weekly routine", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].split() for line in block.strip().splitlines()]
    return [as_typed(tuple(words[1:])) for words in commands if words and words[0] == "loader"]


def instantly_activity(path: Path, rows: list[list[str]]) -> Path:
    # Instantly's webhook/event fields (developer.instantly.ai/webhook-events): timestamp,
    # event_type, lead_email; our custom fields come back beside them.
    return write_csv(path, ["timestamp", "event_type", "lead_email", "lanes_key", "lanes_variant"],
                     rows)  # fmt: skip


def lemlist_activity(path: Path, rows: list[list[str | None]]) -> Path:
    # lemlist's activity (developer.lemlist.com get-many-activities): type, createdAt,
    # leadEmail, and the lead nested as lead.variables.* (our custom fields among them).
    headers = ["type", "createdAt", "leadEmail", "lead.variables.linkedinUrl",
               "lead.variables.lanes_key"]  # fmt: skip
    return write_xlsx(path, headers, rows)


def activity_figures(status: dict) -> dict[str, int]:
    rows = status["sections"]["activity"]
    return {row["activity"]: row["all"] for row in rows}


def test_four_weeks_of_one_team(
    migrated_db: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch
) -> None:
    team = Team(migrated_db, tmp_path, capsys, monkeypatch)
    sent_at = f"{NOW - dt.timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}"
    later = f"{NOW - dt.timedelta(minutes=30):%Y-%m-%dT%H:%M:%SZ}"  # what came back
    email_of = {row[1]: row[2] for row in WEEK_1}

    # ---- week 1: the first export ----
    week1 = team.ingest("lane-a", str(write_xlsx(tmp_path / "crm_week1.xlsx", HEADERS, WEEK_1)))
    assert (week1["inserted"], week1["revised"], week1["duplicates"]) == (9, 0, 0)
    team.loader("dbt", "build", "--select", "lane_a")
    assert team.status()["loaded"] == {"meetings": 9, "people": 9, "touch events": 0}
    assert team.ready_names() == EMAIL_SENDS | LINKEDIN_SENDS  # Finn's meeting is 10 days old
    email = team.export(1, "email.csv", "--channel", "email", "--format", "instantly")
    social = team.export(1, "linkedin.csv", "--channel", "linkedin", "--format", "lemlist")
    assert {r["name"] for r in email} == EMAIL_SENDS
    assert {r["name"] for r in social} == LINKEDIN_SENDS
    key_of = {r["name"]: r["key"] for r in email + social}
    handed_out = {r["name"]: (r["tier"], r["variant"]) for r in email + social}
    assert all(tier and variant for tier, variant in handed_out.values())
    assert team.ready_names() == set()  # handed out: out of the queue at once

    # ---- week 2: what the tools did; Finn's deal progressed in the CRM ----
    team.new_week()
    week2 = team.ingest("lane-a", str(write_xlsx(tmp_path / "crm_week2.xlsx", HEADERS, WEEK_2)))
    assert (week2["inserted"], week2["revised"], week2["duplicates"]) == (0, 1, 8)
    sends = [[sent_at, "email_sent", email_of[n], key_of[n], ""] for n in sorted(EMAIL_SENDS)]
    came_back = [
        [later, "email_bounced", "hana@hive.example", key_of["Hana Mori"], ""],
        [later, "reply_received", "jo@jade.example", key_of["Jo Quinn"], ""],
    ]
    instantly = instantly_activity(tmp_path / "instantly_week2.csv", sends + came_back)
    report = team.ingest("lane-a", "touches", str(instantly), "--tool", "instantly")
    assert (report["inserted"], report["rejected"]) == (7, 0)
    # lemlist without our custom fields: Dev by his LinkedIn URL, Eve by her email; Gus's
    # message never went out. Ivo unsubscribes before any meeting of his is loaded.
    lemlist_rows = [
        ["linkedinSent", sent_at, None, DEV[3], None],
        ["linkedinInviteDone", sent_at, "eve@elm.example", None, None],
        ["emailsOpened", sent_at, "ana@acme.example", None, None],
        ["emailsUnsubscribed", later, "ivo@iris.example", None, None],
    ]
    lemlist = lemlist_activity(tmp_path / "lemlist_week2.xlsx", lemlist_rows)
    report = team.ingest("lane-a", "touches", str(lemlist), "--tool", "lemlist")
    assert (report["inserted"], report["duplicates"], report["rejected"]) == (3, 0, 0)
    assert report["unsubscribes_kept_for_unknown_addresses"] == 1
    team.loader("dbt", "build", "--select", "lane_a")
    status = team.status()
    assert activity_figures(status) == {
        "sent: exported and confirmed by the tool": 7,
        "exported, not confirmed by a tool yet": 1,  # Gus
        "bounced": 1,
        "replied": 1,
    }
    finn = team.intent("Finn Holt")
    assert finn[2] == "progressed" and "OUTCOME_REVISED" in finn[3]
    assert "OUTCOME_STALLED" not in finn[3] and finn[0] != "eligible"
    assert team.intent("Jo Quinn")[:2] == ("excluded", "replied")
    assert team.intent("Hana Mori")[:2] == ("excluded", "unreachable")
    assert team.ready_names() == set()
    team.export(2, "email.csv", "--channel", "email", "--format", "instantly")
    team.export(2, "linkedin.csv", "--channel", "linkedin", "--format", "lemlist")
    assert team.commands == readme_weekly_routine(), "week 2 is not the README's routine"

    # ---- week 3: Hana's new address, Ivo's meeting, Eve unsubscribes ----
    # Tools export their activity to date: last week's rows come again.
    team.new_week()
    week3 = team.ingest("lane-a", str(write_xlsx(tmp_path / "crm_week3.xlsx", HEADERS, WEEK_3)))
    assert (week3["inserted"], week3["revised"], week3["duplicates"]) == (1, 0, 9)
    assert week3["unsubscribed_before_loaded"] == 1  # Ivo, the moment his meeting arrived
    again = team.ingest("lane-a", "touches", str(instantly), "--tool", "instantly")
    assert (again["inserted"], again["duplicates"]) == (0, 7)
    eve_leaves = ["emailsUnsubscribed", later, "eve@elm.example", None, key_of["Eve Stone"]]
    lemlist = lemlist_activity(tmp_path / "lemlist_week3.xlsx", [*lemlist_rows, eve_leaves])
    report = team.ingest("lane-a", "touches", str(lemlist), "--tool", "lemlist")
    # Ivo's unsubscribe comes again, and now names a person we know: an event of his.
    assert (report["inserted"], report["duplicates"], report["unsubscribed_excluded"]) == (2, 2, 2)
    team.loader("dbt", "build", "--select", "lane_a")
    team.status()
    ivo = team.intent("Ivo Berg")
    assert ivo[0] == "excluded"
    hana = team.intent("Hana Mori")  # the bounce was for the old address
    assert hana[1] != "unreachable" and hana[4] == "email"
    assert "CHANNEL_EMAIL_BOUNCED" not in hana[3]
    assert team.intent("Eve Stone")[0] == "excluded"
    assert team.ready_names() == set()
    team.export(3, "email.csv", "--channel", "email", "--format", "instantly")
    team.export(3, "linkedin.csv", "--channel", "linkedin", "--format", "lemlist")
    assert team.commands == readme_weekly_routine(), "week 3 is not the README's routine"

    # ---- week 4: nothing new anywhere: the same files change nothing ----
    team.new_week()
    week4 = team.ingest("lane-a", str(write_xlsx(tmp_path / "crm_week4.xlsx", HEADERS, WEEK_4)))
    assert (week4["inserted"], week4["revised"], week4["duplicates"]) == (0, 0, 10)
    again = team.ingest("lane-a", "touches", str(instantly), "--tool", "instantly")
    assert (again["inserted"], again["duplicates"]) == (0, 7)
    again = team.ingest("lane-a", "touches", str(lemlist), "--tool", "lemlist")
    assert (again["inserted"], again["duplicates"]) == (0, 4)
    team.loader("dbt", "build", "--select", "lane_a")
    status = team.status()
    assert activity_figures(status) == {
        "sent: exported and confirmed by the tool": 7,
        "exported, not confirmed by a tool yet": 1,
        "bounced": 1,
        "replied": 1,
        "unsubscribed": 2,  # Eve; Ivo (a suppression in week 2, his event from week 3)
    }
    assert status["loaded"] == {
        "meetings": 10,
        "people": 10,
        # 8 planned (week 1); Instantly's 5 sends, a bounce and a reply; lemlist's 2 sends
        # (week 2); Eve's and Ivo's unsubscribes (week 3).
        "touch events": 8 + 7 + 2 + 2,
    }
    overall = [row for row in status["sections"]["rates"] if row["dimension"] == "overall"]
    assert [(row["sends"], row["replies"]) for row in overall] == [(8, 1)]
    team.export(4, "email.csv", "--channel", "email", "--format", "instantly")
    team.export(4, "linkedin.csv", "--channel", "linkedin", "--format", "lemlist")
    assert team.commands == readme_weekly_routine(), "week 4 is not the README's routine"

    # Each send once, with the tier and variant it was handed out with.
    sends = team.query(
        """
        select p.person_name, o.send_status, o.tier_at_touch, o.message_variant_id
        from bit.reactivation_outcomes as o
        join sales.prospect_people as p using (people_id)
        """
    )
    assert sorted(name for name, *_ in sends) == sorted(EMAIL_SENDS | LINKEDIN_SENDS)
    for name, send_status, tier, variant in sends:
        expected_status = "planned" if name == "Gus Vale" else "confirmed"
        assert (send_status, tier, variant) == (expected_status, *handed_out[name]), name
    # Who replied, became unreachable or unsubscribed never came back into a queue.
    for row in team.exported:
        assert row["week"] < NEVER_READY_FROM_WEEK.get(row["name"], 99), row
    assert len(team.exported) == 8  # everyone once, in week 1
