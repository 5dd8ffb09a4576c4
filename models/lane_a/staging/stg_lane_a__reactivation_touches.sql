with

source as (
    select * from {{ source('sales', 'reactivation_touches') }}
),

renamed as (
    select
        touch_id,
        appointment_uid,
        channel::text as channel,
        touched_at,
        actor as touched_by,
        note as touch_note,
        event as touch_event,
        message_variant_id,
        score_at_touch,
        tier_at_touch,
        reason_codes_at_touch,
        tool as touch_source,
        created_at as recorded_at
    from source
)

select * from renamed
