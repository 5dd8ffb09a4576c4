{{ config(tags=['isolation'], store_failures=true) }}

-- Part of every `--select lane_a` build (this folder's fqn starts with lane_a):
-- the database itself keeps the lanes apart, whoever created the objects.
{{ catalog_isolation_violations() }}
