-- Lane B's touch events, renamed (macros/staging.sql).
{{ stg_touches(
    source('partners', 'partner_touches'),
    'fractional_cfo_id',
    ['next_action_at_touch', 'factors_at_touch'],
) }}
