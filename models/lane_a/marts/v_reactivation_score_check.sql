{{
    config(
        materialized='view',
        schema='bit',
    )
}}

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

with

sends as (
    select
        touch_id as send_id,
        appointment_uid,
        score_at_touch as score,
        coalesce(tier_at_touch, 'unknown') as band,
        met_again as success,
        reason_codes_at_touch
    from {{ ref('reactivation_outcomes') }}
    where score_at_touch is not null
),

{{ score_check_codes(
    'sends',
    'appointment_uid',
    'reason_codes_at_touch',
    ref('reactivation_intent'),
    'bit_reason_codes',
    ref('reactivation_score_weights'),
    'reason_code'
) }}

{{ score_check_ctes('sends', 'codes', var('reactivation_min_sends_for_check')) }}

{{ score_check_rows(var('reactivation_min_sends_for_check')) }}
