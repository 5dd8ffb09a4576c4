"""Where `loader status lane-b` looks (see loader/status.py)."""

from __future__ import annotations

from loader.status import Section, StatusSpec

_ACTIVITY = """
    select event,
           count(*) filter (where touched_at > now() - interval '7 days'),
           count(*) filter (where touched_at > now() - interval '30 days')
    from partners.partner_touches group by event order by event
"""

STATUS = StatusSpec(
    lane="lane_b",
    title="Lane B: fractional CFO partners",
    loaded=(
        ("partners", "partners.fractional_cfo_master"),
        ("partner meetings", "partners.partner_appointments"),
        ("touch events", "partners.partner_touches"),
    ),
    intent="bit.partner_intent",
    sections=(
        Section(
            "ready now, by next action and channel",
            "bit.v_partner_outreach_ready",
            "select recommended_next_action::text, recommended_channel::text, count(*)"
            " from bit.v_partner_outreach_ready group by 1, 2 order by 3 desc",
            ("next action", "channel", "partners"),
        ),
        Section(
            "partners by lifecycle status (at the last build)",
            "bit.partner_intent",
            "select lifecycle_status::text, count(*) from bit.partner_intent"
            " group by 1 order by 2 desc",
            ("lifecycle status", "partners"),
        ),
        Section(
            "outreach activity",
            "partners.partner_touches",
            _ACTIVITY,
            ("event", "last 7 days", "last 30 days"),
        ),
        Section(
            "does it work (sent touches -> meetings, 95% interval)",
            "bit.v_partner_performance",
            "select dimension, bucket, touches, replies, meetings, meeting_rate,"
            " meeting_rate_low, meeting_rate_high from bit.v_partner_performance"
            " where dimension in ('overall', 'next_action', 'channel')"
            " order by dimension <> 'overall', dimension, meeting_rate desc",
            ("dimension", "bucket", "touches", "replies", "meetings", "rate", "low", "high"),
        ),
    ),
)
