-- The ready queue now, by tier and channel (loader status and loader report read it).
{{ queue_summary(ref('v_reactivation_ready'), 'tier', 'bit_score') }}
