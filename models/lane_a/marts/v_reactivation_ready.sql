{{
    config(
        materialized='view',
        schema='bit',
        post_hook="{{ grant_to_bi() }}",
    )
}}

-- Right at query time, not only at build time: cooling-off that has ended
-- counts as eligible, anyone touched since the build is gone, and the kill
-- switch is read now (an exclusion, an include or an expiry since the build
-- counts at once): rows are picked by their status without the kill switch.
-- "Now" is lanes_query_time(): now(), unless the session sets lanes.now.

with

intent as (
    select
        reactivation_bit_id,
        appointment_uid,
        bit_score,
        bit_reason_codes,
        recommended_channel,
        message_variant_id,
        status_without_kill_switch,
        wait_without_kill_switch,
        computed_at,
        last_touched_at,
        touches_since_meeting,
        message_subject_template,
        message_opening_template
    from {{ ref('reactivation_intent') }}
),

appointments as (
    select
        appointment_uid,
        company_id,
        people_id,
        outreach_id,
        source_record_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        stalled_reason,
        appointment_source
    from {{ ref('stg_lane_a__appointment_history') }}
),

-- Who the prospect is and how to reach them, as the directory says now.
people as (
    select
        people_id,
        person_name,
        first_name,
        last_name,
        email,
        linkedin_url,
        job_title
    from {{ ref('stg_lane_a__prospect_people') }}
),

companies as (
    select
        company_id,
        company_name,
        company_domain
    from {{ ref('stg_lane_a__prospect_companies') }}
),

touches as (
    select
        appointment_uid,
        touched_at,
        recorded_at,
        touch_event
    from {{ ref('stg_lane_a__reactivation_touches') }}
),

kill_switch as (
    select
        kill_switch_entry_id,
        scope,
        scope_key,
        kill_switch_action,
        expires_at,
        entered_at
    from {{ ref('stg_lane_a__kill_switch') }}
),

touched_since_build as (
    {{ keys_touched_since_build('touches', 'appointment_uid', ref('reactivation_intent')) }}
),

active_exclusions as (
    {{ reactivation_active_exclusions('kill_switch', lanes_query_time()) }}
),

ready as (
    select
        reactivation_bit_id,
        appointment_uid,
        bit_score,
        bit_reason_codes,
        recommended_channel,
        message_variant_id,
        wait_without_kill_switch as cooling_off_until,
        computed_at,
        last_touched_at,
        touches_since_meeting,
        message_subject_template,
        message_opening_template
    from intent
    where
        bit_score >= {{ var('min_ready_score') }}
        and (
            status_without_kill_switch = 'eligible'
            or (
                status_without_kill_switch = 'cooling_off'
                and wait_without_kill_switch <= {{ lanes_query_time() }}
            )
        )
)

select
    ready.reactivation_bit_id,
    ready.appointment_uid,
    appointments.company_id,
    appointments.people_id,
    coalesce(
        people.person_name, nullif(concat_ws(' ', people.first_name, people.last_name), '')
    ) as person_name,
    people.first_name,
    people.last_name,
    people.email,
    people.linkedin_url,
    people.job_title,
    companies.company_name,
    companies.company_domain,
    appointments.outreach_id,
    appointments.source_record_id,
    appointments.meeting_date,
    appointments.meeting_type,
    appointments.meeting_outcome,
    appointments.stalled_reason,
    appointments.appointment_source,
    {{ lanes_query_time() }}::date - appointments.meeting_date as days_since_meeting,
    ready.bit_score,
    case
        when ready.bit_score >= {{ var('reactivation_tier_hot') }} then 'hot'
        when ready.bit_score >= {{ var('reactivation_tier_warm') }} then 'warm'
        when ready.bit_score >= {{ var('reactivation_tier_cool') }} then 'cool'
        else 'cold'
    end as tier,
    ready.bit_reason_codes,
    ready.recommended_channel,
    ready.message_variant_id,
    {{ render_message(
        'ready.message_subject_template', 'people.first_name', 'companies.company_name'
    ) }} as message_subject,
    {{ render_message(
        'ready.message_opening_template', 'people.first_name', 'companies.company_name'
    ) }} as message_opening,
    ready.touches_since_meeting,
    ready.last_touched_at,
    ready.cooling_off_until,
    ready.computed_at
from ready
inner join appointments
    on ready.appointment_uid = appointments.appointment_uid
left join people
    on appointments.people_id = people.people_id
left join companies
    on appointments.company_id = companies.company_id
where
    not exists (
        select 1 from touched_since_build
        where touched_since_build.appointment_uid = ready.appointment_uid
    )
    -- One anti-join per scope keeps each a hash anti-join (no per-row probing).
    and not exists (
        select 1 from active_exclusions
        where
            active_exclusions.scope = 'appointment'
            and active_exclusions.scope_key = ready.appointment_uid
    )
    and not exists (
        select 1 from active_exclusions
        where
            active_exclusions.scope = 'person'
            and active_exclusions.scope_key = appointments.people_id::text
    )
    and not exists (
        select 1 from active_exclusions
        where
            active_exclusions.scope = 'company'
            and active_exclusions.scope_key = appointments.company_id::text
    )
