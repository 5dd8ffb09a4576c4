with

source as (
    select * from {{ source('sales', 'appointment_history') }}
),

renamed as (
    select
        appointment_uid,
        company_id,
        people_id,
        outreach_id,
        meeting_date,
        meeting_type::text as meeting_type,
        meeting_outcome::text as meeting_outcome,
        stalled_reason,
        source::text as appointment_source,
        source_record_id,
        created_at as loaded_at
    from source
)

select * from renamed
