with

source as (
    select * from {{ source('partners', 'partner_pauses') }}
),

renamed as (
    select
        entry_id as pause_entry_id,
        fractional_cfo_id,
        action as pause_action,
        reason as pause_reason,
        cause as pause_cause,
        actor as entered_by,
        created_at as entered_at
    from source
)

select * from renamed
