with

source as (
    select * from {{ source('sales', 'prospect_people') }}
),

renamed as (
    select
        people_id,
        person_name,
        first_name,
        last_name,
        email,
        linkedin_url,
        job_title,
        crm_person_id,
        phone,
        company_id as last_company_id,
        email_changed_at,
        updated_at
    from source
)

select * from renamed
