with

source as (
    select * from {{ source('partners', 'fractional_cfo_master') }}
),

renamed as (
    select
        fractional_cfo_id,
        firm_name,
        primary_contact_name,
        linkedin_url,
        email,
        geography,
        niche_focus,
        source as partner_source,
        status::text as partner_status,
        email_changed_at,
        created_at as first_loaded_at,
        updated_at
    from source
)

select * from renamed
