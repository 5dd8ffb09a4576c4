"""`loader exclude/include lane-a` and `loader pause/resume lane-b` as a user runs them."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from cli_run import run_main
from sheets import write_xlsx

from loader.ingest.flow import IngestOptions
from loader.lanes.lane_a.ingest import ingest as ingest_meetings
from loader.lanes.lane_b.ingest import ingest_partners

PERSON = "9A1D2C3B-4E5F-4A6B-8C7D-0E1F2A3B4C5D"


def load_meeting_with(database_url: str, tmp_path: Path, person: str) -> None:
    path = write_xlsx(
        tmp_path / "m.xlsx",
        ["people_id", "meeting_date", "meeting_type", "meeting_outcome"],
        [[person, "2026-05-04", "numbers", "lost"]],
    )
    with psycopg.connect(database_url) as conn:
        assert ingest_meetings(conn, path, IngestOptions(actor="t")).inserted == 1


def test_exclude_and_include_a_person(
    database_url_env: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    load_meeting_with(database_url_env, tmp_path, PERSON)
    code, out, _ = run_main(
        ["exclude", "lane-a", "--person", PERSON, "--reason", "asked us to stop",
         "--until", "2027-01-31", "--actor", "ana"],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0 and "excluded person 9a1d2c3b-4e5f-4a6b-8c7d-0e1f2a3b4c5d" in out
    code, _, _ = run_main(
        ["include", "lane-a", "--person", PERSON, "--reason", "signed up again"],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0
    with psycopg.connect(database_url_env) as conn:
        rows = conn.execute(
            "select scope, scope_key, action, actor,"
            " to_char(expires_at at time zone 'utc', 'YYYY-MM-DD HH24:MI'), cause"
            " from sales.reactivation_kill_switch order by entry_id"
        ).fetchall()
        audited = conn.execute(
            "select count(*) from shq.audit_log where table_name = 'reactivation_kill_switch'"
        ).fetchone()
    # "--until 2027-01-31" excludes through the end of that day (UTC).
    assert rows[0] == ("person", PERSON.lower(), "exclude", "ana", "2027-02-01 00:00", "manual")
    assert rows[1][:3] == ("person", PERSON.lower(), "include")
    assert rows[1][5] == "manual"
    assert audited == (2,)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--person", "not-a-uuid"], "'not-a-uuid' is not a person: give its id (UUID), email"),
        (["--person", "ghost@nowhere.example"], "no person in the prospect directory has"),
        (["--person", PERSON, "--company", PERSON], "give exactly one of"),
        (["--appointment", "a|b|2026-01-01"], "no stored meeting has appointment_uid"),
        (["--person", PERSON, "--reason", "  "], "--reason is required"),
        (["--person", PERSON], "no stored meeting is with person"),
        (["--company", PERSON], "add --allow-unknown to exclude this company"),
    ],
)
def test_exclude_refuses_bad_input_and_writes_nothing(
    database_url_env: str, capsys, monkeypatch, args: list[str], message: str
) -> None:
    if "--reason" not in args:
        args = [*args, "--reason", "test"]
    code, _, err = run_main(["exclude", "lane-a", *args], capsys, monkeypatch)
    assert code == 2
    assert message in err
    with psycopg.connect(database_url_env) as conn:
        count = conn.execute("select count(*) from sales.reactivation_kill_switch").fetchone()
    assert count == (0,)


def test_pause_and_resume_a_partner_by_email(
    database_url_env: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    partners = write_xlsx(
        tmp_path / "p.xlsx",
        ["firm_name", "primary_contact_name", "email", "linkedin_url", "source"],
        [["Ledgerline CFO", "Dana One", "dana@ledgerline.com", "linkedin.com/in/dana-one",
          "Referral"]],
    )  # fmt: skip
    with psycopg.connect(database_url_env) as conn:
        ingest_partners(conn, partners, IngestOptions(actor="t"))
    code, out, _ = run_main(
        ["pause", "lane-b", "Dana@Ledgerline.com", "--reason", "on holiday"], capsys, monkeypatch
    )
    assert code == 0 and out.startswith("paused Ledgerline CFO")
    code, out, _ = run_main(
        ["resume", "lane-b", "dana@ledgerline.com", "--reason", "back"], capsys, monkeypatch
    )
    assert code == 0 and out.startswith("resumed Ledgerline CFO")
    # Her LinkedIn URL as a person pastes it names her too.
    code, out, _ = run_main(
        ["pause", "lane-b", "https://www.LinkedIn.com/in/dana-one/", "--reason", "x"],
        capsys, monkeypatch,
    )  # fmt: skip
    assert code == 0 and out.startswith("paused Ledgerline CFO"), out
    with psycopg.connect(database_url_env) as conn:
        actions = conn.execute(
            "select action from partners.partner_pauses order by entry_id"
        ).fetchall()
    assert actions == [("pause",), ("resume",), ("pause",)]


def test_a_person_is_excluded_by_email_or_linkedin_url_and_a_company_by_domain(
    database_url_env: str, tmp_path: Path, capsys, monkeypatch
) -> None:
    path = write_xlsx(
        tmp_path / "crm.xlsx",
        ["crm_person_id", "email", "linkedin_url", "company_domain", "meeting_date",
         "meeting_type", "meeting_outcome"],
        [["1001", "dana@northwind.com", "linkedin.com/in/dana-w", "northwind.com",
          "2026-05-04", "numbers", "lost"]],
    )  # fmt: skip
    with psycopg.connect(database_url_env) as conn:
        assert ingest_meetings(conn, path, IngestOptions(actor="t")).inserted == 1
        (person, company) = conn.execute(
            "select people_id::text, company_id::text from sales.appointment_history"
        ).fetchone()
    for action, args in [
        ("exclude", ["--person", "Dana@Northwind.com"]),
        ("include", ["--person", "https://www.linkedin.com/in/dana-w/"]),
        ("exclude", ["--company", "https://www.northwind.com/about"]),
    ]:
        code, _, err = run_main([action, "lane-a", *args, "--reason", "r"], capsys, monkeypatch)
        assert code == 0, err
    with psycopg.connect(database_url_env) as conn:
        rows = conn.execute(
            "select scope, scope_key, action from sales.reactivation_kill_switch order by entry_id"
        ).fetchall()
    assert rows == [("person", person, "exclude"), ("person", person, "include"),
                    ("company", company, "exclude")]  # fmt: skip


def test_pause_of_an_unknown_partner_says_what_to_do(
    database_url_env: str, capsys, monkeypatch
) -> None:
    code, _, err = run_main(
        ["pause", "lane-b", "nobody@example.com", "--reason", "x"], capsys, monkeypatch
    )
    assert code == 2
    assert "no partner 'nobody@example.com'" in err and "ingest the partner first" in err


def test_a_person_can_be_excluded_before_their_first_meeting_when_asked(
    database_url_env: str, capsys, monkeypatch
) -> None:
    args = ["exclude", "lane-a", "--person", PERSON, "--reason", "no", "--allow-unknown"]
    code, out, _ = run_main(args, capsys, monkeypatch)
    assert code == 0 and "excluded person" in out
