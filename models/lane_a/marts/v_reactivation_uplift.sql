-- What outreach adds (docs/scoring.md): the meeting rate of the contacted minus that
-- of the random holdout, with a 95% interval, overall and by tier at the time; null
-- until each group has reactivation_min_sends_for_check (30) rows.

{{ holdout_uplift_rows(
    ref('reactivation_outcomes'),
    ref('reactivation_holdout_outcomes'),
    'tier_at_touch',
    'tier_at_holdout',
    var('reactivation_min_sends_for_check'),
) }}
