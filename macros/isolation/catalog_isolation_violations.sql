{#-
    Lane isolation in the database itself, whatever created the objects
    (dbt, a migration or someone at a psql prompt). Fails for:
      * a foreign key from a lane table to another lane or to any table outside
        its lane (an outreach table, say);
      * a view or materialized view, in any schema, that reads both lanes
        (directly or through other views);
      * an object in schema bit outside the lane-prefixed set (reactivation_*,
        v_reactivation_*, partner_*, v_partner_*, and Lane A's two enums).
-#}
{% macro catalog_isolation_violations() -%}
with recursive

relations as (
    select
        pg_class.oid,
        pg_namespace.nspname as schema_name,
        pg_class.relname as relation_name,
        pg_class.relkind
    from pg_catalog.pg_class as pg_class
    inner join pg_catalog.pg_namespace as pg_namespace
        on pg_class.relnamespace = pg_namespace.oid
    where
        pg_class.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and pg_namespace.nspname not in ('pg_catalog', 'information_schema')
        and pg_namespace.nspname not like 'pg\_%'
),

relation_lanes as (
    select
        oid,
        schema_name,
        relation_name,
        relkind,
        case
            when schema_name in ('sales', 'lane_a') then 'lane_a'
            when schema_name in ('partners', 'lane_b') then 'lane_b'
            when schema_name = 'bit' and relation_name ~ '^(v_)?reactivation_' then 'lane_a'
            when schema_name = 'bit' and relation_name ~ '^(v_)?partner_' then 'lane_b'
        end as lane
    from relations
),

view_reads as (
    select distinct
        pg_rewrite.ev_class as view_oid,
        pg_depend.refobjid as read_oid
    from pg_catalog.pg_rewrite as pg_rewrite
    inner join pg_catalog.pg_depend as pg_depend
        on
            pg_depend.classid = 'pg_catalog.pg_rewrite'::regclass
            and pg_rewrite.oid = pg_depend.objid
            and pg_depend.refclassid = 'pg_catalog.pg_class'::regclass
    where pg_depend.refobjid <> pg_rewrite.ev_class
),

-- Every lane a relation touches: its own, and those of whatever it reads.
lanes_reached (oid, lane) as (
    select
        oid,
        lane
    from relation_lanes
    where lane is not null

    union

    select
        view_reads.view_oid,
        lanes_reached.lane
    from view_reads
    inner join lanes_reached
        on view_reads.read_oid = lanes_reached.oid
),

mixed_views as (
    select
        'view ' || relation_lanes.schema_name || '.' || relation_lanes.relation_name
        || ' reads both lanes' as violation
    from lanes_reached
    inner join relation_lanes
        on lanes_reached.oid = relation_lanes.oid
    group by relation_lanes.schema_name, relation_lanes.relation_name
    having count(distinct lanes_reached.lane) > 1
),

foreign_keys as (
    select
        'foreign key ' || pg_constraint.conname || ' from '
        || from_table.schema_name || '.' || from_table.relation_name
        || ' (' || from_table.lane || ') to '
        || to_table.schema_name || '.' || to_table.relation_name
        || ' (' || coalesce(to_table.lane, 'outside both lanes') || ')' as violation
    from pg_catalog.pg_constraint as pg_constraint
    inner join relation_lanes as from_table
        on pg_constraint.conrelid = from_table.oid
    inner join relation_lanes as to_table
        on pg_constraint.confrelid = to_table.oid
    where
        pg_constraint.contype = 'f'
        and from_table.lane is not null
        and to_table.lane is distinct from from_table.lane
),

bit_relations as (
    select
        'relation bit.' || relation_name || ' is not lane-prefixed'
        || ' (reactivation_*, v_reactivation_*, partner_*, v_partner_*)' as violation
    from relation_lanes
    where schema_name = 'bit' and lane is null
),

bit_types as (
    select 'type bit.' || pg_type.typname || ' is not a lane type' as violation
    from pg_catalog.pg_type as pg_type
    inner join pg_catalog.pg_namespace as pg_namespace
        on pg_type.typnamespace = pg_namespace.oid
    left join pg_catalog.pg_class as pg_class
        on pg_type.typrelid = pg_class.oid
    where
        pg_namespace.nspname = 'bit'
        and pg_type.typcategory <> 'A'
        and (pg_class.oid is null or pg_class.relkind = 'c')
        and pg_type.typname !~ '^(v_)?(reactivation|partner)_'
        and pg_type.typname not in ('eligibility_status_enum', 'reactivation_channel_enum')
),

bit_functions as (
    select 'function bit.' || pg_proc.proname || ' is not lane-prefixed' as violation
    from pg_catalog.pg_proc as pg_proc
    inner join pg_catalog.pg_namespace as pg_namespace
        on pg_proc.pronamespace = pg_namespace.oid
    where
        pg_namespace.nspname = 'bit'
        and pg_proc.proname !~ '^(reactivation|partner)_'
)

select violation from mixed_views
union all
select violation from foreign_keys
union all
select violation from bit_relations
union all
select violation from bit_types
union all
select violation from bit_functions
{%- endmacro %}
