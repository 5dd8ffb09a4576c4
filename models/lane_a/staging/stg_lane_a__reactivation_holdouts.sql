with

source as (
    select * from {{ source('sales', 'reactivation_holdouts') }}
),

renamed as (
    select
        holdout_id,
        appointment_uid,
        people_id,
        company_id,
        held_out_at,
        export_run,
        score_at_holdout,
        tier_at_holdout
    from source
)

select * from renamed
