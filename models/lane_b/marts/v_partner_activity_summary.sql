-- What went out (each send once) and came back, in the last 7 and 30 days and in all.
{{ activity_summary(
    ref('int_partner__sends'), ref('stg_lane_b__partner_touches'), 'fractional_cfo_id'
) }}
