{#-
    Based on dbt-adapters' `materialization table, default` (upstream sha256 a0085b4f4763e5b6, checked by
    tests/python/test_dbt_overrides.py: when an upgrade changes it, diff the two).

    dbt's table materialization, plus one step: the views that read the old
    table are pointed at the new one inside the swap's transaction. dbt's own
    version drops the old table with cascade after the swap, which drops the
    ready views (and their grant) until dbt rebuilds them later in the run: a
    BI tool querying them during `dbt build` would get "relation does not
    exist". Here the old table has no dependents left when it is dropped.

    A dependent view the new table no longer fits (a column it reads was
    removed or retyped) is left on the old table, dropped with it, and
    rebuilt by its own model later in the same run.
-#}
{%- materialization table, adapter='postgres' -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set preexisting_intermediate_relation = load_cached_relation(intermediate_relation) -%}
    {%- set backup_relation_type = 'table' if existing_relation is none else existing_relation.type -%}
    {%- set backup_relation = make_backup_relation(target_relation, backup_relation_type) -%}
    {%- set preexisting_backup_relation = load_cached_relation(backup_relation) -%}
    {%- set grant_config = config.get('grants') -%}

    {{ drop_relation_if_exists(preexisting_intermediate_relation) }}
    {{ drop_relation_if_exists(preexisting_backup_relation) }}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {#- A whole-table build is estimated far above jit_above_cost, and compiling
        its query took longer than it saved (1M meetings: 6.7 s of JIT for a
        29 s select); each build query runs once, so JIT never pays back. -#}
    {% call statement('no_jit') -%}
        set local jit = off
    {%- endcall %}

    {% call statement('main') -%}
        {{ get_create_table_as_sql(False, intermediate_relation, sql) }}
    {%- endcall %}

    {% do create_indexes(intermediate_relation) %}

    {%- set swapped_out = none -%}
    {% if existing_relation is not none %}
        {% set swapped_out = load_cached_relation(existing_relation) %}
        {% if swapped_out is not none %}
            {% call statement('remember_dependent_views') -%}
                {{ lanes_remember_dependent_views(swapped_out) }}
            {%- endcall %}
            {{ adapter.rename_relation(swapped_out, backup_relation) }}
        {% endif %}
    {% endif %}

    {{ adapter.rename_relation(intermediate_relation, target_relation) }}

    {% if swapped_out is not none %}
        {% call statement('repoint_dependent_views') -%}
            {{ lanes_repoint_dependent_views() }}
        {%- endcall %}
    {% endif %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}

    {% set should_revoke = should_revoke(existing_relation, full_refresh_mode=True) %}
    {% do apply_grants(target_relation, grant_config, should_revoke=should_revoke) %}
    {% do persist_docs(target_relation, model) %}

    {{ adapter.commit() }}

    {{ drop_relation_if_exists(backup_relation) }}

    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}


{#- The views reading a relation, with their definitions as written now (the
    names in them still mean the relation about to be swapped out). -#}
{% macro lanes_remember_dependent_views(relation) -%}
    create temporary table if not exists lanes_dependent_views (
        view_name text,
        definition text
    ) on commit drop;
    insert into lanes_dependent_views (view_name, definition)
    select distinct
        dependent.oid::regclass::text,
        pg_get_viewdef(dependent.oid)
    from pg_depend as dependency
    inner join pg_rewrite as view_rule on dependency.objid = view_rule.oid
    inner join pg_class as dependent on view_rule.ev_class = dependent.oid
    where
        dependency.classid = 'pg_rewrite'::regclass
        and dependency.refobjid = '{{ relation }}'::regclass
        and dependent.oid <> dependency.refobjid
        and dependent.relkind = 'v';
    -- Lock each of them before the table: a reader locks the view, then the
    -- table, and taking them in the same order cannot deadlock with it.
    -- (Replacing a view by itself locks only the view; `lock table` on a view
    -- would lock everything under it too, the lanes' source tables included.)
    {{ lanes_recreate_dependent_views(
        'insufficient_privilege',
        "-- Someone else's view: left to be dropped with the old table, as dbt does.
                delete from lanes_dependent_views where view_name = dependent.view_name;",
    ) }}
{%- endmacro %}


{% macro lanes_repoint_dependent_views() -%}
    {{ lanes_recreate_dependent_views(
        'invalid_table_definition or undefined_column or datatype_mismatch or undefined_table',
        "raise notice 'view % no longer fits %; its own model rebuilds it',
                    dependent.view_name, '" ~ this ~ "';",
        then_sql='delete from lanes_dependent_views;',
    ) }}
{%- endmacro %}


{#-
    Each remembered dependent view recreated as it was (create or replace: in place,
    so it never vanishes), in one DO block; `on_error` names the conditions a view
    may fail with and `handler` what to do then, `then_sql` runs after the loop.
-#}
{% macro lanes_recreate_dependent_views(on_error, handler, then_sql='') -%}
    do $lanes_recreate$
    declare
        dependent record;
    begin
        for dependent in select view_name, definition from lanes_dependent_views loop
            begin
                execute format(
                    'create or replace view %s as %s', dependent.view_name, dependent.definition
                );
            exception when {{ on_error }} then
                {{ handler }}
            end;
        end loop;
        {{ then_sql }}
    end
    $lanes_recreate$
{%- endmacro %}
