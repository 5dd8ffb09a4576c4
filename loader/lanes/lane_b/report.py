"""What `loader report lane-b` reads (see loader/insight/report.py)."""

from __future__ import annotations

from loader.lanes.spec import ReportSpec

REPORT = ReportSpec(
    lane="lane_b",
    title="Lane B: fractional CFO partners",
    success="meetings",
    queue_sql="select recommended_next_action::text, recommended_channel::text, count(*)"
    " from bit.v_partner_outreach_ready group by 1, 2 order by 3 desc",
    out_sql="select status::text, '', count(*) from bit.partner_intent"
    " where lifecycle_status <> 'active' group by 1 order by 3 desc",
    weekly_sql="select date_trunc('week', touched_at)::date, count(*),"
    " count(*) filter (where replied), count(*) filter (where met_again)"
    " from bit.partner_outcomes where touched_at > now() - interval '{weeks} weeks'"
    " group by 1 order by 1",
    performance_view="bit.v_partner_performance",
    dimensions=("next_action", "channel", "message_variant_id"),
    score_check_view="bit.v_partner_score_check",
    experiments_view="bit.v_partner_experiments",
    intent="bit.partner_intent",
    touches="partners.partner_touches",
    queue_group="next action",
)
