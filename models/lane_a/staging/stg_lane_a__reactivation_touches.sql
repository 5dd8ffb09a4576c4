with source as (
    select
        touch_id,
        appointment_uid,
        channel,
        touched_at,
        actor,
        note,
        created_at
    from {{ source('sales', 'reactivation_touches') }}
)

select
    touch_id,
    appointment_uid,
    channel::text as channel,
    touched_at,
    actor as touched_by,
    note as touch_note,
    created_at as recorded_at
from source
