{{
    config(
        materialized='view',
        schema='bit',
        post_hook="{{ grant_to_bi() }}",
    )
}}

-- Does the score rank prospects better than chance, and which reasons bring
-- meetings back? Over the sends whose score at the touch is known (the export
-- that handed the row out recorded it): the AUC of bit_score for "a meeting came
-- back" with its DeLong interval and a verdict, the meeting rate per tier
-- (calibration), and per reason code the rate with and without it (the meeting's
-- codes at the latest build) with the lift's interval and, only where that
-- interval excludes zero, a suggested direction for the weight (macros/score_check.sql).

with

sends as (
    select
        touch_id as send_id,
        appointment_uid,
        score_at_touch as score,
        coalesce(tier_at_touch, 'unknown') as band,
        reactivated as success
    from {{ ref('reactivation_outcomes') }}
    where score_at_touch is not null
),

intent_codes as (
    select
        appointment_uid,
        -- A counted code (PRIOR_TOUCHES_2) is its component.
        regexp_replace(unnest(bit_reason_codes), '_[0-9]+$', '') as code
    from {{ ref('reactivation_intent') }}
),

codes as (
    select distinct
        sends.send_id,
        intent_codes.code
    from sends
    inner join intent_codes
        on sends.appointment_uid = intent_codes.appointment_uid
),

{{ score_check_ctes('sends', 'codes', var('reactivation_min_sends_for_check')) }}

{{ score_check_rows(var('reactivation_min_sends_for_check')) }}
