"""The files the CRMs' own export buttons write load with `--from <product>` and no edits.

Each export is built here from the labels its product documents (cited in the presets):
Pipedrive's list-view export ("Activity - Due date", "Person - Email - Work", "Deal -
Status"), a Salesforce "Tasks and Events" report (field labels, US dates), HubSpot's
meetings export with its deal stage, and a plain sheet typed by hand. The outcome comes
from several columns through the presets' rules; future activities and tasks are left out
and counted; nothing is edited by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest
from sheets import write_csv, write_xlsx

pytestmark = pytest.mark.once

TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def stored(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select p.email, h.meeting_outcome::text, h.meeting_type::text, h.stalled_reason,"
            " p.first_name, p.last_name, c.company_name"
            " from sales.appointment_history as h"
            " join sales.prospect_people as p using (people_id)"
            " left join sales.prospect_companies as c on c.company_id = h.company_id order by 1"
        ).fetchall()


PIPEDRIVE = ["Activity - Subject", "Activity - Type", "Activity - Due date", "Activity - Done",
             "Activity - Note", "Activity - ID", "Person - Name", "Person - Email - Work",
             "Person - ID", "Organization - Name", "Organization - ID", "Deal - Title",
             "Deal - Status"]  # fmt: skip


def test_a_pipedrive_list_export_loads_with_outcomes_from_deal_and_done(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    iso = lambda days: ago(days).isoformat()  # noqa: E731
    rows = [
        ["Intro", "Meeting", iso(90), "Done", None, "101", "Anna de Vries", "anna@dv.example",
         "11", "De Vries BV", "21", "DV", "Lost"],
        ["Demo", "Meeting", iso(80), "Done", None, "102", "Jean-Luc O'Neil", "jl@on.example",
         "12", "O'Neil Ltd", "22", "ON", "Won"],
        ["Call", "Call", iso(70), "Not done", None, "103", "María José García Márquez",
         "mj@ga.example", "13", "García SA", "23", "GA", "Open"],
        ["Review", "Meeting", iso(60), "Done", "Waiting for budget", "104",
         "Ludwig van der Rohe", "lv@vr.example", "14", "Rohe GmbH", "24", "VR", "Open"],
        ["Next", "Meeting", iso(-7), "Not done", None, "105", "Sam Ortiz", "sam@or.example",
         "15", "Ortiz", "25", None, None],
        ["Send deck", "Task", iso(50), "Done", None, "106", "Sam Ortiz", "sam@or.example",
         "15", "Ortiz", "25", None, None],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "activities.xlsx", PIPEDRIVE, rows)
    code, out, err = loader("ingest", "lane-a", str(path), "--from", "pipedrive", "--json")
    assert code == 0, out + err
    report = json.loads(out)
    assert (report["inserted"], report["rejected"]) == (4, 0)
    assert any("left out 1 row(s): due today or later" in w for w in report["warnings"])
    assert any("left out 1 row(s): a task, deadline or email" in w for w in report["warnings"])
    assert stored(migrated_db) == [
        ("anna@dv.example", "lost", "other", None, "Anna", "de Vries", "De Vries BV"),
        ("jl@on.example", "progressed", "other", None, "Jean-Luc", "O'Neil", "O'Neil Ltd"),
        ("lv@vr.example", "stalled", "other", "Waiting for budget", "Ludwig", "van der Rohe",
         "Rohe GmbH"),
        ("mj@ga.example", "ghosted", "discovery", None, "María José", "García Márquez",
         "García SA"),
    ]  # fmt: skip


SALESFORCE = ["Subject", "Task/Event", "Type", "Date", "Status", "Assigned", "Contact",
              "Contact ID", "Email", "Title", "Company / Account", "Account ID", "Opportunity",
              "Stage", "Comments", "Activity ID"]  # fmt: skip


def test_a_salesforce_activities_report_loads_with_us_dates_and_stages(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    us = lambda days: ago(days).strftime("%m/%d/%Y")  # noqa: E731
    rows = [
        ["Intro", "Event", "Meeting", us(90), None, "Kim Rep", "Dana Whitfield",
         "0035e00000XyZ01", "dana@nw.example", "CFO", "Northwind", "0015e00000Ab01",
         "NW renewal", "Closed Lost", None, "00U5e00000Ev01"],
        ["Numbers", "Event", "Call", us(45), None, "Kim Rep", "Pierre le Roux",
         "0035e00000XyZ02", "pierre@lr.example", "COO", "Le Roux SA", "0015e00000Ab02",
         "LR", "Negotiation/Review", "They went quiet", "00U5e00000Ev02"],
        ["Follow up", "Task", "Call", us(30), "Not Started", "Kim Rep", "Ahmad bin Hassan",
         "0035e00000XyZ03", "ahmad@bh.example", "CFO", "BH Trading", "0015e00000Ab03", None,
         None, None, "00T5e00000Tk03"],
        ["Later", "Event", "Meeting", us(-3), None, "Kim Rep", "Otto von Bismarck",
         "0035e00000XyZ04", "otto@vb.example", "CEO", "VB", "0015e00000Ab04", None, None,
         None, "00U5e00000Ev04"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "report.csv", SALESFORCE, rows)
    code, out, err = loader("ingest", "lane-a", str(path), "--from", "salesforce", "--json")
    assert code == 0, out + err
    assert json.loads(out)["inserted"] == 3
    assert stored(migrated_db) == [
        ("ahmad@bh.example", "ghosted", "discovery", None, "Ahmad", "bin Hassan", "BH Trading"),
        ("dana@nw.example", "lost", "other", None, "Dana", "Whitfield", "Northwind"),
        ("pierre@lr.example", "stalled", "discovery", "They went quiet", "Pierre", "le Roux",
         "Le Roux SA"),
    ]  # fmt: skip
    with psycopg.connect(migrated_db) as conn:
        dates = conn.execute(
            "select meeting_date from sales.appointment_history order by 1"
        ).fetchall()
    assert [d for (d,) in dates] == [ago(90), ago(45), ago(30)]


def test_a_hubspot_export_with_deal_stages_and_a_hand_kept_sheet_load(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    hubspot = ["Record ID", "Activity date", "Meeting outcome", "Call and meeting type",
               "Email", "First Name", "Last Name", "Company Name", "Deal Stage"]  # fmt: skip
    rows = [
        ["1", f"{ago(40)} 10:00", "Completed", "Discovery call", "a@a.example", "Ann", "Ames",
         "A Co", "Closed won"],
        ["2", f"{ago(41)} 10:00", "Completed", "Quarterly chat", "b@b.example", "Bo", "Bay",
         "B Co", "Contract sent"],
        ["3", f"{ago(42)} 10:00", "Scheduled", "Demo", "c@c.example", "Cy", "Cole", "C Co",
         None],
    ]  # fmt: skip
    sheet = ["Name", "Company", "E-mail", "Date", "Outcome", "Notes"]
    typed = [
        ["Anna de Vries", "DV", "anna@sheet.example", ago(20).strftime("%m/%d/%Y"), "No-show",
         None],
        ["Luiz da Silva", "Silva", "luiz@sheet.example", ago(21).isoformat(), "Stuck",
         "Waiting on the board"],
    ]  # fmt: skip
    for preset, path in (
        ("hubspot", write_csv(tmp_path / "hs.csv", hubspot, rows)),
        ("sheets", write_xlsx(tmp_path / "sheet.xlsx", sheet, typed)),
    ):
        code, out, err = loader("ingest", "lane-a", str(path), "--from", preset, "--json")
        assert code == 0, out + err
    # Neither file names a company id or domain: the company is not known, only its name.
    assert stored(migrated_db) == [
        ("a@a.example", "progressed", "discovery", None, "Ann", "Ames", None),
        ("anna@sheet.example", "ghosted", "other", None, "Anna", "de Vries", None),
        ("b@b.example", "stalled", "other", "Completed; no next step recorded", "Bo", "Bay",
         None),
        ("c@c.example", "stalled", "systems", "Outcome not recorded in HubSpot", "Cy", "Cole",
         None),
        ("luiz@sheet.example", "stalled", "other", "Waiting on the board", "Luiz", "da Silva",
         None),
    ]  # fmt: skip


def test_a_missing_column_names_the_closest_headers_and_writes_nothing(
    loader, migrated_db: str, tmp_path: Path
) -> None:
    headers = ["Activity - Subject", "Activity - Due dat", "Person - Email - Work"]
    path = write_csv(tmp_path / "a.csv", headers, [["x", "2026-01-01", "a@x.example"]])
    code, _, err = loader("ingest", "lane-a", str(path), "--from", "pipedrive")
    assert code == 1
    assert "no column for meeting_date" in err and "'Activity - Due dat'" in err, err
    assert "[columns] meeting_date in your mapping (pipedrive)" in err
    code, out, _ = loader("mapping", "check", str(path), "--from", "pipedrive")
    assert code == 1 and "REQUIRED" in out and "closest headers: 'Activity - Due dat'" in out
    assert stored(migrated_db) == []


LINKEDIN_NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n\n'
)


@pytest.mark.parametrize(
    ("command", "file", "says"),
    [
        (["ingest", "lane-a"], "connections", "a LinkedIn connections export: use `loader ingest "
         "lane-b partners FILE --from linkedin`"),
        (["ingest", "lane-a", "touches", "--tool", "lemlist"], "connections",
         "a LinkedIn connections export"),
        (["ingest", "lane-b", "touches"], "lane_a_touches",
         "a Lane A activity file (touches): use `loader ingest lane-a touches FILE`"),
        (["ingest", "lane-a", "touches"], "lane_b_touches", "a Lane B activity file (touches)"),
        (["ingest", "lane-b", "partners"], "pipedrive",
         "a Pipedrive activities export: use `loader ingest lane-a FILE --from pipedrive`"),
        (["ingest", "lane-a"], "pipedrive", "--from pipedrive"),
        (["ingest", "lane-a"], "smartlead_leads", "a Smartlead lead export: use `loader ingest "
         "lane-a|lane-b touches FILE --tool smartlead`"),
        (["ingest", "lane-b", "appointments"], "smartlead_leads", "a Smartlead lead export"),
        (["ingest", "lane-a"], "calendar", "this is a calendar: use `loader template lane-a"),
    ],
)  # fmt: skip
def test_the_wrong_file_is_named_in_one_line_and_nothing_is_written(
    loader, migrated_db: str, tmp_path: Path, command: list[str], file: str, says: str
) -> None:
    files = {
        "connections": ("Connections.csv", LINKEDIN_NOTES + "First Name,Last Name,URL,Email "
                        "Address,Company,Position,Connected On\nAnna,de Vries,https://www."
                        "linkedin.com/in/adv,,DV,Fractional CFO,12 Nov 2025\n"),
        "lane_a_touches": ("a.csv", "appointment_uid,channel,touched_at,event,email\n"
                           "x|y|2026-01-01,email,2026-11-01,sent,a@b.example\n"),
        "lane_b_touches": ("b.csv", "fractional_cfo_id,channel,touched_at,event\n"
                           "00000000-0000-4000-8000-000000000001,email,2026-11-01,sent\n"),
        "pipedrive": ("p.csv", ",".join(PIPEDRIVE) + "\n" + ",".join(["x"] * len(PIPEDRIVE))
                      + "\n"),
        "smartlead_leads": ("s.csv", "id,campaign_lead_map_id,status,email,is_unsubscribed,"
                            "reply_count,custom_fields\n1,2,INPROGRESS,a@b.example,false,1,{}\n"),
        "calendar": ("team.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"),
    }  # fmt: skip
    name, text = files[file]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    at = 2 if command[:2] == ["ingest", "lane-a"] and len(command) == 2 else 3
    args = [*command[:at], str(path), *command[at:]]
    code, _, err = loader(*args)
    assert code == 1, err
    assert says in err and len(err.strip().splitlines()) == 1, err
    with psycopg.connect(migrated_db) as conn:
        counts = conn.execute(
            "select (select count(*) from sales.appointment_history),"
            " (select count(*) from sales.reactivation_touches),"
            " (select count(*) from partners.fractional_cfo_master),"
            " (select count(*) from partners.partner_touches)"
        ).fetchone()
    assert counts == (0, 0, 0, 0)
