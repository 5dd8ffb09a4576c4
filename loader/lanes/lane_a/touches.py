"""Lane A's outreach events: sales.reactivation_touches (write-once).

A row names its meeting by appointment_uid (every export carries it; a tool gives
it back as lanes_key) or by reactivation_bit_id; when a tool dropped our custom
fields, by the person's email or LinkedIn URL (as the prospect directory holds
them): then the meeting is that person's last exported one, else their latest
(the only one of theirs the queue can hold). An `unsubscribed` event also
excludes the person (else the company) in the kill switch, in the same
transaction. The mechanics are shared: loader/outreach/touches.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader.lanes.lane_a import LANE
from loader.lanes.lane_a.switch import KILL_SWITCH
from loader.lanes.spec import ACTIVITY_COLUMNS, TouchSpec
from loader.sheets.column import Column

if TYPE_CHECKING:
    import psycopg

TOUCH_COLUMNS = [
    Column("appointment_uid", "text", "The meeting, as in every export (appointment_uid).",
           "", note="or reactivation_bit_id"),
    Column("reactivation_bit_id", "uuid", "Score row id, if appointment_uid is not at hand.",
           ""),
    Column("email", "email", "The person's email, if no id is at hand.", ""),
    Column("linkedin_url", "linkedin", "The person's LinkedIn URL, if no id or email.", ""),
    *ACTIVITY_COLUMNS,
    Column("tier_at_touch", "text",
           "The row's tier when it was handed out (a tool gives it back as lanes_tier).", ""),
]  # fmt: skip

_UNKNOWN = {
    "appointment_uid": "no stored meeting has this appointment_uid; copy it from the export or "
    "bit.v_reactivation_ready (a tool gives it back as lanes_key).",
    "reactivation_bit_id": "no stored meeting has this reactivation_bit_id; use the "
    "appointment_uid from the export instead.",
    "email": "no prospect with a stored meeting has this email; load their meetings first, "
    "or give the appointment_uid from the export (a tool gives it back as lanes_key).",
    "linkedin_url": "no prospect with a stored meeting has this LinkedIn URL; load their "
    "meetings first, or give the appointment_uid from the export (lanes_key).",
}

# A person named by email or LinkedIn URL: their meeting last handed out by an
# export, else their latest. {stage} is the staging table, {column} the reference.
_BY_CONTACT = """
        update {stage} as s set subject = chosen.appointment_uid
        from (
            select distinct on (people.{column})
                people.{column} as contact, meetings.appointment_uid
            from sales.prospect_people as people
            inner join sales.appointment_history as meetings using (people_id)
            left join lateral (
                select max(touch.touched_at) as exported_at
                from sales.reactivation_touches as touch
                where touch.appointment_uid = meetings.appointment_uid and touch.tool = 'export'
            ) as exported on true
            where people.{column} in (select {column} from {stage} where subject is null)
            order by people.{column}, exported.exported_at desc nulls last,
                meetings.meeting_date desc, meetings.appointment_uid desc
        ) as chosen
        where s.subject is null and s.appointment_uid is null
          and s.reactivation_bit_id is null and s.{column} = chosen.contact
"""

TOUCHES = TouchSpec(
    lane=LANE,
    columns=TOUCH_COLUMNS,
    channel_type='"bit".reactivation_channel_enum',
    at_touch_column="tier_at_touch",
    reasons_at_touch_column="reason_codes_at_touch",
    more_tool_fields={"tier": "tier_at_touch"},
    # A given appointment_uid (or the one a known score row id names) must be stored;
    # else the person's email, else their LinkedIn URL.
    resolve_sql="""
        update {stage} as s set subject = h.appointment_uid
        from sales.appointment_history as h
        where h.appointment_uid = s.appointment_uid;
    """
    + _BY_CONTACT.replace("{column}", "email")
    + ";"
    + _BY_CONTACT.replace("{column}", "linkedin_url"),
    which_message="which meeting? fill in appointment_uid (every export has it), "
    "reactivation_bit_id, or the person's email or linkedin_url.",
    unknown_message=_UNKNOWN.__getitem__,
    # An unsubscribe excludes the person (else the company).
    switch=KILL_SWITCH,
    opt_out_whom="""
        select case when h.people_id is not null then 'person' else 'company' end as scope,
               coalesce(h.people_id, h.company_id)::text as scope_key,
               %(tool)s as tool, i.touched_at as at
        from inserted as i
        inner join sales.appointment_history as h using (appointment_uid)
        where i.event = 'unsubscribed'
    """,
    opt_out_detail="unsubscribed_excluded",
    opt_out_note="{n} unsubscribed prospect(s) excluded from outreach",
)


def find_meeting(appointment_uid: str):
    """For `loader touch lane-a UID`: the stored meeting, or a UsageError."""

    def find(conn: psycopg.Connection) -> tuple[str, str]:
        from loader.lanes.lane_a.switch import require_stored

        require_stored(
            conn, "appointment_uid", appointment_uid, f"has appointment_uid {appointment_uid!r}", ""
        )
        return appointment_uid, appointment_uid

    return find
