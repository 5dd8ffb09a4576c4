"""Lane A's outreach events: sales.reactivation_touches (write-once).

A row names its meeting by appointment_uid (every export carries it; a tool gives
it back as lanes_key) or by reactivation_bit_id. An `unsubscribed` event also
excludes the person (else the company) in the kill switch, in the same
transaction. The mechanics are shared: loader/touches.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader.column import Column
from loader.errors import UsageError
from loader.lane_specs import ACTIVITY_COLUMNS, TouchSpec

if TYPE_CHECKING:
    import psycopg

TOUCH_COLUMNS = [
    Column("appointment_uid", "text", "The meeting, as in every export (appointment_uid).",
           "", note="or reactivation_bit_id"),
    Column("reactivation_bit_id", "uuid", "Score row id, if appointment_uid is not at hand.",
           ""),
    *ACTIVITY_COLUMNS,
]  # fmt: skip

_UNKNOWN = {
    "appointment_uid": "no stored meeting has this appointment_uid; copy it from the export or "
    "bit.v_reactivation_ready (a tool gives it back as lanes_key).",
    "reactivation_bit_id": "no stored meeting has this reactivation_bit_id; use the "
    "appointment_uid from the export instead.",
}

TOUCHES = TouchSpec(
    lane="lane_a",
    table="sales.reactivation_touches",
    subject_column="appointment_uid",
    subject_type="text",
    channel_type='"bit".reactivation_channel_enum',
    at_touch_column="tier_at_touch",
    references=[("appointment_uid", "text"), ("reactivation_bit_id", "uuid")],
    columns=TOUCH_COLUMNS,
    # The activity fields (see loader/outreach_tools.py) this lane reads from a tool's export.
    tool_fields={
        "key": "appointment_uid",
        "bit_id": "reactivation_bit_id",
        "message_variant_id": "message_variant_id",
    },
    # A given appointment_uid must be stored; else a score row id names the meeting
    # (md5('reactivation:' || appointment_uid), see reactivation_intent).
    resolve_sql="""
        update {stage} as s set subject = h.appointment_uid
        from sales.appointment_history as h
        where h.appointment_uid = s.appointment_uid;
        update {stage} as s set subject = h.appointment_uid
        from sales.appointment_history as h
        where s.appointment_uid is null
          and md5('reactivation:' || h.appointment_uid)::uuid = s.reactivation_bit_id
    """,
    which_message="which meeting? fill in appointment_uid (every export has it) or "
    "reactivation_bit_id.",
    unknown_message=_UNKNOWN.__getitem__,
    opt_out_sql="""
        insert into sales.reactivation_kill_switch (scope, scope_key, action, reason, actor)
        select distinct on (scope, scope_key) scope, scope_key, 'exclude',
               format('unsubscribed (%%s, %%s)', %(tool)s,
                      to_char(touched_at at time zone 'UTC', 'YYYY-MM-DD')),
               current_setting('lanes.actor')
        from (
            select case when h.people_id is not null then 'person' else 'company' end
                       as scope,
                   coalesce(h.people_id, h.company_id)::text as scope_key,
                   i.touched_at
            from inserted as i
            join sales.appointment_history as h using (appointment_uid)
            where i.event = 'unsubscribed'
        ) as unsubscribed
        order by scope, scope_key, touched_at desc
        returning 1
    """,
    opt_out_detail="unsubscribed_excluded",
    opt_out_note="{n} unsubscribed prospect(s) excluded from outreach",
)


def find_meeting(appointment_uid: str):
    """For `loader touch lane-a UID`: the stored meeting, or a UsageError."""

    def find(conn: psycopg.Connection) -> tuple[str, str]:
        known = conn.execute(
            "select 1 from sales.appointment_history where appointment_uid = %s",
            (appointment_uid,),
        ).fetchone()
        if not known:
            raise UsageError(
                f"no stored meeting has appointment_uid {appointment_uid!r}; "
                "copy it from bit.v_reactivation_ready or an export."
            )
        return appointment_uid, appointment_uid

    return find
