-- The ready queue now, by next action and channel (loader status and loader report read it).
{{ queue_summary(ref('v_partner_outreach_ready'), 'recommended_next_action', 'leverage_score') }}
