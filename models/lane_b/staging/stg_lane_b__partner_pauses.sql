with source as (
    select
        entry_id,
        fractional_cfo_id,
        action,
        reason,
        cause,
        actor,
        created_at
    from {{ source('partners', 'partner_pauses') }}
)

select
    entry_id as pause_entry_id,
    fractional_cfo_id,
    action as pause_action,
    reason as pause_reason,
    cause as pause_cause,
    actor as entered_by,
    created_at as entered_at
from source
