with

source as (
    select * from {{ source('partners', 'partner_appointment_revisions') }}
),

renamed as (
    select
        revision_id,
        partner_appointment_uid,
        meeting_type::text as meeting_type,
        outcome::text as meeting_outcome,
        notes as meeting_notes,
        correlation_id as load_run_id,
        revised_at
    from source
)

select * from renamed
