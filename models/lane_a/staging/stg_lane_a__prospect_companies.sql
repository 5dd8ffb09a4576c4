with

source as (
    select * from {{ source('sales', 'prospect_companies') }}
),

renamed as (
    select
        company_id,
        company_name,
        company_domain,
        crm_company_id,
        updated_at
    from source
)

select * from renamed
