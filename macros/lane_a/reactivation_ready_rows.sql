{#-
    The body of bit.v_reactivation_ready (models/lane_a/marts/v_reactivation_ready.sql says why it
    is shaped so): the ready rows as of now, without the random holdout, or with
    held_out=true only the held-out ones (bit.v_reactivation_holdout).
-#}
{% macro reactivation_ready_rows(held_out=false) -%}
select
    ready.reactivation_bit_id,
    ready.appointment_uid,
    ready.company_id,
    ready.people_id,
    coalesce(
        person.person_name, nullif(concat_ws(' ', person.first_name, person.last_name), '')
    ) as person_name,
    person.first_name,
    person.last_name,
    person.email,
    person.linkedin_url,
    person.job_title,
    company.company_name,
    company.company_domain,
    ready.outreach_id,
    ready.source_record_id,
    ready.meeting_date,
    ready.meeting_type,
    ready.meeting_outcome,
    ready.stalled_reason,
    ready.appointment_source,
    {{ lanes_query_time() }}::date - ready.meeting_date as days_since_meeting,
    ready.bit_score,
    ready.tier,
    ready.bit_reason_codes,
    ready.recommended_channel,
    ready.message_variant_id,
    {{ render_message(
        'ready.message_subject_template', 'person.first_name', 'company.company_name'
    ) }} as message_subject,
    {{ render_message(
        'ready.message_opening_template', 'person.first_name', 'company.company_name'
    ) }} as message_opening,
    ready.touches_since_meeting,
    ready.last_touched_at,
    ready.cooling_off_until,
    ready.computed_at,
    person.phone
from (
    select
        reactivation_bit_id,
        appointment_uid,
        company_id,
        people_id,
        outreach_id,
        source_record_id,
        meeting_date,
        meeting_type,
        meeting_outcome,
        stalled_reason,
        appointment_source,
        bit_score,
        tier,
        bit_reason_codes,
        recommended_channel,
        message_variant_id,
        wait_without_kill_switch as cooling_off_until,
        computed_at,
        last_touched_at,
        touches_since_meeting,
        message_subject_template,
        message_opening_template
    from {{ ref('reactivation_intent') }}
    where
        bit_score >= {{ var('min_ready_score') }}
        and (
            status_without_kill_switch = 'eligible'
            or (
                status_without_kill_switch = 'cooling_off'
                and wait_without_kill_switch <= {{ lanes_query_time() }}
            )
        )
) as ready
-- Who the prospect is and how to reach them, as the directory says now. Lateral
-- with `limit 1` (the key is unique anyway) keeps each a per-row primary-key
-- probe: a join the planner could hash would lose the score order.
left join lateral (
    select
        people.person_name,
        people.first_name,
        people.last_name,
        people.email,
        people.linkedin_url,
        people.job_title,
        people.phone
    from {{ ref('stg_lane_a__prospect_people') }} as people
    where people.people_id = ready.people_id
    -- The key is unique.
    limit 1  -- noqa: AM09
) as person on true
left join lateral (
    select
        companies.company_name,
        companies.company_domain
    from {{ ref('stg_lane_a__prospect_companies') }} as companies
    where companies.company_id = ready.company_id
    -- The key is unique.
    limit 1  -- noqa: AM09
) as company on true
where
    -- A message sent since this row was scored.
    not {{ sent_since_scored(
        ref('stg_lane_a__reactivation_touches'), 'appointment_uid', 'ready.appointment_uid', 'ready.computed_at'
    ) }}
    and not {{ reactivation_exclusion_in_force(
        ref('stg_lane_a__kill_switch'), 'appointment', 'ready.appointment_uid', lanes_query_time()
    ) }}
    and not {{ reactivation_exclusion_in_force(
        ref('stg_lane_a__kill_switch'), 'person', 'ready.people_id::text', lanes_query_time()
    ) }}
    and not {{ reactivation_exclusion_in_force(
        ref('stg_lane_a__kill_switch'), 'company', 'ready.company_id::text', lanes_query_time()
    ) }}
    and {% if not held_out %}not {% endif %}{{ in_holdout(
        'coalesce(ready.people_id::text, ready.company_id::text)', var('reactivation_holdout_share')
    ) }}
{%- endmacro %}
