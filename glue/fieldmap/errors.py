"""Errors the CLI reports as one line and an exit code, never a traceback,
and the one place where the database's SQLSTATE codes are sorted.

fieldmap's SQL API raises its own codes (class MR, "mapping registry"); the
README's error table lists them with what a client should do. PostgreSQL's
own codes reach a client where it writes the tables directly (constraints,
row-level security) or where the server says no (connection, retry)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

# Exit codes: scripts can tell bad input from an unreachable database.
EXIT_OK = 0
EXIT_INPUT = 1        # the input (a file, an argument's value) is wrong; nothing was written
EXIT_USAGE = 2        # the command line is wrong (argparse's own code), or no tenant given
EXIT_DATABASE = 3     # the database is unreachable, undeployed, or refused the operation
EXIT_DIFFERENCES = 4  # a comparison found differences, or an audit chain is broken
EXIT_PARTIAL = 5      # --partial: the good entries were written, some were rejected
EXIT_MIRROR = 6       # the import committed but its YAML mirror could not be written
EXIT_OUTPUT = 7       # the command did its work but its output could not be written
EXIT_INTERRUPTED = 130  # Ctrl-C or SIGTERM (128 + SIGINT): what was committed stands
EXIT_PIPE = 141       # stdout was closed (128 + SIGPIPE), like other Unix tools

EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_INPUT: "bad input (a file, an argument's value); nothing was written",
    EXIT_USAGE: "bad command line, a malformed database URL, or no tenant given",
    EXIT_DATABASE: "database unreachable, not deployed, or refusing (e.g. not allowed for this tenant)",
    EXIT_DIFFERENCES: "differences found (verify-migration), or an audit chain is broken (audit verify)",
    EXIT_PARTIAL: "--partial import: good entries written, some rejected",
    EXIT_MIRROR: "import committed, but the YAML mirror could not be written (the next import repairs it)",
    EXIT_OUTPUT: "the command did its work, but its output could not be written (e.g. a full disk)",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C, or SIGTERM from timeout, systemd or cron); what was committed stands",
    EXIT_PIPE: "standard output was closed (no message)",
}


@dataclass(frozen=True)
class SqlState:
    """One row of the error table: a code, its name, what it means."""

    code: str
    name: str
    meaning: str
    exit_code: int
    retry: bool = False


# fieldmap's own codes (raised by the SQL API), then PostgreSQL's that a client meets.
SQLSTATES: dict[str, SqlState] = {s.code: s for s in [
    SqlState("MR001", "bad_input", "a value, argument or document the API refuses", EXIT_INPUT),
    SqlState("MR002", "unknown_tenant", "no tenant has that slug or id", EXIT_INPUT),
    SqlState("MR003", "not_allowed", "no tenant in context, or the request's role may not act for it", EXIT_DATABASE),
    SqlState("MR004", "not_found", "no such mapping, version, connector or user in the tenant", EXIT_INPUT),
    SqlState("MR005", "conflict", "exists already, or would change something immutable", EXIT_INPUT),
    SqlState("MR006", "append_only", "the audit trail refuses to be changed", EXIT_DATABASE),
    SqlState("MR007", "unavailable", "a required extension or setting is missing on the server", EXIT_DATABASE),
    SqlState("42501", "insufficient_privilege", "the role lacks a privilege, or row-level security refused a row",
             EXIT_DATABASE),
    SqlState("23505", "unique_violation", "a direct write duplicates a key", EXIT_INPUT),
    SqlState("23503", "foreign_key_violation", "a direct write names a row that does not exist", EXIT_INPUT),
    SqlState("23514", "check_violation", "a direct write breaks a rule of the table", EXIT_INPUT),
    SqlState("23502", "not_null_violation", "a direct write leaves a required column empty", EXIT_INPUT),
    SqlState("22P02", "invalid_text_representation", "a value is not of the parameter's type", EXIT_INPUT),
    SqlState("25006", "read_only_sql_transaction", "a write sent to a read replica (hot standby) or a read-only "
             "session: send writes to the primary", EXIT_DATABASE),
    SqlState("40001", "serialization_failure", "a concurrent change won; run the transaction again", EXIT_DATABASE,
             retry=True),
    SqlState("40P01", "deadlock_detected", "a concurrent change deadlocked; run the transaction again",
             EXIT_DATABASE, retry=True),
]}


class FieldmapError(Exception):
    """An error with a message fit for the user and an exit code."""

    exit_code = EXIT_INPUT
    code = "error"

    def __init__(self, message: str, *, where: str | None = None, sqlstate: str | None = None) -> None:
        self.where = where
        self.sqlstate = sqlstate
        self.message = message
        super().__init__(f"{where}: {message}" if where else message)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self), "where": self.where, "sqlstate": self.sqlstate,
                "exit": self.exit_code, "problems": []}


class InputError(FieldmapError):
    """The input file or value is wrong; nothing was written."""

    exit_code = EXIT_INPUT
    code = "bad_input"


class UsageError(FieldmapError):
    """The command line is incomplete or contradictory."""

    exit_code = EXIT_USAGE
    code = "usage"


class DatabaseError(FieldmapError):
    """The database could not be reached, is not deployed, or refused the operation."""

    exit_code = EXIT_DATABASE
    code = "database"


class MirrorNotWritten(FieldmapError):
    """The change committed, but its YAML mirror could not be written."""

    exit_code = EXIT_MIRROR
    code = "mirror_not_written"


class Interrupted(FieldmapError):
    """Ctrl-C or SIGTERM: the command stopped; what it committed stands."""

    exit_code = EXIT_INTERRUPTED
    code = "interrupted"


class UnreachableError(DatabaseError):
    """No connection could be made (server down, wrong address)."""

    code = "unreachable"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def describe(exc: psycopg.Error, *, hint: bool = True) -> str:
    """The server's message (and hint) of a database error, on one line."""
    diag = exc.diag
    msg = diag.message_primary or _first_line(str(exc)) or exc.__class__.__name__
    if hint and diag.message_hint:
        msg += f" (hint: {diag.message_hint})"
    return msg


