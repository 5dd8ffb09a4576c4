{{
    config(
        materialized='view',
        schema='bit',
        post_hook="{{ grant_to_bi() }}",
    )
}}

-- Does the leverage score rank partners better than chance, and which factors
-- bring meetings? Over the sends whose score at the touch is known (the export
-- that handed the row out recorded it): the AUC of leverage_score for "met again
-- within partner_window_days" with its DeLong interval and a verdict, the rate
-- per next action at the touch, and per factor the rate with and without it
-- with the lift's interval and, only where that interval excludes zero, a
-- suggested direction (macros/score_check.sql). A send's factors are the ones
-- the partner left with (kept by the export), else, for a send no export
-- recorded them for, the partner's factors at the latest build.

with

sends as (
    select
        touch_id as send_id,
        fractional_cfo_id,
        score_at_touch as score,
        coalesce(next_action_at_touch, 'unknown') as band,
        met_again as success,
        factors_at_touch
    from {{ ref('partner_outcomes') }}
    where score_at_touch is not null
),

send_factors as (
    select
        sends.send_id,
        coalesce(sends.factors_at_touch, intent.leverage_factors) as factors
    from sends
    left join {{ ref('partner_intent') }} as intent
        on sends.fractional_cfo_id = intent.fractional_cfo_id
),

send_factor as (
    select
        send_id,
        unnest(factors) as code
    from send_factors
),

-- Factors that carry a count (WARM_MEETINGS_2, PRIOR_TOUCHES_1): one weight per
-- meeting or touch, so one row of the seed. Other factors keep their digits
-- (RECENT_MEETING_30 and RECENT_MEETING_90 are buckets of their own).
counted_factors as (
    select factor_code
    from {{ ref('partner_score_weights') }}
    where bucket like 'each\_%'
),

codes as (
    select distinct
        send_factor.send_id,
        coalesce(counted_factors.factor_code, send_factor.code) as code
    from send_factor
    left join counted_factors
        on send_factor.code ~ ('^' || counted_factors.factor_code || '_[0-9]+$')
),

{{ score_check_ctes('sends', 'codes', var('partner_min_sends_for_check')) }}

{{ score_check_rows(var('partner_min_sends_for_check')) }}
