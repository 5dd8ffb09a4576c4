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

score_weights as (
    {{ score_weights(ref('partner_score_weights'), 'factor_code') }}
),

-- In order (component_order breaks ties between equal weights); rules in
-- macros/score_components.sql. Reachable: a bucket per address kind.
components as (
    {{ score_components('fractional_cfo_id', 'factor_code', [
        ('partner_status', 'bucket', 'facts.partner_status'),
        ('last_outcome', 'bucket', 'facts.last_meeting_outcome'),
        ('earlier_warm', 'per_count', 'facts.earlier_warm_meetings'),
        ('recency', 'range', 'facts.days_since_last_meeting'),
        ('niche_fit', 'when', 'facts.is_target_niche'),
        ('geo_fit', 'when', 'facts.is_target_region'),
        ('reachable', 'when', "((score_weights.bucket = 'email' and facts.has_email)"
            ~ " or (score_weights.bucket = 'linkedin' and facts.has_linkedin))"),
        ('touch', 'per_count', 'facts.touches_since_last_meeting'),
    ]) }}
)

select
    fractional_cfo_id::text || ':' || factor_code as score_component_id,
    fractional_cfo_id,
    factor_code,
    points,
    component_order
from components
