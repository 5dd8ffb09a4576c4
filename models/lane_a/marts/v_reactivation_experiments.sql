-- Message experiments: the variants of reactivation_message_variants that share a
-- slot and an experiment_id are arms; each prospect gets one arm by a fixed hash
-- (int_reactivation__channel_and_message). Per arm: the sends, replies, meetings
-- that came back, rates with Wilson intervals, and a verdict against the control
-- from a rule fixed before the data (macros/experiments.sql, README "Message
-- experiments").

{{ experiments_view(
    ref('reactivation_message_variants'),
    ref('reactivation_outcomes'),
    var('reactivation_min_sends_per_arm'),
    var('reactivation_experiment_min_lift'),
) }}
