{{
    config(
        materialized='table',
    )
}}

-- What happened to each held-out meeting (sales.reactivation_holdouts): met_again when
-- the same prospect (the person, else the company) has a new meeting dated after the
-- day it was held out and within reactivation_window_days: the rule a send's outcome
-- follows (reactivation_outcomes), without a send.

with

meetings as (
    select
        appointment_uid,
        people_id,
        company_id,
        meeting_date
    from {{ ref('stg_lane_a__appointment_history') }}
    where meeting_date <= {{ lanes_as_of_date() }}
),

holdouts as (
    select
        holdout_id,
        appointment_uid,
        people_id,
        company_id,
        held_out_at,
        (held_out_at at time zone 'utc')::date as held_out_on,
        score_at_holdout,
        tier_at_holdout
    from {{ ref('stg_lane_a__reactivation_holdouts') }}
    where held_out_at <= {{ lanes_as_of_date() }} + 1
)

select
    holdouts.holdout_id,
    holdouts.appointment_uid,
    holdouts.people_id,
    holdouts.company_id,
    holdouts.held_out_at,
    holdouts.score_at_holdout,
    holdouts.tier_at_holdout,
    exists(
        select 1
        from meetings
        where
            (
                meetings.people_id = holdouts.people_id
                or (holdouts.people_id is null and meetings.company_id = holdouts.company_id)
            )
            and meetings.meeting_date > holdouts.held_out_on
            and meetings.meeting_date
            <= holdouts.held_out_on + {{ var('reactivation_window_days') }}
    ) as met_again,
    now() as computed_at
from holdouts
