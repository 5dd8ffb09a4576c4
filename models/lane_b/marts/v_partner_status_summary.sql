-- Partners by status: a pause entered since the build counts at once (the same
-- latest-entry rule as the intent table, macro partner_active_pauses), an
-- unsubscribe shows as such; the rest as at the last build.
with

paused_now as (
    {{ partner_active_pauses(ref('stg_lane_b__partner_pauses'), lanes_query_time()) }}
),

partner_status as (
    select
        case
            when paused_now.pause_cause = 'unsubscribed' then 'unsubscribed'
            when paused_now.fractional_cfo_id is not null then 'paused'
            else intent.lifecycle_status::text
        end as status
    from {{ ref('partner_intent') }} as intent
    left join paused_now
        on intent.fractional_cfo_id = paused_now.fractional_cfo_id
)

select
    status || ':' as status_key,
    status,
    '' as reason,
    count(*) as contacts
from partner_status
group by status
