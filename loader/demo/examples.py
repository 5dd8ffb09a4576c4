"""Realistic example workbooks for both lanes, for the demo and for people to look at.

Deterministic for a given day: meeting dates are placed relative to `today`, so
the demo's queues look the same whenever it runs, instead of going stale.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import xlsxwriter

LANE_A_FILE = "lane_a_appointments.xlsx"
PARTNERS_FILE = "lane_b_partners.xlsx"
PARTNER_MEETINGS_FILE = "lane_b_partner_meetings.xlsx"

_STALLED_REASONS = [
    "Budget frozen until next quarter",
    "Timing - revisit after renewal in spring",
    "Waiting on next year's budget cycle",
    "Went with a competitor for now",
    "CFO wants to look at it later",
    "Not interested at this stage",
    "No need while the current broker contract runs",
    "Chose another vendor",
    "Internal reorg, paused all projects",
    "Needs sign-off from the board",
]
_FIRMS = [
    "Ledgerline",
    "Northwind",
    "Keystone",
    "Harbor",
    "Summit",
    "Beacon",
    "Cobalt",
    "Granite",
    "Juniper",
    "Meridian",
    "Oakridge",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Sterling",
    "Tidewater",
    "Upland",
    "Vantage",
    "Westfield",
    "Yardley",
]
_SUFFIXES = ["CFO Partners", "Advisory", "Fractional Finance", "CFO Group", "Finance Co"]
_FIRST = [
    "Dana",
    "Sam",
    "Alex",
    "Priya",
    "Jordan",
    "Maria",
    "Chen",
    "Omar",
    "Grace",
    "Luis",
    "Aisha",
    "Tom",
    "Ines",
    "Kofi",
    "Hana",
    "Ben",
    "Rosa",
    "Ivan",
    "Noor",
    "Eli",
]
_LAST = [
    "Whitfield",
    "Lee",
    "Patel",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kim",
    "Haddad",
    "Brennan",
    "Sato",
    "Moreau",
    "Silva",
    "Novak",
]
_REGIONS = ["Mid-Atlantic", "Northeast", "Southeast", "Midwest", "Texas", "West Coast"]
_NICHES = [
    "Healthcare",
    "SaaS",
    "Manufacturing",
    "Construction",
    "Professional Services",
    "Nonprofit",
    "E-commerce",
]


_COMPANY_WORDS = ["Acme", "Blue River", "Cedar", "Delta", "Evergreen", "Falcon", "Golden Gate",
                  "Highland", "Iron", "Lakeside", "Maple", "Northstar", "Orchard", "Prairie",
                  "Riverside", "Silverline", "Trident", "Unity", "Vista", "Willow"]  # fmt: skip
_COMPANY_KINDS = ["Logistics", "Dental Group", "Software", "Manufacturing", "Builders", "Foods",
                  "Clinics", "Retail", "Engineering", "Labs"]  # fmt: skip
_TITLES = ["CEO", "Founder", "COO", "Controller", "Finance Director", "Head of Finance",
           "Operations Manager", "Owner"]  # fmt: skip


def lane_a_rows(today: dt.date, seed: int = 7) -> list[dict]:
    """Meetings as a CRM exports them: CRM ids, names, emails; no UUIDs."""
    rng = random.Random(seed)
    companies = []
    for n in range(90):
        name = f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_KINDS)}"
        domain = name.lower().replace(" ", "") + ".com"
        companies.append((f"0015e{n:05d}ACME{rng.randrange(10, 99)}", name, domain))
    rows = []
    for person_no in range(240):
        crm_company_id, company_name, domain = rng.choice(companies)
        known_person = rng.random() < 0.85
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        person = {
            "crm_person_id": str(10_000 + person_no) if known_person else None,
            "person_name": f"{first} {last}" if known_person else None,
            "email": f"{first}.{last}@{domain}".lower()
            if known_person and rng.random() < 0.8
            else None,
            "linkedin_url": f"linkedin.com/in/{first}-{last}-{person_no}".lower()
            if known_person and rng.random() < 0.6
            else None,
            "job_title": rng.choice(_TITLES) if known_person else None,
        }
        meetings = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
        days_ago = sorted(rng.sample(range(3, 800), meetings), reverse=True)
        for ago in days_ago:
            outcome = rng.choices(
                ["stalled", "ghosted", "lost", "progressed"], weights=[38, 30, 20, 12]
            )[0]
            rows.append(
                {
                    **person,
                    "crm_company_id": crm_company_id,
                    "company_name": company_name,
                    "company_domain": domain,
                    "meeting_date": today - dt.timedelta(days=ago),
                    "meeting_type": rng.choices(
                        ["discovery", "systems", "numbers", "other"], weights=[35, 25, 30, 10]
                    )[0],
                    "meeting_outcome": outcome,
                    "stalled_reason": rng.choice(_STALLED_REASONS)
                    if outcome == "stalled"
                    else None,
                    "source": rng.choice(["crm", "crm", "calendar", "manual"]),
                    "source_record_id": f"CRM-{rng.randrange(10**5, 10**6)}",
                }
            )
    return rows


def lane_b_rows(today: dt.date, seed: int = 11) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    partners = []
    used = set()
    for _ in range(48):
        firm = f"{rng.choice(_FIRMS)} {rng.choice(_SUFFIXES)}"
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if (firm, first, last) in used:
            continue
        used.add((firm, first, last))
        slug = f"{first}-{last}-{rng.randrange(100, 999)}".lower()
        domain = firm.split()[0].lower() + "cfo.com"
        partners.append(
            {
                "firm_name": firm,
                "primary_contact_name": f"{first} {last}",
                "linkedin_url": f"https://www.linkedin.com/in/{slug}"
                if rng.random() < 0.8
                else None,
                "email": f"{first}.{last}.{slug[-3:]}@{domain}".lower()
                if rng.random() < 0.85
                else None,
                "geography": rng.choice(_REGIONS),
                "niche_focus": rng.choice(_NICHES),
                "source": rng.choice(["LinkedIn", "Referral", "Conference", "Cold outreach"]),
                "status": rng.choices(
                    ["prospect", "contacted", "engaged", "partner"], weights=[40, 25, 20, 15]
                )[0],
            }
        )
    partners = [p for p in partners if p["email"] or p["linkedin_url"]]
    meetings = []
    for partner in partners:
        if rng.random() < 0.25:
            continue  # not met yet
        days_ago = sorted(rng.sample(range(2, 420), rng.choice([1, 1, 2, 3])), reverse=True)
        for n, ago in enumerate(days_ago):
            meetings.append(
                {
                    "partner_email": partner["email"],
                    "linkedin_url": None if partner["email"] else partner["linkedin_url"],
                    "meeting_date": today - dt.timedelta(days=ago),
                    "meeting_type": "intro" if n == 0 else "followup",
                    "outcome": rng.choices(["warm", "neutral", "cold"], weights=[45, 35, 20])[0],
                    "notes": rng.choice(
                        [
                            "",
                            "Wants case studies",
                            "Asked about pricing",
                            "Has two clients that fit",
                            "Slow to reply",
                        ]
                    ),
                }
            )
    return partners, meetings


def _write(path: Path, rows: list[dict]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    headers = list(rows[0])
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(headers):
            value = row[key]
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    r, c, dt.datetime(value.year, value.month, value.day), date_format
                )
            elif value:
                sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def write_examples(folder: Path, today: dt.date | None = None) -> dict[str, Path]:
    today = today or dt.date.today()
    folder.mkdir(parents=True, exist_ok=True)
    partners, meetings = lane_b_rows(today)
    return {
        "lane_a": _write(folder / LANE_A_FILE, lane_a_rows(today)),
        "partners": _write(folder / PARTNERS_FILE, partners),
        "partner_meetings": _write(folder / PARTNER_MEETINGS_FILE, meetings),
    }


# ---- a few weeks of example outreach, for the demo's reports ----

LANE_A_ACTIVITY_FILE = "lane_a_activity.xlsx"
LANE_A_FOLLOWUP_FILE = "lane_a_meetings_back.xlsx"
LANE_B_ACTIVITY_FILE = "lane_b_activity.xlsx"
LANE_B_FOLLOWUP_FILE = "lane_b_partner_meetings_back.xlsx"


def lane_a_activity(
    scored: list[dict], today: dt.date, seed: int = 17
) -> tuple[list[dict], list[dict]]:
    """Sends over the last eight weeks to scored meetings (appointment_uid, people_id,
    company_id, meeting_date, bit_score, tier, channel, variant), with replies and
    meetings back more likely the higher the score: (touches rows, new meetings rows)."""
    rng = random.Random(seed)
    touches, meetings = [], []
    for row in sorted(scored, key=lambda r: r["appointment_uid"]):
        if rng.random() > 0.6 or (today - row["meeting_date"]).days < 60:
            continue
        sent = today - dt.timedelta(days=rng.randrange(6, 57))
        score = float(row["bit_score"])
        touches.append(_touch(row["appointment_uid"], row, sent, "sent", score, row["tier"]))
        if rng.random() < 0.10 + score / 300:
            touches.append(_touch(row["appointment_uid"], row, sent + dt.timedelta(days=2),
                                  "replied", None, None))  # fmt: skip
        if rng.random() < score / 220:
            back = min(today - dt.timedelta(days=1), sent + dt.timedelta(days=rng.randrange(4, 30)))
            meetings.append({"people_id": row["people_id"], "company_id": row["company_id"],
                             "meeting_date": back, "meeting_type": "numbers",
                             "meeting_outcome": "progressed", "source": "crm"})  # fmt: skip
    return touches, meetings


def lane_b_activity(
    scored: list[dict], today: dt.date, seed: int = 19
) -> tuple[list[dict], list[dict]]:
    """The same for partners (fractional_cfo_id, email, leverage_score, next_action,
    channel, variant): (touches rows, new partner meetings rows)."""
    rng = random.Random(seed)
    touches, meetings = [], []
    for row in sorted(scored, key=lambda r: str(r["fractional_cfo_id"])):
        if rng.random() > 0.7:
            continue
        sent = today - dt.timedelta(days=rng.randrange(8, 57))
        score = float(row["leverage_score"])
        touches.append({"fractional_cfo_id": str(row["fractional_cfo_id"]),
                        "channel": row["channel"], "touched_at": dt.datetime(
                            sent.year, sent.month, sent.day, 10), "event": "sent",
                        "message_variant_id": row["variant"], "score_at_touch": score,
                        "next_action_at_touch": row["next_action"]})  # fmt: skip
        if rng.random() < score / 160:
            back = min(today - dt.timedelta(days=1), sent + dt.timedelta(days=rng.randrange(5, 30)))
            outcome = rng.choice(["warm", "warm", "neutral"])
            meetings.append({"fractional_cfo_id": str(row["fractional_cfo_id"]),
                             "meeting_date": back, "meeting_type": "followup",
                             "outcome": outcome, "notes": ""})  # fmt: skip
    return touches, meetings


def _touch(uid: str, row: dict, day: dt.date, event: str, score, tier) -> dict:
    return {
        "appointment_uid": uid,
        "channel": row["channel"],
        "touched_at": dt.datetime(day.year, day.month, day.day, 10),
        "event": event,
        "message_variant_id": row["variant"] if event == "sent" else None,
        "score_at_touch": score,
        "tier_at_touch": tier,
    }


def write_rows(path: Path, rows: list[dict], headers: list[str]) -> Path:
    """Rows (dicts) as a workbook with these headers; dates and times as real cells."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("data")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, key in enumerate(headers):
            value = row.get(key)
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), day)
            elif value is not None and value != "":
                sheet.write(r, c, value)
    workbook.close()
    return path
