{{
    config(
        materialized='view',
        schema='bit',
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

{{ score_check_codes(
    'sends',
    'fractional_cfo_id',
    'factors_at_touch',
    ref('partner_intent'),
    'leverage_factors',
    ref('partner_score_weights'),
    'factor_code'
) }}

{{ score_check_ctes('sends', 'codes', var('partner_min_sends_for_check')) }}

{{ score_check_rows(var('partner_min_sends_for_check')) }}
