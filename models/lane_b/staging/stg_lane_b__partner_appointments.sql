with

source as (
    select * from {{ source('partners', 'partner_appointments') }}
),

renamed as (
    select
        partner_appointment_uid,
        fractional_cfo_id,
        meeting_date,
        -- the uid's third part: 1 for the first meeting with the partner that day
        split_part(partner_appointment_uid, '|', 3)::integer as meeting_seq_of_day,
        meeting_type::text as meeting_type,
        outcome::text as meeting_outcome,
        notes as meeting_notes,
        created_at as loaded_at
    from source
)

select * from renamed
