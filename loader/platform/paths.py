"""Where the project lives on disk: the dbt project root and the local state folder."""

from __future__ import annotations

import os
from pathlib import Path

# The `loader` package (this file is loader/platform/paths.py).
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def project_root() -> Path:
    """The folder holding dbt_project.yml.

    `LANES_HOME` wins; otherwise the current directory when it is a project,
    otherwise the checkout this package was installed from (editable install).
    """
    override = os.environ.get("LANES_HOME")
    if override:
        return Path(override).resolve()
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").is_file():
        return cwd
    return PACKAGE_DIR.parent


def state_dir() -> Path:
    """Git-ignored folder for local state (embedded database, demo files)."""
    return project_root() / ".lanes"


def embedded_data_dir() -> Path:
    override = os.environ.get("LANES_PGDATA")
    if override:
        return Path(override).resolve()
    return state_dir() / "pgdata"
