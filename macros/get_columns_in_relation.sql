{#-
    Based on dbt-postgres' `postgres__get_columns_in_relation` (upstream sha256 b195300f13ddbe7c, checked by
    tests/python/test_dbt_overrides.py: when an upgrade changes it, diff the two).

    dbt-postgres's version, except that enum and array columns report their real
    type ("bit".eligibility_status_enum, text[]) instead of information_schema's
    USER-DEFINED / ARRAY. dbt unit tests cast every fixture and expected value to
    these types, so without this no unit test could mention an enum column.
-#}
{% macro postgres__get_columns_in_relation(relation) -%}
    {% call statement('get_columns_in_relation', fetch_result=True) %}
        select
            columns.column_name,
            case
                when columns.data_type in ('USER-DEFINED', 'ARRAY')
                    then (
                        select format_type(pg_type.oid, null)
                        from pg_catalog.pg_type as pg_type
                        inner join pg_catalog.pg_namespace as pg_namespace
                            on pg_type.typnamespace = pg_namespace.oid
                        where
                            pg_namespace.nspname = columns.udt_schema
                            and pg_type.typname = columns.udt_name
                    )
                else columns.data_type
            end as data_type,
            columns.character_maximum_length,
            columns.numeric_precision,
            columns.numeric_scale
        from {{ relation.information_schema('columns') }} as columns
        where
            columns.table_name = '{{ relation.identifier }}'
            {% if relation.schema %}
                and columns.table_schema = '{{ relation.schema }}'
            {% endif %}
        order by columns.ordinal_position
    {% endcall %}
    {% set table = load_result('get_columns_in_relation').table %}
    {{ return(sql_convert_columns_in_relation(table)) }}
{%- endmacro %}
