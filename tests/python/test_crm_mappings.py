"""CRM exports as they are: `loader ingest lane-a FILE --from hubspot|MAPPING.toml`.

The HubSpot-style file uses the labels HubSpot's export writes for its documented
properties (developers.hubspot.com/docs/api/crm/meetings: Activity date = hs_timestamp,
Meeting outcome = hs_meeting_outcome, Call and meeting type = hs_activity_type, Record
ID = hs_object_id; contacts and companies: Email, First Name, Last Name, Job Title,
Contact ID, Company ID, Company Name, Company Domain Name), and its meeting outcomes
(No Show, Canceled, ...; the API's NO_SHOW).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest
from sheets import write_csv, write_xlsx

# Reading a CRM export through a mapping is the loader's work: once, in the embedded run.
pytestmark = pytest.mark.once

HUBSPOT = ["Record ID", "Activity date", "Meeting outcome", "Call and meeting type",
           "Meeting description", "Email", "First Name", "Last Name", "Job Title",
           "Company Name", "Company Domain Name", "Meeting owner", "Company ID"]  # fmt: skip
HUBSPOT_ROWS = [
    ["9001", "2026-09-15T09:30:00.000Z", "NO_SHOW", "Intro call", None, "ana@acme.example",
     "Ana", "Lima", "CFO", "Acme", "acme.example", "77", "287"],
    ["9002", "2026-08-01T14:00:00Z", "Canceled", "Demo", None, "ben@bolt.example", "Ben",
     "Ode", None, "Bolt", "bolt.example", "77", "288"],
    ["9003", "2026-07-01T10:00:00Z", "no show", "Finance review", None, "cleo@cask.example",
     "Cleo", "Park", "COO", "Cask", "cask.example", "78", "289"],
]  # fmt: skip
# The same meetings typed into our own template.
OURS = ["source_record_id", "meeting_date", "meeting_outcome", "meeting_type", "email",
        "first_name", "last_name", "job_title", "company_name", "company_domain",
        "source", "crm_company_id"]  # fmt: skip
OUR_ROWS = [
    ["9001", "2026-09-15", "ghosted", "discovery", "ana@acme.example", "Ana", "Lima", "CFO",
     "Acme", "acme.example", "crm", "287"],
    ["9002", "2026-08-01", "ghosted", "systems", "ben@bolt.example", "Ben", "Ode", None,
     "Bolt", "bolt.example", "crm", "288"],
    ["9003", "2026-07-01", "ghosted", "numbers", "cleo@cask.example", "Cleo", "Park", "COO",
     "Cask", "cask.example", "crm", "289"],
]  # fmt: skip

STORED = """
    select h.appointment_uid, h.meeting_date::text, h.meeting_type::text,
           h.meeting_outcome::text, h.stalled_reason, h.source::text, h.source_record_id,
           p.email, p.first_name, p.last_name, p.job_title, c.company_name, c.company_domain
    from sales.appointment_history as h
    join sales.prospect_people as p using (people_id)
    join sales.prospect_companies as c on c.company_id = h.company_id
    order by 1
