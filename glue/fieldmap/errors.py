"""Errors the CLI reports as one line and an exit code, never a traceback."""

from __future__ import annotations

# Exit codes: scripts can tell bad input from an unreachable database.
EXIT_OK = 0
EXIT_INPUT = 1       # the input (a file, an argument's value) is wrong
EXIT_USAGE = 2       # the command line is wrong (argparse's own code)
EXIT_DATABASE = 3    # the database is unreachable or refused the operation
EXIT_DIFFERENCES = 4  # a comparison found differences


class FieldmapError(Exception):
    """An error with a message fit for the user and an exit code."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class InputError(FieldmapError):
    """The input file or value is wrong; nothing was written."""

    exit_code = EXIT_INPUT


class DatabaseError(FieldmapError):
    """The database could not be reached or refused the operation."""

    exit_code = EXIT_DATABASE
