-- One row per leverage component that applies to a partner, with its points
-- and factor code. The points live in the partner_score_weights seed;
-- component_order breaks ties between components of equal weight when the
-- factors are listed.

with

facts as (
    select
        fractional_cfo_id,
        partner_status,
        has_email,
        has_linkedin,
        last_meeting_outcome,
        days_since_last_meeting,
        earlier_warm_meetings,
        touches_since_last_meeting,
        is_target_niche,
        is_target_region
    from {{ ref('int_partner__partner_facts') }}
),

-- Bounds are text in the seed: an empty cell is NULL in the loaded seed but ''
-- when dbt unit tests read the CSV, and both mean "no bound".
score_weights as (
    select
        component,
        bucket,
        nullif(min_value, '')::integer as min_value,
        nullif(max_value, '')::integer as max_value,
        points,
        factor_code
    from {{ ref('partner_score_weights') }}
),

components as (
    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        1 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'partner_status'
            and facts.partner_status = score_weights.bucket

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        2 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'last_outcome'
            and facts.last_meeting_outcome = score_weights.bucket

    union all

    -- Per earlier warm meeting, at most max_value of them; the code carries the count.
    select
        facts.fractional_cfo_id,
        score_weights.factor_code || '_' || facts.earlier_warm_meetings as factor_code,
        score_weights.points * least(
            facts.earlier_warm_meetings,
            coalesce(score_weights.max_value, facts.earlier_warm_meetings)
        ) as points,
        3 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'earlier_warm'
            and facts.earlier_warm_meetings >= coalesce(score_weights.min_value, 1)

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        4 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'recency'
            and facts.days_since_last_meeting >= score_weights.min_value
            and (
                score_weights.max_value is null
                or facts.days_since_last_meeting <= score_weights.max_value
            )

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        5 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'niche_fit'
    where facts.is_target_niche

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        6 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'geo_fit'
    where facts.is_target_region

    union all

    select
        facts.fractional_cfo_id,
        score_weights.factor_code,
        score_weights.points,
        7 as component_order
    from facts
    inner join score_weights
        on
            score_weights.component = 'reachable'
            and (
                (score_weights.bucket = 'email' and facts.has_email)
                or (score_weights.bucket = 'linkedin' and facts.has_linkedin)
            )

    union all

    -- Per touch since the last meeting; the code carries the count.
    select
        facts.fractional_cfo_id,
        score_weights.factor_code || '_' || facts.touches_since_last_meeting as factor_code,
        score_weights.points * facts.touches_since_last_meeting as points,
        8 as component_order
    from facts
    inner join score_weights
        on score_weights.component = 'touch'
    where facts.touches_since_last_meeting > 0
)

select
    fractional_cfo_id::text || ':' || factor_code as score_component_id,
    fractional_cfo_id,
    factor_code,
    points,
    component_order
from components
