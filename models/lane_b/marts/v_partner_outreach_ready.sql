{{
    config(
        materialized='view',
        schema='bit',
        post_hook="{{ grant_to_bi() }}",
    )
}}

-- Right at query time, not only at build time: a wait that has ended counts
-- as active, a pause or resume takes effect at once, and a partner touched
-- since the build is gone. "Now" is lanes_query_time(): now(), unless the
-- session sets lanes.now.

with

intent as (
    select
        partner_bit_id,
        fractional_cfo_id,
        leverage_score,
        leverage_factors,
        recommended_next_action,
        recommended_channel,
        message_variant_id,
        lifecycle_status,
        cooling_off_until,
        last_touched_at,
        computed_at,
        last_meeting_date,
        last_meeting_type,
        last_meeting_outcome,
        total_meetings,
        touches_since_last_meeting,
        message_subject_template,
        message_opening_template
    from {{ ref('partner_intent') }}
),

partners as (
    select
        fractional_cfo_id,
        firm_name,
        primary_contact_name,
        email,
        linkedin_url,
        geography,
        niche_focus,
        partner_status
    from {{ ref('stg_lane_b__partners') }}
),

touches as (
    select
        fractional_cfo_id,
        touched_at,
        recorded_at,
        touch_event
    from {{ ref('stg_lane_b__partner_touches') }}
),

pauses as (
    select
        pause_entry_id,
        fractional_cfo_id,
        pause_action,
        entered_at
    from {{ ref('stg_lane_b__partner_pauses') }}
),

touched_since_build as (
    {{ keys_touched_since_build('touches', 'fractional_cfo_id', ref('partner_intent')) }}
),

paused_now as (
    {{ partner_active_pauses('pauses', lanes_query_time()) }}
),

-- The contact's first and last name: the first word of the full name, and the rest.
named_partners as (
    select
        fractional_cfo_id,
        firm_name,
        primary_contact_name,
        split_part(btrim(primary_contact_name), ' ', 1) as first_name,
        nullif(btrim(regexp_replace(btrim(primary_contact_name), '^\S+', '')), '') as last_name,
        email,
        linkedin_url,
        geography,
        niche_focus,
        partner_status
    from partners
),

ready as (
    select
        partner_bit_id,
        fractional_cfo_id,
        leverage_score,
        leverage_factors,
        recommended_next_action,
        recommended_channel,
        message_variant_id,
        cooling_off_until,
        last_touched_at,
        computed_at,
        last_meeting_date,
        last_meeting_type,
        last_meeting_outcome,
        total_meetings,
        touches_since_last_meeting,
        message_subject_template,
        message_opening_template
    from intent
    where
        leverage_score >= {{ var('min_partner_score') }}
        and (
            lifecycle_status = 'active'
            or (
                lifecycle_status = 'pending'
                and cooling_off_until <= {{ lanes_query_time() }}
            )
        )
)

select
    ready.partner_bit_id,
    ready.fractional_cfo_id,
    named_partners.firm_name,
    named_partners.primary_contact_name,
    named_partners.first_name,
    named_partners.last_name,
    named_partners.email,
    named_partners.linkedin_url,
    named_partners.geography,
    named_partners.niche_focus,
    named_partners.partner_status,
    ready.leverage_score,
    ready.leverage_factors,
    ready.recommended_next_action,
    ready.recommended_channel,
    ready.message_variant_id,
    {{ render_message(
        'ready.message_subject_template', 'named_partners.first_name', 'named_partners.firm_name'
    ) }} as message_subject,
    {{ render_message(
        'ready.message_opening_template', 'named_partners.first_name', 'named_partners.firm_name'
    ) }} as message_opening,
    ready.last_meeting_date,
    ready.last_meeting_type,
    ready.last_meeting_outcome,
    {{ lanes_query_time() }}::date - ready.last_meeting_date as days_since_last_meeting,
    ready.total_meetings,
    ready.touches_since_last_meeting,
    ready.last_touched_at,
    ready.cooling_off_until,
    ready.computed_at
from ready
inner join named_partners
    on ready.fractional_cfo_id = named_partners.fractional_cfo_id
where
    not exists (
        select 1 from touched_since_build
        where touched_since_build.fractional_cfo_id = ready.fractional_cfo_id
    )
    and not exists (
        select 1 from paused_now
        where paused_now.fractional_cfo_id = ready.fractional_cfo_id
    )
