-- Partner meetings as they stand: a re-export may revise a stored meeting's
-- type, outcome or notes (partners.partner_appointment_revisions; the meeting
-- row is write-once), and the latest revision loaded by the as-of moment wins.

with

latest_revisions as (
    {{ latest_revisions(
        ref('stg_lane_b__partner_appointment_revisions'),
        'partner_appointment_uid',
        ['meeting_type', 'meeting_outcome', 'meeting_notes'],
    ) }}
)

select
    appointments.partner_appointment_uid,
    appointments.fractional_cfo_id,
    appointments.meeting_date,
    appointments.meeting_seq_of_day,
    coalesce(latest_revisions.meeting_type, appointments.meeting_type) as meeting_type,
    coalesce(latest_revisions.meeting_outcome, appointments.meeting_outcome) as meeting_outcome,
    case
        when latest_revisions.partner_appointment_uid is null then appointments.meeting_notes
        else latest_revisions.meeting_notes
    end as meeting_notes,
    latest_revisions.partner_appointment_uid is not null as is_revised
from {{ ref('stg_lane_b__partner_appointments') }} as appointments
left join latest_revisions
    on appointments.partner_appointment_uid = latest_revisions.partner_appointment_uid
