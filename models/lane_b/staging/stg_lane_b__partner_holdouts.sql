with

source as (
    select * from {{ source('partners', 'partner_holdouts') }}
),

renamed as (
    select
        holdout_id,
        fractional_cfo_id,
        held_out_at,
        export_run,
        score_at_holdout,
        next_action_at_holdout
    from source
)

select * from renamed
