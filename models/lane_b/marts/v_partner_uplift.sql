-- What outreach adds (docs/scoring.md): the rate of new meetings among the contacted
-- partners minus that of the random holdout, with a 95% interval, overall and by next
-- action at the time; null until each group has partner_min_sends_for_check (30) rows.

{{ holdout_uplift_rows(
    ref('partner_outcomes'),
    ref('partner_holdout_outcomes'),
    'next_action_at_touch',
    'next_action_at_holdout',
    var('partner_min_sends_for_check'),
) }}
