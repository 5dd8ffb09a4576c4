"""Exceptions whose message is written for the person at the terminal.

Each carries the process exit code the CLI should use, so commands stay thin:
they let these propagate and `cli.main` prints one line and exits.
"""

from __future__ import annotations


class LanesError(Exception):
    """Base class: a user-facing failure with an exit code."""

    exit_code = 1


class RowsRejected(LanesError):
    """Some rows of an input file failed validation (exit 1)."""

    exit_code = 1


class FileUnusable(LanesError):
    """The input file itself cannot be used: missing, unreadable, wrong columns, past a
    bound (exit 1, like rejected rows: bad input; 2 is kept for a wrong command line)."""

    exit_code = 1


class UsageError(LanesError):
    """A command-line option or argument is wrong (exit 2)."""

    exit_code = 2


class DatabaseError(LanesError):
    """The database could not be reached or refused the work (exit 3)."""

    exit_code = 3


class MigrationError(DatabaseError):
    """A migration file failed; names the file and the statement."""


class Interrupted(LanesError):
    """The person stopped the command (Ctrl-C); says what was kept (exit 130)."""

    exit_code = 130
