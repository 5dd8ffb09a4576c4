-- Sends by week and what came back from them (reactivation_outcomes).
{{ weekly_summary(ref('reactivation_outcomes')) }}
