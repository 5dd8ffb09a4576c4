"""Lane B's outreach events: partners.partner_touches (write-once).

A row names its partner by fractional_cfo_id (every export carries it; a tool
gives it back as lanes_key), partner_bit_id, email or linkedin_url — the same
matching as partner meetings. An `unsubscribed` event also pauses the partner, in
the same transaction. The mechanics are shared: loader/outreach/touches.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from loader.lanes.lane_b import LANE
from loader.lanes.lane_b.switch import PAUSES
from loader.lanes.spec import ACTIVITY_COLUMNS, TouchSpec
from loader.sheets.column import Column

if TYPE_CHECKING:
    import psycopg

TOUCH_COLUMNS = [
    Column("fractional_cfo_id", "uuid", "The partner, as in every export.", "",
           note="or partner_bit_id, email or linkedin_url"),
    Column("partner_bit_id", "uuid", "Score row id, if fractional_cfo_id is not at hand.", ""),
    Column("email", "email", "The partner's email, if no id is at hand.", ""),
    Column("linkedin_url", "linkedin", "The partner's LinkedIn URL, if no id or email.", ""),
    *ACTIVITY_COLUMNS,
    Column("next_action_at_touch", "text",
           "The partner's next action when the row was handed out, when known.", ""),
]  # fmt: skip

TOUCHES = TouchSpec(
    lane=LANE,
    columns=TOUCH_COLUMNS,
    channel_type="partners.partner_channel_enum",
    at_touch_column="next_action_at_touch",
    reasons_at_touch_column="factors_at_touch",
    # The first reference that names a stored partner wins, in the order above (a known
    # score row id has filled in fractional_cfo_id).
    resolve_sql="""
        update {stage} as s set subject = coalesce(
            (select m.fractional_cfo_id from partners.fractional_cfo_master as m
             where m.fractional_cfo_id = s.fractional_cfo_id),
            (select m.fractional_cfo_id from partners.fractional_cfo_master as m
             where m.email = s.email),
            (select m.fractional_cfo_id from partners.fractional_cfo_master as m
             where lower(m.linkedin_url) = lower(s.linkedin_url)))
    """,
    which_message="which partner? fill in fractional_cfo_id (every export has it), "
    "partner_bit_id, email or linkedin_url.",
    unknown_message=lambda column: (
        f"no partner with this {column} is loaded; copy fractional_cfo_id from the export "
        "(a tool gives it back as lanes_key) or load the partner first."
    ),
    switch=PAUSES,
    opt_out_whom="""
        select fractional_cfo_id, %(tool)s as tool, touched_at as at
        from inserted
        where event = 'unsubscribed'
    """,
    opt_out_detail="unsubscribed_paused",
    opt_out_note="{n} unsubscribed partner(s) paused",
)


def find_partner_subject(partner: str):
    """For `loader touch lane-b PARTNER` (an id or an email): (id, firm name)."""

    def find(conn: psycopg.Connection) -> tuple[str, str]:
        from loader.lanes.lane_b.switch import find_partner

        return find_partner(conn, partner)

    return find
