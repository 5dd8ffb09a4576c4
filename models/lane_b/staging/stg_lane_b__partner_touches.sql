with

source as (
    select * from {{ source('partners', 'partner_touches') }}
),

renamed as (
    select
        touch_id,
        fractional_cfo_id,
        channel::text as channel,
        touched_at,
        actor as touched_by,
        note as touch_note,
        event as touch_event,
        message_variant_id,
        score_at_touch,
        next_action_at_touch,
        factors_at_touch,
        tool as touch_source,
        created_at as recorded_at
    from source
)

select * from renamed
