{{ config(tags=['isolation'], store_failures=true) }}

-- Part of every `--select lane_a` build (this folder's fqn starts with lane_a):
-- the whole project's dbt graph keeps the lanes apart.
{{ lane_graph_isolation_violations() }}
