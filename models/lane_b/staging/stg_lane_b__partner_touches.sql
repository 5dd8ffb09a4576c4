with source as (
    select
        touch_id,
        fractional_cfo_id,
        channel,
        touched_at,
        actor,
        note,
        created_at
    from {{ source('partners', 'partner_touches') }}
)

select
    touch_id,
    fractional_cfo_id,
    channel::text as channel,
    touched_at,
    actor as touched_by,
    note as touch_note,
    created_at as recorded_at
from source
