{{ config(tags=['hygiene', 'lane_a', 'lane_b'], store_failures=true) }}

{#-
    Project checks in the spirit of dbt-project-evaluator, written here:
      * every model and every source table has a description;
      * every table and view BI reads (schema bit) carries the
        columns_documented test (every column documented, none invented);
      * every model has a primary-key test (unique and not_null on one column);
      * no model names a schema in SQL (from sales.x): use ref() or source().
-#}

{%- set violations = [] -%}
{%- if execute -%}
    {%- set hard_coded = modules.re.compile(
        '(from|join)\\s+"?(sales|partners|bit|shq|lane_a|lane_b|public)"?\\s*\\.', modules.re.I
    ) -%}

    {%- for source in graph.sources.values() if source.package_name == project_name -%}
        {%- if not (source.description | trim) -%}
            {%- do violations.append(source.unique_id ~ ' has no description') -%}
        {%- endif -%}
    {%- endfor -%}

    {%- for model in graph.nodes.values()
        if model.resource_type == 'model' and model.package_name == project_name -%}
        {%- if not (model.description | trim) -%}
            {%- do violations.append(model.unique_id ~ ' has no description') -%}
        {%- endif -%}

        {%- if hard_coded.search(model.raw_code) -%}
            {%- do violations.append(
                model.unique_id ~ ' names a schema in SQL ("'
                ~ hard_coded.search(model.raw_code).group(0) ~ '"): use ref() or source()'
            ) -%}
        {%- endif -%}

        {%- set unique_columns = [] -%}
        {%- set not_null_columns = [] -%}
        {%- for test in graph.nodes.values()
            if test.resource_type == 'test' and test.get('attached_node') == model.unique_id -%}
            {%- set test_name = (test.get('test_metadata') or {}).get('name') -%}
            {%- if test_name == 'unique' -%}
                {%- do unique_columns.append(test.column_name) -%}
            {%- elif test_name == 'not_null' -%}
                {%- do not_null_columns.append(test.column_name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set keys = [] -%}
        {%- for column in unique_columns if column in not_null_columns -%}
            {%- do keys.append(column) -%}
        {%- endfor -%}
        {%- if not keys -%}
            {%- do violations.append(
                model.unique_id ~ ' has no primary-key test (unique + not_null on one column)'
            ) -%}
        {%- endif -%}

        {%- if model.schema == 'bit' -%}
            {%- set checked = [] -%}
            {%- for test in graph.nodes.values()
                if test.resource_type == 'test'
                and test.get('attached_node') == model.unique_id
                and (test.get('test_metadata') or {}).get('name') == 'columns_documented' -%}
                {%- do checked.append(test.unique_id) -%}
            {%- endfor -%}
            {%- if not checked -%}
                {%- do violations.append(
                    model.unique_id ~ ' is read by BI (schema bit) but has no columns_documented test'
                ) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

{{ violations_sql(violations, log_prefix='project hygiene: ') }}
