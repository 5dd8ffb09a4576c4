-- Who is not in the queue, and why, at the last build (the ready view adds what
-- changed since: touches and kill-switch entries).
select
    eligibility_status::text || ':' || coalesce(exclusion_reason::text, '') as status_key,
    eligibility_status::text as status,
    coalesce(exclusion_reason::text, '') as reason,
    count(*) as contacts
from {{ ref('reactivation_intent') }}
where eligibility_status <> 'eligible'
group by eligibility_status::text, coalesce(exclusion_reason::text, '')
