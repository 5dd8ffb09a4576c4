{{ config(severity='warn') }}

-- The sign that the weights need a look: among tiers with enough sent touches,
-- a lower tier brings meetings back at a higher rate than a higher one
-- (hot >= warm >= cool expected). Each returned row is a pair out of order.

with

tier_rates as (
    select
        bucket as tier,
        case bucket when 'hot' then 3 when 'warm' then 2 when 'cool' then 1 end as tier_rank,
        meeting_rate
    from {{ ref('v_reactivation_performance') }}
    where
        dimension = 'tier'
        and bucket in ('hot', 'warm', 'cool')
        and touches >= {{ var('reactivation_min_touches_per_tier') }}
)

select
    higher.tier as higher_tier,
    higher.meeting_rate as higher_tier_rate,
    lower_tier.tier as lower_tier,
    lower_tier.meeting_rate as lower_tier_rate
from tier_rates as higher
inner join tier_rates as lower_tier
    on higher.tier_rank > lower_tier.tier_rank
where higher.meeting_rate < lower_tier.meeting_rate
