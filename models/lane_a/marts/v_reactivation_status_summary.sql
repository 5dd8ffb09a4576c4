-- Every scored meeting by status and why, so the counts add up to all of them:
-- ready (in the ready view now), eligible but below the score floor or changed
-- since the build (touched, excluded), cooling off, and excluded by reason.
with

ready_now as (
    select appointment_uid
    from {{ ref('v_reactivation_ready') }}
),

meeting_status as (
    select
        case
            when ready_now.appointment_uid is not null then 'ready'
            else intent.eligibility_status::text
        end as status,
        case
            when ready_now.appointment_uid is not null then ''
            when
                intent.eligibility_status = 'eligible'
                and intent.bit_score < {{ var('min_ready_score') }}
                then 'below_score_floor'
            when intent.eligibility_status = 'eligible' then 'changed_since_build'
            else coalesce(intent.exclusion_reason::text, '')
        end as reason
    from {{ ref('reactivation_intent') }} as intent
    left join ready_now
        on intent.appointment_uid = ready_now.appointment_uid
)

select
    status || ':' || reason as status_key,
    status,
    reason,
    count(*) as contacts
from meeting_status
group by status, reason
