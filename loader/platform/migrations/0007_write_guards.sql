-- Every guarded table and the trigger that guards it: write-once tables refuse
-- UPDATE/DELETE/TRUNCATE (forbid_change), lane tables audit every write
-- (audit_*). A table owner can still `alter table ... disable trigger`; this
-- view makes that visible: `loader db status` and the dbt test
-- assert_write_guards_enabled fail on any row whose state is not 'enabled'.
-- 'enabled' means ENABLE ALWAYS, so the guard fires under
-- session_replication_role = replica too.
create view shq.write_guards as
with expected (table_name, trigger_name) as (
    values
        ('shq.audit_log', 'forbid_change'),
        ('shq.load_ledger', 'forbid_change'),
        ('sales.appointment_history', 'forbid_change'),
        ('sales.appointment_history', 'audit_insert'),
        ('sales.reactivation_touches', 'forbid_change'),
        ('sales.reactivation_touches', 'audit_insert'),
        ('sales.reactivation_kill_switch', 'forbid_change'),
        ('sales.reactivation_kill_switch', 'audit_insert'),
        ('sales.prospect_people', 'audit_insert'),
        ('sales.prospect_people', 'audit_update'),
        ('sales.prospect_people', 'audit_delete'),
        ('sales.prospect_companies', 'audit_insert'),
        ('sales.prospect_companies', 'audit_update'),
        ('sales.prospect_companies', 'audit_delete'),
        ('partners.partner_appointments', 'forbid_change'),
        ('partners.partner_appointments', 'audit_insert'),
        ('partners.partner_touches', 'forbid_change'),
        ('partners.partner_touches', 'audit_insert'),
        ('partners.partner_pauses', 'forbid_change'),
        ('partners.partner_pauses', 'audit_insert'),
        ('partners.fractional_cfo_master', 'audit_insert'),
        ('partners.fractional_cfo_master', 'audit_update'),
        ('partners.fractional_cfo_master', 'audit_delete')
)

select
    expected.table_name,
    expected.trigger_name,
    case
        when guard.oid is null then 'missing'
        when guard.tgenabled = 'D' then 'disabled'
        when guard.tgenabled <> 'A' then 'not always'
        else 'enabled'
    end as state
from expected
left join pg_trigger as guard
    on
        guard.tgrelid = to_regclass(expected.table_name)
        and guard.tgname = expected.trigger_name;

comment on view shq.write_guards is
'Each write-once and audit trigger and its state; anything but enabled means a guard is off.';
