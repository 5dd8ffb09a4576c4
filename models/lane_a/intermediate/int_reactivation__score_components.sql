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
    select
        facts.score_profile,
        score_weights.reason_code,
        score_weights.points,
        1 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'outcome'
            and facts.meeting_outcome = score_weights.bucket

    union all

    select
        facts.score_profile,
        score_weights.reason_code,
        score_weights.points,
        2 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'meeting_type'
            and facts.meeting_type = score_weights.bucket

    union all

    select
        facts.score_profile,
        score_weights.reason_code,
        score_weights.points,
        3 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'recency'
            and facts.days_since_meeting >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.days_since_meeting <= score_weights.max_value
            )

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

    select
        facts.score_profile,
        score_weights.reason_code,
        score_weights.points,
        5 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'multi_meeting'
            and facts.meetings_to_date >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.meetings_to_date <= score_weights.max_value
            )

    union all

    select
        facts.score_profile,
        score_weights.reason_code,
        score_weights.points,
        6 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'known_contact'
    where facts.has_known_contact

    union all

    -- Per touch since the meeting; the code carries the count (PRIOR_TOUCHES_2).
    select
        facts.score_profile,
        score_weights.reason_code || '_' || facts.touches_since_meeting as reason_code,
        score_weights.points * facts.touches_since_meeting as points,
        7 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'touch'
    where facts.touches_since_meeting > 0
)

select
    score_profile || ':' || reason_code as score_component_id,
    score_profile,
    reason_code,
    points,
    component_order
from components
