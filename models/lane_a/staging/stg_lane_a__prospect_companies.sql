with source as (
    select
        company_id,
        company_name,
        company_domain,
        crm_company_id,
        updated_at
    from {{ source('sales', 'prospect_companies') }}
)

select
    company_id,
    company_name,
    company_domain,
    crm_company_id,
    updated_at
from source
