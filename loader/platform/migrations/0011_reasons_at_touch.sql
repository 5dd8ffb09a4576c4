-- The reasons a row left with. A meeting's reason codes change after it is
-- handed out: its recency bucket ages, PRIOR_TOUCHES_n appears because of the
-- very touch being measured, a revision changes its outcome. Measuring "which
-- reasons bring meetings back" on the codes at the latest build would credit a
-- reason with what happened after the send. `export --mark-touched` now keeps
-- the codes (Lane B: the factors) the row had when it left, beside its score,
-- tier and variant. A new nullable column: the write-once rows are never
-- updated; touches recorded before it read as unknown (the latest build's
-- codes stand in for them). Each lane keeps its own column.

alter table sales.reactivation_touches add column reason_codes_at_touch text [];

comment on column sales.reactivation_touches.reason_codes_at_touch is 'bit_reason_codes of the meeting when it was exported (planned touches; null when unknown).';

alter table partners.partner_touches add column factors_at_touch text [];

comment on column partners.partner_touches.factors_at_touch is 'leverage_factors of the partner when it was exported (planned touches; null when unknown).';
