with source as (
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
        company_id,
        email_changed_at,
        updated_at
    from {{ source('sales', 'prospect_people') }}
)

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
