{#-
    The body of bit.v_partner_outreach_ready (models/lane_b/marts/v_partner_outreach_ready.sql says why it
    is shaped so): the ready rows as of now, without the random holdout, or with
    held_out=true only the held-out ones (bit.v_partner_holdout).
-#}
{% macro partner_ready_rows(held_out=false) -%}
select
    ready.partner_bit_id,
    ready.fractional_cfo_id,
    partner.firm_name,
    partner.primary_contact_name,
    partner.first_name,
    partner.last_name,
    partner.email,
    partner.linkedin_url,
    partner.geography,
    partner.niche_focus,
    partner.partner_status,
    ready.leverage_score,
    ready.leverage_factors,
    ready.recommended_next_action,
    ready.recommended_channel,
    ready.message_variant_id,
    {{ render_message(
        'ready.message_subject_template', 'partner.first_name', 'partner.firm_name'
    ) }} as message_subject,
    {{ render_message(
        'ready.message_opening_template', 'partner.first_name', 'partner.firm_name'
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
from (
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
    from {{ ref('partner_intent') }}
    where
        leverage_score >= {{ var('min_partner_score') }}
        and (
            lifecycle_status = 'active'
            or (
                lifecycle_status = 'pending'
                and cooling_off_until <= {{ lanes_query_time() }}
            )
        )
) as ready
-- The partner as the master says now, with the contact's first name (the first
-- word of the full name) and last name (the rest). Lateral with `limit 1` (the
-- key is unique anyway) keeps it a per-row primary-key probe.
cross join
    lateral (
        select
            partners.firm_name,
            partners.primary_contact_name,
            split_part(btrim(partners.primary_contact_name), ' ', 1) as first_name,
            nullif(
                btrim(regexp_replace(btrim(partners.primary_contact_name), '^\S+', '')), ''
            ) as last_name,
            partners.email,
            partners.linkedin_url,
            partners.geography,
            partners.niche_focus,
            partners.partner_status
        from {{ ref('stg_lane_b__partners') }} as partners
        where partners.fractional_cfo_id = ready.fractional_cfo_id
        -- The key is unique.
        limit 1  -- noqa: AM09
    ) as partner
where
    -- A message sent since this row was scored.
    not {{ sent_since_scored(
        ref('stg_lane_b__partner_touches'), 'fractional_cfo_id',
        'ready.fractional_cfo_id', 'ready.computed_at'
    ) }}
    and not {{ partner_paused_now(
        ref('stg_lane_b__partner_pauses'), 'ready.fractional_cfo_id', lanes_query_time()
    ) }}
    and {% if not held_out %}not {% endif %}{{ in_holdout(
        'ready.fractional_cfo_id::text', var('partner_holdout_share')
    ) }}
{%- endmacro %}
