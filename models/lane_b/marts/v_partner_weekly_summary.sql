-- Sends by week and what came back from them (partner_outcomes).
{{ weekly_summary(ref('partner_outcomes')) }}
