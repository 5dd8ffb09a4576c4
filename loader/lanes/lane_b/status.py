"""Where `loader status lane-b` looks (see loader/insight/status.py)."""

from __future__ import annotations

from loader.lanes.spec import (
    Section,
    StatusSpec,
    activity_section,
    experiments_section,
    performance_section,
    score_check_section,
)

# A pause entered since the build counts at once, as in the ready view; a pause the
# touches import made for an `unsubscribed` event says so (its reason starts thus).
_STATUS_NOW = """
    select case
               when latest.action = 'pause' and latest.reason like 'unsubscribed (%'
                   then 'unsubscribed'
               when latest.action = 'pause' then 'paused'
               else intent.lifecycle_status
           end,
           count(*)
    from bit.partner_intent as intent
    left join (
        select distinct on (fractional_cfo_id) fractional_cfo_id, action, reason
        from partners.partner_pauses
        order by fractional_cfo_id, created_at desc, entry_id desc
    ) as latest using (fractional_cfo_id)
    group by 1 order by 2 desc, 1
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
            "partners by status (pauses and unsubscribes as of now, the rest at the last build)",
            "bit.partner_intent",
            _STATUS_NOW,
            ("status", "partners"),
        ),
        activity_section("partners.partner_touches", "lane_b.int_partner__sends"),
        performance_section(
            "does it work (sent touches -> meetings, 95% interval)",
            "bit.v_partner_performance",
            ("next_action", "channel"),
        ),
        score_check_section("bit.v_partner_score_check"),
        experiments_section("bit.v_partner_experiments"),
    ),
)
