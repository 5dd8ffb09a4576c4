{{
    config(
        materialized='view',
        schema='bit',
    )
}}

-- Message experiments: the variants of reactivation_message_variants that share a
-- slot and an experiment_id are arms; each prospect gets one arm by a fixed hash
-- (int_reactivation__channel_and_message). Per arm: the sends (each send counted
-- once, reactivation_outcomes), replies, meetings that came back, rates with
-- Wilson intervals, and a verdict against the control from a rule fixed before
-- the data (macros/experiments.sql, README "Message experiments").

with

variants as (
    select
        message_variant_id,
        nullif(btrim(experiment_id), '') as experiment_id
    from {{ ref('reactivation_message_variants') }}
    where nullif(btrim(experiment_id), '') is not null
),

outcomes as (
    select
        touch_id,
        message_variant_id,
        replied,
        met_again
    from {{ ref('reactivation_outcomes') }}
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
    'arms', var('reactivation_min_sends_per_arm'), var('reactivation_experiment_min_lift')
) }}
