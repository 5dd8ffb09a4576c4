-- What went out (each send once) and came back, in the last 7 and 30 days and in all.
{{ activity_summary(
    ref('int_reactivation__sends'), ref('stg_lane_a__reactivation_touches'), 'appointment_uid'
) }}
