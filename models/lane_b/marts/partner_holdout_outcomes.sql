{{
    config(
        materialized='table',
    )
}}

-- What happened to each held-out partner (partners.partner_holdouts): met_again when
-- the partner has a new meeting dated after the day they were held out and within
-- partner_window_days: the rule a send's outcome follows (partner_outcomes), without
-- a send.

with

meetings as (
    select
        fractional_cfo_id,
        meeting_date
    from {{ ref('int_partner__meetings') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

holdouts as (
    select
        holdout_id,
        fractional_cfo_id,
        held_out_at,
        (held_out_at at time zone 'utc')::date as held_out_on,
        score_at_holdout,
        next_action_at_holdout
    from {{ ref('stg_lane_b__partner_holdouts') }}
    where held_out_at <= {{ lanes_as_of_date() }} + 1
)

select
    holdouts.holdout_id,
    holdouts.fractional_cfo_id,
    holdouts.held_out_at,
    holdouts.score_at_holdout,
    holdouts.next_action_at_holdout,
    exists(
        select 1
        from meetings
        where
            meetings.fractional_cfo_id = holdouts.fractional_cfo_id
            and meetings.meeting_date > holdouts.held_out_on
            and meetings.meeting_date
            <= holdouts.held_out_on + {{ var('partner_window_days') }}
    ) as met_again,
    now() as computed_at
from holdouts
