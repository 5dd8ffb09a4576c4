-- The random holdout now: the ready partners held out (a fixed hash of the partner
-- below partner_holdout_share, the same side every week), never in
-- bit.v_partner_outreach_ready nor in an export; when an export first left each out
-- (partners.partner_holdouts) once it has.

select
    held.fractional_cfo_id,
    held.firm_name,
    held.primary_contact_name,
    held.leverage_score,
    held.recommended_next_action,
    held.recommended_channel,
    recorded.held_out_at as held_out_since
from ({{ partner_ready_rows(held_out=true) }}) as held
left join {{ ref('stg_lane_b__partner_holdouts') }} as recorded
    on held.fractional_cfo_id = recorded.fractional_cfo_id
