with

source as (
    select * from {{ source('sales', 'appointment_revisions') }}
),

renamed as (
    select
        revision_id,
        appointment_uid,
        meeting_type::text as meeting_type,
        meeting_outcome::text as meeting_outcome,
        stalled_reason,
        correlation_id as load_run_id,
        revised_at
    from source
)

select * from renamed