"""


def stored(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(STORED).fetchall()


def test_a_hubspot_export_loads_the_same_meetings_as_our_template(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    hubspot = write_xlsx(tmp_path / "hubspot.xlsx", HUBSPOT, HUBSPOT_ROWS)
    code, out, err = loader("ingest", "lane-a", str(hubspot), "--from", "hubspot", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert (report["inserted"], report["rejected"]) == (3, 0)
    assert "ignored unknown column(s): Meeting owner" in report["warnings"]
    via_mapping = stored(migrated_db)
    assert sorted(r[1:4] for r in via_mapping) == [
        ("2026-07-01", "numbers", "ghosted"),
        ("2026-08-01", "systems", "ghosted"),
        ("2026-09-15", "discovery", "ghosted"),
    ]
    # The same data typed into our template is the same meetings and the same people:
    # every row a duplicate, nothing revised, the directory unchanged.
    ours = write_xlsx(tmp_path / "ours.xlsx", OURS, OUR_ROWS)
    same = json.loads(loader("ingest", "lane-a", str(ours), "--json")[1])
    assert (same["inserted"], same["revised"], same["duplicates"], same["rejected"]) == (0, 0, 3, 0)
    assert same["directory"] == {
        "people_added": 0, "people_updated": 0, "companies_added": 0, "companies_updated": 0
    }  # fmt: skip
    assert stored(migrated_db) == via_mapping
    again = json.loads(loader("ingest", "lane-a", str(hubspot), "--from", "hubspot", "--json")[1])
    assert (again["inserted"], again["duplicates"]) == (0, 3)


def test_unmapped_values_are_refused_grouped_and_nothing_is_written(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    rows = [[str(9100 + i), "2026-09-15", outcome, kind, None, f"p{i}@x.example", "P", str(i),
             None, "X", "x.example", None, None]
            for i, (outcome, kind) in enumerate(
                [("Moved forward", "Intro call")] * 4 + [("No shows", "Demo")] * 2
                + [("NO_SHOW", "Follow-up")] + [("NO_SHOW", "Intro call")])]  # fmt: skip
    path = write_csv(tmp_path / "hubspot.csv", HUBSPOT, rows)
    code, out, _ = loader("ingest", "lane-a", str(path), "--from", "hubspot")
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("meeting_outcome:")]
    assert len(lines) == 1, out
    assert "'Moved forward' × 4, 'No shows' × 2" in lines[0]
    assert "[values.meeting_outcome]" in lines[0] and "(hubspot)" in lines[0]
    # Did you mean, from what the mapping already knows of their values:
    assert "'No shows' × 2 (did you mean 'no show' (-> ghosted)?)" in lines[0]
    # The team's own meeting types: "*" in the preset takes any other as "other".
    assert not any(line.startswith("meeting_type") for line in out.splitlines())
    assert "nothing was written" in out
    assert stored(migrated_db) == []


def test_a_day_first_export_loads_with_date_format_and_is_refused_without(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    mapping = tmp_path / "crm.toml"
    mapping.write_text(
        'for = "lane-a meetings"\ndate_format = "%d/%m/%Y"\n'
        '[columns]\nmeeting_date = "Date"\nmeeting_outcome = "Result"\nemail = "E-mail"\n'
        '[values.meeting_outcome]\n"No show" = "ghosted"\n"Lost" = "lost"\n'
        '[defaults]\nmeeting_type = "other"\nsource = "crm"\n',
        encoding="utf-8",
    )
    rows = [["28/11/2025", "No show", "a@x.example"], ["03/04/2026", "Lost", "b@x.example"]]
    path = write_csv(tmp_path / "crm.csv", ["Date", "Result", "E-mail"], rows)
    code, out, err = loader("ingest", "lane-a", str(path), "--from", str(mapping), "--json")
    assert code == 0, out + err
    with psycopg.connect(migrated_db) as conn:
        dates = [r[0] for r in conn.execute(
            "select meeting_date::text from sales.appointment_history order by 1")]  # fmt: skip
    assert dates == ["2025-11-28", "2026-04-03"]  # day first, throughout
    # Without the date format the same file is refused, saying where to set it.
    mapping.write_text(mapping.read_text().replace('date_format = "%d/%m/%Y"\n', ""))
    code, out, _ = loader("ingest", "lane-a", str(path), "--from", str(mapping), "--dry-run")
    assert code == 1 and "set date_format in your mapping (crm.toml)" in out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[columns]\nemail = "Email"\nemail = "Work email"\n', "list its headers instead"),
        ('[columns]\nemial = "Email"\n', "'emial', which is not a column of lane-a meetings"),
        ("[columns]\nemail = [1, 2]\n", "must be a header or a list of headers"),
        (
            '[values.meeting_outcome]\n"No show" = "ghosted"\n" no SHOW" = "lost"\n',
            "maps 'No show' to 'ghosted' and ' no SHOW' to 'lost'",
        ),
        ('extends = "zoho"\n', "is not a preset"),
        (
            '[[rules]]\nwhen = { stage = "won" }\nset = { meeting_outcome = "progressed" }\n',
            "'stage', which is not a column",
        ),
        ('[inputs]\nstage = "Stage"\n[[rules]]\nwhen = { stage = "won" }\n', "does nothing"),
        (
            '[inputs]\nstage = "Stage"\n[[rules]]\n'
            'when = { stage = { is = "soon" } }\nskip = "x"\n',
            "must be a value, a list of values",
        ),
        ('date_format = "day/month"\n', "cannot read back a date"),
        ('[values.meeting_outcome]\n"Won" = "victory"\n', "not one of progressed|stalled"),
        ('for = "lane-b partners"\n', "is a mapping for 'lane-b partners'"),
        ("[columns\n", "not valid TOML"),
    ],
)
def test_a_broken_mapping_is_one_line_and_exit_2(
    loader, tmp_path: Path, text: str, says: str
) -> None:
    mapping = tmp_path / "bad.toml"
    mapping.write_text(text, encoding="utf-8")
    path = write_csv(tmp_path / "m.csv", ["Email"], [["a@x.example"]])
    code, _, err = loader("ingest", "lane-a", str(path), "--from", str(mapping))
    assert code == 2 and says in err, err
    assert len(err.strip().splitlines()) == 1


def test_mapping_show_and_check(loader, tmp_path: Path) -> None:
    code, out, _ = loader("mapping", "show", "hubspot")
    assert code == 0 and out.startswith("# HubSpot") and "[values.meeting_outcome]" in out
    copied = tmp_path / "my_crm.toml"
    copied.write_text(out, encoding="utf-8")
    rows = [*HUBSPOT_ROWS, ["9004", "2026-06-01", "COMPLETED", "Demo", None, "d@x.example",
                            "D", "E", None, "X", "x.example", None, None]]  # fmt: skip
    path = write_csv(tmp_path / "hubspot.csv", HUBSPOT, rows)
    code, out, _ = loader("mapping", "check", str(path), "--from", str(copied))
    assert code == 0, out  # COMPLETED is a rule of the preset: stalled
    assert re.search(r"meeting_outcome +'Meeting outcome'", out)
    assert "'COMPLETED' x 1: -> stalled" in out and "'NO_SHOW' x 1: -> ghosted" in out
    assert re.search(r"source +nothing in the file, default 'crm'", out)
    assert "not read: Meeting owner" in out
    # A team that reads Completed otherwise says so in a file that extends the preset.
    own = tmp_path / "ours.toml"
    own.write_text('extends = "hubspot"\n[values.meeting_outcome]\n"Completd" = "lost"\n'
                   '[[rules]]\nwhen = { meeting_outcome = "completed" }\n'
                   'set = { meeting_outcome = "lost" }\n', encoding="utf-8")  # fmt: skip
    code, out, _ = loader("mapping", "check", str(path), "--from", str(own))
    assert code == 0 and "'COMPLETED' x 1: -> lost" in out, out
    assert "'NO_SHOW' x 1: -> ghosted" in out  # the preset's values are kept


def test_a_file_given_to_the_wrong_command_names_the_right_one(loader, tmp_path: Path) -> None:
    partners = write_csv(
        tmp_path / "partners.csv",
        ["firm_name", "primary_contact_name", "email", "source"],
        [["Ledger & Co", "Ana Ruiz", "ana@ledger.example", "Referral"]],
    )
    code, _, err = loader("ingest", "lane-a", str(partners))
    assert code == 1
    assert "this is a Lane B partners file: use `loader ingest lane-b partners FILE`" in err
    meetings = write_csv(
        tmp_path / "meetings.csv",
        ["email", "meeting_date", "meeting_type", "meeting_outcome"],
        [["a@x.example", "2026-09-01", "numbers", "lost"]],
    )
    code, _, err = loader("ingest", "lane-b", "partners", str(meetings))
    assert code == 1 and "this is a Lane A meetings file: use `loader ingest lane-a FILE`" in err
    activity = write_csv(tmp_path / "lemlist.csv", ["type", "createdAt", "leadEmail"],
                         [["emailsSent", "2026-11-01", "a@x.example"]])  # fmt: skip
    code, _, err = loader("ingest", "lane-a", str(activity))
    assert code == 1 and "--tool lemlist" in err


def test_a_workbook_open_in_excel_is_loaded_with_a_warning(loader, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "meetings.xlsx", OURS, OUR_ROWS[:1])
    (tmp_path / "~$meetings.xlsx").write_bytes(b"\x00owner")
    code, out, _ = loader("ingest", "lane-a", str(path), "--json")
    report = json.loads(out)
    assert code == 0 and any("open in Excel" in w for w in report["warnings"])


def test_a_crm_number_in_our_uuid_column_says_which_column_it_is(loader, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        ["Company ID", "email", "meeting_date", "meeting_type", "meeting_outcome"],
        [[str(287 + i), f"p{i}@x.example", "2026-09-01", "numbers", "lost"] for i in range(3)],
    )
    code, out, _ = loader("ingest", "lane-a", str(path))
    assert code == 1
    [line] = [line for line in out.splitlines() if line.startswith("company_id")]
    assert "'287' × 1, '288' × 1, '289' × 1" in line
    assert "Rename its header to crm_company_id" in line


def test_lane_b_partners_and_meetings_take_a_mapping_too(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    partners_toml = tmp_path / "partners.toml"
    partners_toml.write_text(
        'for = "lane-b partners"\n[columns]\nfirm_name = "Account"\n'
        'primary_contact_name = "Contact"\nemail = "Work email"\n'
        '[values.status]\n"Active partner" = "partner"\n[defaults]\nsource = "CRM"\n',
        encoding="utf-8",
    )
    partners = write_csv(tmp_path / "accounts.csv", ["Account", "Contact", "Work email", "status"],
                         [["Ledgerline", "Dana Whitfield", "dana@ledgerline.example",
                           "Active partner"]])  # fmt: skip
    code, out, err = loader("ingest", "lane-b", "partners", str(partners), "--from",
                            str(partners_toml), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["inserted"] == 1, err
    meetings_toml = tmp_path / "meetings.toml"
    meetings_toml.write_text(
        'for = "lane-b appointments"\ndate_format = "%m/%d/%Y"\n[columns]\n'
        'partner_email = "Email"\nmeeting_date = "Date"\noutcome = "Result"\n'
        '[values.outcome]\n"Good" = "warm"\n[defaults]\nmeeting_type = "intro"\n',
        encoding="utf-8",
    )
    meetings = write_csv(tmp_path / "m.csv", ["Email", "Date", "Result"],
                         [["dana@ledgerline.example", "11/02/2026", "Good"]])  # fmt: skip
    code, out, err = loader("ingest", "lane-b", "appointments", str(meetings), "--from",
                            str(meetings_toml), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["inserted"] == 1, err
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute(
            "select m.status::text, a.meeting_date::text, a.meeting_type::text, a.outcome::text"
            " from partners.fractional_cfo_master as m"
            " join partners.partner_appointments as a using (fractional_cfo_id)"
        ).fetchall() == [("partner", "2026-11-02", "intro", "warm")]


@pytest.mark.parametrize(
    ("preset", "headers", "row"),
    [
        # Salesforce's Event fields (developer.salesforce.com Object Reference, "Event"):
        # ActivityDate, Type, Id, WhoId, AccountId, Description; Outcome__c is the org's.
        (
            "salesforce",
            ["Id", "ActivityDate", "Type", "WhoId", "AccountId", "Description", "Outcome__c",
             "Subject"],
            ["00U5e00000AbCdE", "2026-09-15", "Call", "0035e00000XyZ12", "0015e00000QwE34",
             "budget next quarter", "Stalled", "Intro"],
        ),
        # Pipedrive's Activity fields (developers.pipedrive.com/docs/api/v1/Activities):
        # id, due_date, type, person_id, org_id, note; "outcome" is the team's own field.
        (
            "pipedrive",
            ["id", "due_date", "type", "person_id", "org_id", "note", "outcome", "subject"],
            ["4711", "2026-09-15", "call", "88", "12", "budget next quarter", "stalled",
             "Intro"],
        ),
    ],
)  # fmt: skip
def test_the_salesforce_and_pipedrive_presets_load_their_documented_fields(
    loader, migrated_db: str, tmp_path: Path, preset: str, headers: list[str], row: list[str]
) -> None:
    path = write_csv(tmp_path / f"{preset}.csv", headers, [row])
    code, out, err = loader("ingest", "lane-a", str(path), "--from", preset, "--json")
    assert code == 0, out + err
    with psycopg.connect(migrated_db) as conn:
        stored_row = conn.execute(
            "select h.meeting_date::text, h.meeting_type::text, h.meeting_outcome::text,"
            " h.stalled_reason, h.source::text, h.source_record_id, p.crm_person_id,"
            " c.crm_company_id from sales.appointment_history as h"
            " join sales.prospect_people as p using (people_id)"
            " join sales.prospect_companies as c on c.company_id = h.company_id"
        ).fetchone()
    assert stored_row == ("2026-09-15", "discovery", "stalled", "budget next quarter", "crm",
                          row[0], row[3], row[4])  # fmt: skip


def test_a_close_misspelling_gets_did_you_mean(loader, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "m.csv",
        ["email", "meeting_date", "meeting_type", "meeting_outcome"],
        [["a@x.example", "2026-09-01", "numbers", "Stalld"]],
    )
    code, out, _ = loader("ingest", "lane-a", str(path))
    assert code == 1 and "Did you mean 'stalled'?" in out
