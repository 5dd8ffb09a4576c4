{{
    config(
        materialized='table',
        post_hook=[
            '{{ reactivation_ready_indexes() }}',
            'analyze {{ this }}',
        ],
    )
}}

-- Lane A scoring, one row per meeting: the steps in intermediate/ joined, and
-- the score (the components' points added up, clamped to 0-100) with its
-- reason codes, largest effect first. The post-hook's analyze gives the ready
-- view's planner statistics of this build.

with

facts as (
    select * from {{ ref('int_reactivation__meeting_facts') }}
),

eligibility as (
    select * from {{ ref('int_reactivation__eligibility') }}
),

channel_and_message as (
    select * from {{ ref('int_reactivation__channel_and_message') }}
),

-- One score per profile; each meeting gets its profile's score below.
scores as (
    {{ summed_scores(ref('int_reactivation__score_components'), 'score_profile', 'reason_code') }}
)

select
    md5('reactivation:' || facts.appointment_uid)::uuid as reactivation_bit_id,
    facts.appointment_uid,
    {{ clamped_score('scores.raw_points') }} as bit_score,
    -- The score's reasons, OUTCOME_REVISED when a re-export changed the meeting,
    -- then why the channel is not the usual one, if it is not.
    coalesce(scores.codes, '{}'::text[])
    || case when facts.is_revised then array['OUTCOME_REVISED'] else '{}'::text[] end
    || array_remove(array[channel_and_message.channel_reason_code], null)
        as bit_reason_codes,
    channel_and_message.recommended_channel::"bit".reactivation_channel_enum
        as recommended_channel,
    channel_and_message.message_variant_id,
    eligibility.eligibility_status::"bit".eligibility_status_enum as eligibility_status,
    eligibility.exclusion_reason,
    eligibility.cooling_off_until,
    {{ lanes_as_of_timestamp() }} as computed_at,
    facts.last_touched_at,
    facts.touches_since_meeting,
    facts.meetings_to_date,
    channel_and_message.message_subject_template,
    channel_and_message.message_opening_template,
    eligibility.status_without_kill_switch::"bit".eligibility_status_enum
        as status_without_kill_switch,
    eligibility.wait_without_kill_switch,
    {{ reactivation_tier(clamped_score('scores.raw_points')) }} as tier,
    -- The meeting itself (write-once, so a copy never goes stale): the ready view
    -- shows it without joining the facts table, in score order from an index.
    facts.company_id,
    facts.people_id,
    facts.outreach_id,
    facts.source_record_id,
    facts.meeting_date,
    facts.meeting_type,
    facts.meeting_outcome,
    facts.stalled_reason,
    facts.appointment_source
from facts
inner join eligibility
    on facts.meeting_key = eligibility.meeting_key
inner join channel_and_message
    on facts.meeting_key = channel_and_message.meeting_key
left join scores
    on {{ reactivation_score_profile('facts') }} = scores.score_profile
