-- Does the leverage score rank partners better than chance, and which factors
-- bring meetings? Over the sends whose score at the touch is known (the export
-- that handed the row out recorded it): the AUC of leverage_score for "met again
-- within partner_window_days" with its DeLong interval and a verdict, the rate
-- per next action at the touch, and per factor the rate with and without it
-- with the lift's interval and, only where that interval excludes zero, a
-- suggested direction (macros/score_check.sql). A send's factors are the ones
-- the partner left with (kept by the export), else, for a send no export
-- recorded them for, the partner's factors at the latest build.

{{ score_check_view(
    outcomes=ref('partner_outcomes'), key='fractional_cfo_id',
    band="coalesce(next_action_at_touch, 'unknown')",
    codes_at_touch='factors_at_touch', intent=ref('partner_intent'),
    codes_now='leverage_factors',
    weights=ref('partner_score_weights'), code_column='factor_code',
    min_sends=var('partner_min_sends_for_check'),
) }}
