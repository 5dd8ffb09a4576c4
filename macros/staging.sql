{#-
    Staging as dbt Labs writes it (a source CTE, a renamed CTE, select * from
    renamed), for the tables both lanes keep in the same shape (each lane its own
    table): the source's columns stated once, renamed and cast the same way.
-#}
{% macro stg_renamed(relation, columns) -%}
    with

    source as (
        select * from {{ relation }}
    ),

    renamed as (
        select
            {{ columns | join(',\n            ') }}
        from source
    )

    select * from renamed
{%- endmacro %}

{#- A lane's touches table (write-once events): `subject` is its key to the meeting or
    partner, `at_touch` what else an export keeps at the touch. -#}
{% macro stg_touches(touches, subject, at_touch) -%}
    {{ stg_renamed(touches, [
        'touch_id', subject, 'channel::text as channel', 'touched_at',
        'actor as touched_by', 'note as touch_note', 'event as touch_event',
        'message_variant_id', 'score_at_touch',
    ] + at_touch + ['tool as touch_source', 'created_at as recorded_at']) }}
{%- endmacro %}

{#- A lane's meeting revisions (a CRM re-export changed a stored meeting): `key` names
    the meeting, `revised` the revised columns as renamed and cast. -#}
{% macro stg_revisions(revisions, key, revised) -%}
    {{ stg_renamed(
        revisions,
        ['revision_id', key] + revised + ['correlation_id as load_run_id', 'revised_at'],
    ) }}
{%- endmacro %}
