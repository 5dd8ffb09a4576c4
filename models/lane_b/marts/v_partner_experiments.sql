{{
    config(
        materialized='view',
        schema='bit',
    )
}}

-- Message experiments with partners: the variants of partner_message_variants
-- that share a slot and an experiment_id are arms; each partner gets one arm by a
-- fixed hash (int_partner__next_action). Per arm: the sends (each counted once,
-- partner_outcomes), replies, meetings, rates with Wilson intervals, and a verdict
-- against the control from a rule fixed before the data (macros/experiments.sql).

with

variants as (
    select
        message_variant_id,
        nullif(btrim(experiment_id), '') as experiment_id
    from {{ ref('partner_message_variants') }}
    where nullif(btrim(experiment_id), '') is not null
),

outcomes as (
    select
        touch_id,
        message_variant_id,
        replied,
        met_again
    from {{ ref('partner_outcomes') }}
),

arms as (
    select
        variants.experiment_id,
        variants.message_variant_id,
        count(outcomes.touch_id) as sends,
        count(outcomes.touch_id) filter (where outcomes.replied) as replies,
        count(outcomes.touch_id) filter (where outcomes.met_again) as meetings
    from variants
    left join outcomes
        on variants.message_variant_id = outcomes.message_variant_id
    group by variants.experiment_id, variants.message_variant_id
),

{{ experiment_rows(
    'arms', var('partner_min_sends_per_arm'), var('partner_experiment_min_lift')
) }}
