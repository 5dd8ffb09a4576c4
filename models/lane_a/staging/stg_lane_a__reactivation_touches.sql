-- Lane A's touch events, renamed (macros/staging.sql).
{{ stg_touches(
    source('sales', 'reactivation_touches'),
    'appointment_uid',
    ['tier_at_touch', 'reason_codes_at_touch'],
) }}
