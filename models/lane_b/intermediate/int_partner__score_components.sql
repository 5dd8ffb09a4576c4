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
    {{ component_by_bucket(
        'fractional_cfo_id', 'factor_code', 'partner_status', 'facts.partner_status', 1
    ) }}
    union all
    {{ component_by_bucket(
        'fractional_cfo_id', 'factor_code', 'last_outcome', 'facts.last_meeting_outcome', 2
    ) }}
    union all
    -- Per earlier warm meeting, at most max_value of them; the code carries the count.
    {{ component_per_count(
        'fractional_cfo_id', 'factor_code', 'earlier_warm', 'facts.earlier_warm_meetings', 3
    ) }}
    union all
    {{ component_in_range(
        'fractional_cfo_id', 'factor_code', 'recency', 'facts.days_since_last_meeting', 4
    ) }}
    union all
    {{ component_when(
        'fractional_cfo_id', 'factor_code', 'niche_fit', 'facts.is_target_niche', 5
    ) }}
    union all
    {{ component_when(
        'fractional_cfo_id', 'factor_code', 'geo_fit', 'facts.is_target_region', 6
    ) }}
    union all
    {{ component_when(
        'fractional_cfo_id', 'factor_code', 'reachable',
        "((score_weights.bucket = 'email' and facts.has_email)"
        ~ " or (score_weights.bucket = 'linkedin' and facts.has_linkedin))",
        7
    ) }}
    union all
    -- Per touch since the last meeting; the code carries the count.
    {{ component_per_count(
        'fractional_cfo_id', 'factor_code', 'touch', 'facts.touches_since_last_meeting', 8
    ) }}
)

select
    fractional_cfo_id::text || ':' || factor_code as score_component_id,
    fractional_cfo_id,
    factor_code,
    points,
    component_order
from components
