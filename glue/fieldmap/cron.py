"""The pg_cron client: pg_cron's jobs for this registry database made exactly
fieldmap.cron_jobs() (the one list, in SQL), wherever pg_cron runs.

pg_cron lives in one database of the server (cron.database_name), not
necessarily the registry's; jobs for the registry are scheduled from there
with cron.schedule_in_database. Ours are the jobs whose name ends in
@<registry database> and that run in it: installing twice changes nothing,
and another registry's jobs on the same server are left alone."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.rows import dict_row

from .db import Target, connect
from .errors import DatabaseError, from_db_error
from .queries import query


@dataclass
class CronPlace:
    registry_db: str
    cron_db: str
    cron_url: str


def locate(conn: psycopg.Connection, t: Target) -> CronPlace:
    """Where pg_cron runs, checked: preloaded, readable, installed there."""
    registry_db = conn.info.dbname
    try:
        with conn.transaction():
            cron_db = conn.execute(query("cron_database")).fetchone()["cron_database"]
    except psycopg.errors.InsufficientPrivilege:
        raise DatabaseError("pg_cron's jobs are managed by a superuser (or pg_cron's owner): this role may not read "
                            "where pg_cron runs (cron.database_name)") from None
    if not cron_db:
        raise DatabaseError("pg_cron is not preloaded on this server: add pg_cron to shared_preload_libraries, "
                            "set cron.database_name, and restart the server") from None
    url = make_conninfo(t.url, dbname=cron_db)
    place = CronPlace(registry_db, cron_db, url)
    with cron_connection(place) as cron:
        if not cron.execute(query("pg_cron_installed")).fetchone()["installed"]:
            raise DatabaseError(f"pg_cron is preloaded but not installed in its database {cron_db}: "
                                f"run CREATE EXTENSION pg_cron there")
    return place


def cron_connection(place: CronPlace) -> psycopg.Connection:
    return connect(Target(place.cron_url, local=False), autocommit=True)


def _run(conn: psycopg.Connection, name: str, params: dict) -> list[dict]:
    try:
        with conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(query(name), params).fetchall()
    except psycopg.errors.InsufficientPrivilege as exc:
        raise DatabaseError(f"pg_cron's jobs are managed by a superuser (or pg_cron's owner); this role may not "
                            f"({exc.diag.message_primary})", sqlstate=exc.sqlstate) from None
    except psycopg.Error as exc:
        raise from_db_error(exc) from None


def install(conn: psycopg.Connection, place: CronPlace) -> list[dict]:
    """Add, update and remove our jobs until pg_cron holds exactly the list."""
    wanted = {j["name"]: j for j in _run(conn, "cron_jobs_defined", {})}
    changes = []
    with cron_connection(place) as cron:
        have = {j["name"]: j for j in _run(cron, "cron_jobs_installed", {"database": place.registry_db})}
        for name, job in wanted.items():
            params = {**job, "database": place.registry_db}
            if name not in have:
                _run(cron, "cron_schedule", params)
                changes.append({"job": name, "action": "added", "schedule": job["schedule"]})
            elif (have[name]["schedule"], have[name]["command"], have[name]["active"]) != (job["schedule"],
                                                                                           job["command"], True):
                _run(cron, "cron_alter", {**params, "jobid": have[name]["jobid"]})
                changes.append({"job": name, "action": "updated", "schedule": job["schedule"]})
            else:
                changes.append({"job": name, "action": "unchanged", "schedule": job["schedule"]})
        for name, job in have.items():
            if name not in wanted:
                _run(cron, "cron_unschedule", {"jobid": job["jobid"]})
                changes.append({"job": name, "action": "removed", "schedule": job["schedule"]})
    return changes


def remove(place: CronPlace) -> list[dict]:
    with cron_connection(place) as cron:
        have = _run(cron, "cron_jobs_installed", {"database": place.registry_db})
        for job in have:
            _run(cron, "cron_unschedule", {"jobid": job["jobid"]})
    return [{"job": j["name"], "action": "removed", "schedule": j["schedule"]} for j in have]


def jobs(place: CronPlace) -> list[dict]:
    """Our jobs with their last run."""
    with cron_connection(place) as cron:
        return _run(cron, "cron_jobs_installed", {"database": place.registry_db})


def runs(place: CronPlace, limit: int) -> list[dict]:
    """Recent runs of our jobs, failures first."""
    with cron_connection(place) as cron:
        return _run(cron, "cron_runs", {"database": place.registry_db, "limit": limit})
