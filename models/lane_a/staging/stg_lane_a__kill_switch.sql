with

source as (
    select * from {{ source('sales', 'reactivation_kill_switch') }}
),

renamed as (
    select
        entry_id as kill_switch_entry_id,
        scope,
        scope_key,
        action as kill_switch_action,
        reason as kill_switch_reason,
        cause as kill_switch_cause,
        actor as entered_by,
        expires_at,
        created_at as entered_at
    from source
)

select * from renamed
