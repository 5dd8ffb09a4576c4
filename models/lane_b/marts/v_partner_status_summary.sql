-- Partners by status: a pause entered since the build counts at once (the same
-- latest-entry rule as the intent table, macro partner_active_pauses), an
-- unsubscribe shows as such, an unreachable partner with neither an email nor a
-- LinkedIn URL on file as needs_contact_details; the rest as at the last build.
with

paused_now as (
    {{ partner_active_pauses(ref('stg_lane_b__partner_pauses'), lanes_query_time()) }}
),

partner_status as (
    select
        case
            when paused_now.pause_cause = 'unsubscribed' then 'unsubscribed'
            when paused_now.fractional_cfo_id is not null then 'paused'
            when
                intent.lifecycle_status = 'unreachable'
                and partners.email is null
                and partners.linkedin_url is null
                then 'needs_contact_details'
            else intent.lifecycle_status::text
        end as status
    from {{ ref('partner_intent') }} as intent
    left join paused_now
        on intent.fractional_cfo_id = paused_now.fractional_cfo_id
    left join {{ ref('stg_lane_b__partners') }} as partners
        on intent.fractional_cfo_id = partners.fractional_cfo_id
)

select
    status || ':' as status_key,
    status,
    '' as reason,
    count(*) as contacts
from partner_status
group by status
