-- The random holdout now: the ready rows held out (a fixed hash of the person below
-- reactivation_holdout_share, the same side every week), never in
-- bit.v_reactivation_ready nor in an export; when an export first left each out
-- (sales.reactivation_holdouts) once it has.

select
    held.people_id,
    held.appointment_uid,
    held.company_id,
    held.person_name,
    held.company_name,
    held.bit_score,
    held.tier,
    held.recommended_channel,
    recorded.held_out_at as held_out_since
from ({{ reactivation_ready_rows(held_out=true) }}) as held
left join {{ ref('stg_lane_a__reactivation_holdouts') }} as recorded
    on held.appointment_uid = recorded.appointment_uid
