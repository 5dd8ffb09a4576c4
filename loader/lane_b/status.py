"""Where `loader status lane-b` looks (see loader/status.py)."""

from __future__ import annotations

from loader.lane_specs import Section, StatusSpec, activity_section, performance_section

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
        activity_section("partners.partner_touches"),
        performance_section(
            "does it work (sent touches -> meetings, 95% interval)",
            "bit.v_partner_performance",
            ("next_action", "channel"),
        ),
    ),
)
