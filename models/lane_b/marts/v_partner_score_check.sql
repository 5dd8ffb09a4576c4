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
-- per next action at the touch, and per factor (the partner's factors at the
-- latest build) the rate with and without it with the lift's interval and, only
-- where that interval excludes zero, a suggested direction (macros/score_check.sql).

with

sends as (
    select
        touch_id as send_id,
        fractional_cfo_id,
        score_at_touch as score,
        coalesce(next_action_at_touch, 'unknown') as band,
        met_again as success
    from {{ ref('partner_outcomes') }}
    where score_at_touch is not null
),

partner_factors as (
    select
        fractional_cfo_id,
        -- A counted factor (WARM_MEETINGS_2) is its component.
        regexp_replace(unnest(leverage_factors), '_[0-9]+$', '') as code
    from {{ ref('partner_intent') }}
),

codes as (
    select distinct
        sends.send_id,
        partner_factors.code
    from sends
    inner join partner_factors
        on sends.fractional_cfo_id = partner_factors.fractional_cfo_id
),

{{ score_check_ctes('sends', 'codes', var('partner_min_sends_for_check')) }}

{{ score_check_rows(var('partner_min_sends_for_check')) }}
