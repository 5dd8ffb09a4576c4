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

-- Bounds are text in the seed: an empty cell is NULL in the loaded seed but ''
-- when dbt unit tests read the CSV directly, and both must mean "no bound".
score_weights as (
    select
        component,
        bucket,
        nullif(min_value, '')::integer as min_value,
        nullif(max_value, '')::integer as max_value,
        points,
        reason_code
    from {{ ref('reactivation_score_weights') }}
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
        reasons.stalled_reason,
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

components as (
    {{ component_by_bucket(
        'score_profile', 'reason_code', 'outcome', 'facts.meeting_outcome', 1
    ) }}
    union all
    {{ component_by_bucket(
        'score_profile', 'reason_code', 'meeting_type', 'facts.meeting_type', 2
    ) }}
    union all
    {{ component_in_range(
        'score_profile', 'reason_code', 'recency', 'facts.days_since_meeting', 3
    ) }}
    union all
    select
        facts.score_profile,
        reason_matches.reason_code,
        reason_matches.points,
        4 as component_order
    from facts
    inner join reason_matches
        on facts.stalled_reason = reason_matches.stalled_reason
    union all
    {{ component_in_range(
        'score_profile', 'reason_code', 'multi_meeting', 'facts.meetings_to_date', 5
    ) }}
    union all
    {{ component_when(
        'score_profile', 'reason_code', 'known_contact', 'facts.has_known_contact', 6
    ) }}
    union all
    -- Per touch since the meeting; the code carries the count (PRIOR_TOUCHES_2).
    {{ component_per_count(
        'score_profile', 'reason_code', 'touch', 'facts.touches_since_meeting', 7
    ) }}
)

select
    score_profile || ':' || reason_code as score_component_id,
    score_profile,
    reason_code,
    points,
    component_order
from components
