{{
    config(
        materialized='table',
        post_hook=[
            '{{ partner_ready_indexes() }}',
            'analyze {{ this }}',
        ],
    )
}}

-- Lane B scoring, one row per partner: the steps in intermediate/ joined, and
-- the leverage score (the components' points added up, clamped to 0-100) with
-- its factors, largest effect first. The post-hook's analyze gives the ready
-- view's planner statistics of this build.

with

facts as (
    select * from {{ ref('int_partner__partner_facts') }}
),

lifecycle as (
    select * from {{ ref('int_partner__lifecycle') }}
),

next_action as (
    select * from {{ ref('int_partner__next_action') }}
),

scores as (
    {{ summed_scores(ref('int_partner__score_components'), 'fractional_cfo_id', 'factor_code') }}
)

select
    md5('partner:' || facts.fractional_cfo_id::text)::uuid as partner_bit_id,
    facts.fractional_cfo_id,
    {{ clamped_score('scores.raw_points') }} as leverage_score,
    -- The factors, then LAST_MEETING_REVISED when a re-export changed the last meeting.
    coalesce(scores.codes, '{}'::text[])
    || case
        when facts.is_last_meeting_revised then array['LAST_MEETING_REVISED'] else '{}'::text[]
    end as leverage_factors,
    next_action.recommended_next_action,
    next_action.recommended_channel::partners.partner_channel_enum as recommended_channel,
    next_action.message_variant_id,
    lifecycle.status,
    lifecycle.lifecycle_status,
    lifecycle.cooling_off_until,
    facts.last_touched_at,
    {{ lanes_as_of_timestamp() }} as computed_at,
    facts.last_meeting_date,
    facts.last_meeting_type,
    facts.last_meeting_outcome,
    facts.total_meetings,
    facts.earlier_warm_meetings,
    facts.touches_since_last_meeting,
    next_action.message_subject_template,
    next_action.message_opening_template
from facts
inner join lifecycle
    on facts.fractional_cfo_id = lifecycle.fractional_cfo_id
left join next_action
    on facts.fractional_cfo_id = next_action.fractional_cfo_id
left join scores
    on facts.fractional_cfo_id = scores.fractional_cfo_id
