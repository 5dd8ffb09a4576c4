-- Message experiments with partners: the variants of partner_message_variants
-- that share a slot and an experiment_id are arms; each partner gets one arm by a
-- fixed hash (int_partner__next_action). Per arm: the sends, replies, meetings,
-- rates with Wilson intervals, and a verdict against the control from a rule
-- fixed before the data (macros/experiments.sql).

{{ experiments_view(
    ref('partner_message_variants'),
    ref('partner_outcomes'),
    var('partner_min_sends_per_arm'),
    var('partner_experiment_min_lift'),
) }}
