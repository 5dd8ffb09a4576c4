-- One row per scoring component that applies to a meeting, with its points
-- and reason code. The points live in the reactivation_score_weights and
-- reactivation_reason_keywords seeds; component_order breaks ties between
-- components of equal weight when the reason codes are listed.

with

facts as (
    select
        appointment_uid,
        people_id,
        meeting_type,
        meeting_outcome,
        stalled_reason,
        days_since_meeting,
        meetings_to_date,
        touches_since_meeting
    from {{ ref('int_reactivation__meeting_facts') }}
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

components as (
    select
        facts.appointment_uid,
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
        facts.appointment_uid,
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
        facts.appointment_uid,
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

    -- A keyword is a whole word or phrase, any case; each code counts once.
    select
        facts.appointment_uid,
        reason_keywords.reason_code,
        max(reason_keywords.points) as points,
        4 as component_order
    from facts
    inner join reason_keywords
        on facts.stalled_reason ~* ('\m' || reason_keywords.keyword || '\M')
    group by facts.appointment_uid, reason_keywords.reason_code

    union all

    select
        facts.appointment_uid,
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
        facts.appointment_uid,
        score_weights.reason_code,
        score_weights.points,
        6 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'known_contact'
    where facts.people_id is not null

    union all

    -- Per touch since the meeting; the code carries the count (PRIOR_TOUCHES_2).
    select
        facts.appointment_uid,
        score_weights.reason_code || '_' || facts.touches_since_meeting as reason_code,
        score_weights.points * facts.touches_since_meeting as points,
        7 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'touch'
    where facts.touches_since_meeting > 0
)

select
    appointment_uid || ':' || reason_code as score_component_id,
    appointment_uid,
    reason_code,
    points,
    component_order
from components