def from_db_error(exc: psycopg.Error, where: str | None = None) -> FieldmapError:
    """The one mapping from a server error to what the CLI reports. `where`
    (the file or object the input came from) is named only when the input
    is at fault, not when the server refuses the role or is unreachable."""
    state = exc.sqlstate or ""
    message = describe(exc)
    if state in ("3F000", "42P01", "42883") and "fieldmap" in message:
        return DatabaseError("fieldmap is not deployed in this database, or is older than this CLI (" + message
                             + "); run 'make deploy' (or 'sqitch deploy') first", sqlstate=state)
    # the server says "read-only transaction", or (for pg_cron's calls) "cannot
    # assign TransactionIds during recovery"
    if state == "25006" or (state == "25000" and "during recovery" in message):
        message += ("; the server takes no writes here: a read replica (hot standby), or a read-only session. "
                    "Send writes to the primary (FIELDMAP_DATABASE_URL or DATABASE_URL, not FIELDMAP_READ_URL)")
    if state == "42501" and message.startswith("permission denied for"):  # names the object, not the role to use
        message += ("; this role lacks that privilege: mapping changes need fieldmap_writer, audit verification "
                    "fieldmap_auditor, tenants, users, entities and vector indexes the owner (README, 'Tenancy'; "
                    "the whole matrix is in docs/security.md)")
    return for_sqlstate(message, state, where)


def for_sqlstate(message: str, state: str, where: str | None = None) -> FieldmapError:
    """The error for a SQLSTATE, with its name as code and its exit code:
    the server's, or one the CLI finds itself before asking (embed as a reader)."""
    known = SQLSTATES.get(state)
    if known is None:
        error: FieldmapError = DatabaseError(message, sqlstate=state or None)
    elif known.exit_code == EXIT_INPUT:
        error = InputError(message, where=where, sqlstate=state)
    else:
        error = DatabaseError(message, sqlstate=state)
    if known is not None:
        error.code = known.name
    return error


def retryable(exc: BaseException) -> bool:
    """A concurrent transaction won: the same work, run again, will succeed or
    see the winner's rows (serialization failure, deadlock, or two imports
    creating the same connector or mapping at once)."""
    if not isinstance(exc, psycopg.Error):
        return False
    if exc.sqlstate in ("40001", "40P01"):
        return True
    return exc.sqlstate == "23505" and exc.diag.constraint_name in ("unique_active_mapping", "unique_tenant_connector")


class Rejected(InputError):
    """Several problems at once (every rejected entry of every file); nothing was written."""

    def __init__(self, problems: list[tuple[str, str]], summary: str) -> None:
        self.problems = problems  # (where, message)
        self.summary = summary
        super().__init__(problems[0][1] if len(problems) == 1 else summary,
                         where=problems[0][0] if len(problems) == 1 else None)

    def lines(self) -> list[str]:
        """One line per problem, then the summary when there are several."""
        out = [f"{where}: {message}" for where, message in self.problems]
        return out if len(out) == 1 else [*out, self.summary]

    def as_dict(self) -> dict:
        return {**super().as_dict(), "message": self.summary,
                "problems": [{"where": w, "message": m} for w, m in self.problems]}
