-- Does the score rank prospects better than chance, and which reasons bring
-- meetings back? Over the sends whose score at the touch is known (the export
-- that handed the row out recorded it): the AUC of bit_score for "a meeting came
-- back" with its DeLong interval and a verdict, the meeting rate per tier
-- (calibration), and per reason code the rate with and without it with the
-- lift's interval and, only where that interval excludes zero, a suggested
-- direction for the weight (macros/score_check.sql). A send's codes are the ones
-- its row left with (kept by the export): codes change after a send (recency
-- ages, PRIOR_TOUCHES counts the very send), and crediting a reason with what
-- happened later would bias its lift. A send no export recorded them for takes
-- the meeting's codes at the latest build.

{{ score_check_view(
    outcomes=ref('reactivation_outcomes'), key='appointment_uid',
    band="coalesce(tier_at_touch, 'unknown')",
    codes_at_touch='reason_codes_at_touch', intent=ref('reactivation_intent'),
    codes_now='bit_reason_codes',
    weights=ref('reactivation_score_weights'), code_column='reason_code',
    min_sends=var('reactivation_min_sends_for_check'),
) }}
