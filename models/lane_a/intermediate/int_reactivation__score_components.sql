-- One row per scoring component that applies to a score profile (everything
-- the score reads from a meeting: reactivation_score_profile), with its points
-- and reason code. Meetings with the same profile score the same, and there
-- are far fewer profiles than meetings (about 105k for 1M generated meetings),
-- so each profile is scored once and reactivation_intent joins the result back
-- to its meetings. The points live in the reactivation_score_weights and
-- reactivation_reason_keywords seeds; component_order breaks ties between
-- components of equal weight when the reason codes are listed.

with

facts as (
    select distinct
        {{ reactivation_score_profile('meeting_facts') }} as score_profile,
        meeting_facts.people_id is not null as has_known_contact,
        meeting_facts.meeting_type,
        meeting_facts.meeting_outcome,
        meeting_facts.stalled_reason,
        meeting_facts.days_since_meeting,
        meeting_facts.meetings_to_date,
        meeting_facts.touches_since_meeting
    from {{ ref('int_reactivation__meeting_facts') }} as meeting_facts
),

score_weights as (
    {{ score_weights(ref('reactivation_score_weights'), 'reason_code') }}
),

reason_keywords as (
    select
        keyword,
        reason_code,
        points
    from {{ ref('reactivation_reason_keywords') }}
),

-- Each distinct reason text is matched once, not each profile's copy of it
-- (CRM picklists repeat). A keyword is a whole word or phrase, any case; each
-- code counts once however many of its keywords match.
reason_matches as (
    select
        reasons.stalled_reason as matched_text,
        reason_keywords.reason_code,
        max(reason_keywords.points) as points
    from (
        select distinct stalled_reason
        from facts
        where stalled_reason is not null
    ) as reasons
    inner join reason_keywords
        on reasons.stalled_reason ~* ('\m' || reason_keywords.keyword || '\M')
    group by reasons.stalled_reason, reason_keywords.reason_code
),

-- In order (component_order breaks ties between equal weights); rules in
-- macros/score_components.sql.
components as (
    {{ score_components('score_profile', 'reason_code', [
        ('outcome', 'bucket', 'facts.meeting_outcome'),
        ('meeting_type', 'bucket', 'facts.meeting_type'),
        ('recency', 'range', 'facts.days_since_meeting'),
        ('stalled_reason', 'keywords', 'facts.stalled_reason'),
        ('multi_meeting', 'range', 'facts.meetings_to_date'),
        ('known_contact', 'when', 'facts.has_known_contact'),
        ('touch', 'per_count', 'facts.touches_since_meeting'),
    ]) }}
)

select
    score_profile || ':' || reason_code as score_component_id,
    score_profile,
    reason_code,
    points,
    component_order
from components
