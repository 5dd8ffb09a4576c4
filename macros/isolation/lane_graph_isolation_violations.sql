
{#-
    Lane isolation in the dbt graph (README "The rules dbt enforces"; the
    design's isolation rules in docs/design.md): no node of Lane A
    depends, directly or through other nodes, on a node or source of Lane B, or
    the other way round, and no node at all (test, exposure, untagged model)
    depends on both. A node's lane is its lane_a / lane_b tag, set per folder in
    dbt_project.yml and on the sources.
-#}
{% macro lane_graph_isolation_violations() -%}
{%- set violations = [] -%}
{%- if execute -%}
    {%- set everything = {} -%}
    {%- do everything.update(graph.nodes) -%}
    {%- do everything.update(graph.sources) -%}
    {%- do everything.update(graph.exposures) -%}

    {%- for unique_id, node in everything.items() if node.package_name == project_name -%}
        {%- set own_lanes = [] -%}
        {%- for lane in ['lane_a', 'lane_b'] if lane in node.tags -%}
            {%- do own_lanes.append(lane) -%}
        {%- endfor -%}

        {#- Walk the ancestors breadth-first; `seen` keeps each one once. -#}
        {%- set queue = (node.get('depends_on') or {}).get('nodes', []) | list -%}
        {%- set seen = [] -%}
        {%- set first_of_lane = {} -%}
        {%- for _ in range(10000) if queue -%}
            {%- set parent_id = queue.pop(0) -%}
            {%- if parent_id not in seen -%}
                {%- do seen.append(parent_id) -%}
                {%- set parent = everything.get(parent_id) -%}
                {%- if parent -%}
                    {%- for lane in ['lane_a', 'lane_b'] if lane in parent.tags -%}
                        {%- if lane not in first_of_lane -%}
                            {%- do first_of_lane.update({lane: parent_id}) -%}
                        {%- endif -%}
                    {%- endfor -%}
                    {%- do queue.extend((parent.get('depends_on') or {}).get('nodes', [])) -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}

        {%- if own_lanes | length == 1 -%}
            {%- set own = own_lanes[0] -%}
            {%- set other = 'lane_b' if own == 'lane_a' else 'lane_a' -%}
            {%- if other in first_of_lane -%}
                {%- do violations.append(
                    unique_id ~ ' (' ~ own ~ ') depends on '
                    ~ first_of_lane[other] ~ ' (' ~ other ~ ')'
                ) -%}
            {%- endif -%}
        {%- elif 'lane_a' in first_of_lane and 'lane_b' in first_of_lane -%}
            {%- do violations.append(
                unique_id ~ ' depends on both lanes: ' ~ first_of_lane['lane_a']
                ~ ' (lane_a) and ' ~ first_of_lane['lane_b'] ~ ' (lane_b)'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
{%- endif -%}

{{ violations_sql(violations, log_prefix='lane isolation violated: ') }}
{%- endmacro %}
