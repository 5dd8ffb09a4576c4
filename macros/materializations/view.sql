{#-
    Based on dbt-adapters' `materialization view, default` (upstream sha256 a68e1c6ed94acfe9, checked by
    tests/python/test_dbt_overrides.py: when an upgrade changes it, diff the two).

    Views are replaced in place (`create or replace view`), not swapped: a BI
    tool reading a ready view during `dbt build` never finds it missing or
    without its grant, and the views built on top of it are left alone. dbt's
    own view materialization renames the old view away and drops it with
    cascade, which also drops every view that depends on it until dbt rebuilds
    them later in the run.

    When the columns changed in a way `create or replace` refuses (a column
    removed, renamed or retyped), the view is dropped and created again in the
    same transaction; views depending on it are then dropped too and come back
    when dbt builds them later in the same run.
-#}
{%- materialization view, adapter='postgres' -%}

    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set grant_config = config.get('grants') -%}

    {%- if existing_relation is not none and not existing_relation.is_view -%}
        {#- A table of that name (the model used to be one): swap as dbt does. -#}
        {{ return(lanes_swap_view_for_table(existing_relation, target_relation, grant_config)) }}
    {%- endif -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced -%}
        {#- Raises when the query's columns differ from the contract. -#}
        {%- do get_assert_columns_equivalent(sql) -%}
    {%- endif -%}

    {% call statement('main') -%}
        {{ lanes_replace_view_sql(target_relation, sql) }}
    {%- endcall %}

    {% do apply_grants(target_relation, grant_config, should_revoke=True) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {{ return({'relations': [target_relation]}) }}

{%- endmaterialization -%}


{% macro lanes_replace_view_sql(relation, sql) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    do $lanes_view$
    begin
        begin
            execute $lanes_sql$
                create or replace view {{ relation }} as (
                    {{ sql }}
                )
            $lanes_sql$;
        exception when invalid_table_definition then
            -- The columns changed: replace it whole, in this same transaction.
            execute 'drop view {{ relation }} cascade';
            execute $lanes_sql$
                create view {{ relation }} as (
                    {{ sql }}
                )
            $lanes_sql$;
        end;
    end
    $lanes_view$
{%- endmacro %}


{% macro lanes_swap_view_for_table(existing_relation, target_relation, grant_config) %}
    {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
    {%- set backup_relation = make_backup_relation(target_relation, existing_relation.type) -%}
    {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
    {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}
    {% call statement('main') -%}
        {{ get_create_view_as_sql(intermediate_relation, sql) }}
    {%- endcall %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
    {% do apply_grants(target_relation, grant_config, should_revoke=True) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ drop_relation_if_exists(backup_relation) }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmacro %}
