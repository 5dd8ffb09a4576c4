"""Outreach Lanes loader: database, migrations, ingest and dbt runner for both lanes."""

__version__ = "0.1.0"
