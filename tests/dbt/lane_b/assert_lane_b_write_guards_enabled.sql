{{ config(tags=['guards']) }}

-- Every write-once and audit trigger on Lane B's tables and the audit log is
-- on (ENABLE ALWAYS). A row here names the table, the trigger and its state;
-- `loader db status` prints the statement that turns it back on.
{{ write_guards_off(['partners', 'shq']) }}
