"""The pg_cron client against the real pg_cron of the test cluster, whose
jobs database (cron.database_name) is not the test database: so every job is
scheduled across databases, as on a server where pg_cron has its own.
`fieldmap cron install` makes this database's jobs exactly
fieldmap.cron_jobs(): twice gives the same jobs, a changed or stray job is
put right, another registry's jobs are left alone. One test waits for pg_cron
to run the installed jobs for real (about a minute): set
FIELDMAP_SKIP_CRON=1 to skip it locally; CI always runs it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import psycopg
import pytest
from registry import ensure_test_roles
from support import ENTITIES_YAML, LEGACY, fieldmap_cli, url_for


def cron_db(db: psycopg.Connection) -> str:
    return db.execute("SHOW cron.database_name").fetchone()[0]


def cli_json(url: str, *args: str) -> tuple[int, object, str]:
    out = fieldmap_cli(url, "cron", *args, "--json")
    assert "Traceback" not in out.stderr, out.stderr
    return out.returncode, json.loads(out.stdout) if out.stdout.strip() else None, out.stderr.strip()


@pytest.fixture
def cron(db: psycopg.Connection, db_url: str) -> Iterator[psycopg.Connection]:
    """A connection to pg_cron's database; every job naming the test database
    is removed afterwards, so none outlives it."""
    with psycopg.connect(url_for(cron_db(db)), autocommit=True) as conn:
        try:
            yield conn
        finally:
            conn.execute("SELECT cron.unschedule(jobid) FROM cron.job WHERE database = %s", (db.info.dbname,))


def actions(changes: list[dict]) -> dict[str, str]:
    return {c["job"].split("@")[0]: c["action"] for c in changes}


JOBS = ["fieldmap-index-embeddings", "fieldmap-purge-audit", "fieldmap-refresh-grid", "fieldmap-seal-audit",
        "fieldmap-validate"]


def test_install_twice_gives_the_same_jobs(db: psycopg.Connection, db_url: str, cron: psycopg.Connection) -> None:
    rc, first, _ = cli_json(db_url, "install")
    assert rc == 0 and first["database"] == db.info.dbname and first["cron_database"] == cron_db(db)
    assert actions(first["jobs"]) == dict.fromkeys(JOBS, "added")
    ids = cron.execute("SELECT jobname, jobid FROM cron.job WHERE database = %s ORDER BY 1", (db.info.dbname,)).fetchall()
    rc, second, _ = cli_json(db_url, "install")
    assert rc == 0 and actions(second["jobs"]) == dict.fromkeys(JOBS, "unchanged")
    status = fieldmap_cli(db_url, "status")
    assert status.returncode == 0 and "5 jobs for this database" in status.stdout, status.stderr
    assert cron.execute("SELECT jobname, jobid FROM cron.job WHERE database = %s ORDER BY 1",
                        (db.info.dbname,)).fetchall() == ids
    # what pg_cron holds is what the registry defines, name for name
    defined = db.execute("SELECT name, schedule, command FROM fieldmap.cron_jobs() ORDER BY name").fetchall()
    assert cron.execute("SELECT jobname, schedule, command FROM cron.job WHERE database = %s ORDER BY 1",
                        (db.info.dbname,)).fetchall() == defined


def test_install_puts_a_changed_job_right_and_removes_a_stray_one(db: psycopg.Connection, db_url: str,
                                                                  cron: psycopg.Connection) -> None:
    assert cli_json(db_url, "install")[0] == 0
    name = f"fieldmap-seal-audit@{db.info.dbname}"
    cron.execute("SELECT cron.alter_job(jobid, schedule => '*/7 * * * *', active => false) FROM cron.job "
                 "WHERE jobname = %s", (name,))
    cron.execute("SELECT cron.schedule_in_database(%s, '0 0 * * *', 'SELECT 1', %s)",
                 (f"fieldmap-retired-job@{db.info.dbname}", db.info.dbname))
    rc, out, _ = cli_json(db_url, "install")
    assert rc == 0
    assert actions(out["jobs"]) == {**dict.fromkeys(JOBS, "unchanged"), "fieldmap-seal-audit": "updated",
                                    "fieldmap-retired-job": "removed"}
    assert cron.execute("SELECT schedule, active FROM cron.job WHERE jobname = %s", (name,)).fetchone() == ("* * * * *", True)


def test_another_registrys_jobs_are_left_alone(db: psycopg.Connection, db_url: str, cron: psycopg.Connection) -> None:
    """A registry in database postgres on the same server, with a job of the same kind."""
    other = "fieldmap-seal-audit@postgres"
    cron.execute("SELECT cron.schedule_in_database(%s, '* * * * *', 'SELECT 1', 'postgres')", (other,))
    try:
        assert cli_json(db_url, "install")[0] == 0
        rc, listed, _ = cli_json(db_url, "list")
        assert rc == 0 and sorted(j["name"].split("@")[0] for j in listed) == JOBS
        rc, removed, _ = cli_json(db_url, "remove")
        assert rc == 0 and actions(removed["jobs"]) == dict.fromkeys(JOBS, "removed")
        assert cron.execute("SELECT count(*) FROM cron.job WHERE jobname = %s", (other,)).fetchone() == (1,)
        assert cron.execute("SELECT count(*) FROM cron.job WHERE database = %s", (db.info.dbname,)).fetchone() == (0,)
    finally:
        cron.execute("SELECT cron.unschedule(%s)", (other,))


def test_list_and_runs_before_anything_ran(db: psycopg.Connection, db_url: str, cron: psycopg.Connection) -> None:
    out = fieldmap_cli(db_url, "cron", "list")
    assert out.returncode == 0 and "run 'fieldmap cron install'" in out.stdout
    assert cli_json(db_url, "runs") == (0, [], "")
    assert cli_json(db_url, "install")[0] == 0
    # pg_cron may start the every-minute jobs as soon as they exist (a minute
    # boundary can fall right here): each job has either never run or a last run
    out = fieldmap_cli(db_url, "cron", "list")
    assert out.returncode == 0 and out.stdout.count("never run") + out.stdout.count("last run") == len(JOBS), out.stdout


def test_an_app_role_is_told_it_may_not_schedule(db: psycopg.Connection) -> None:
    ensure_test_roles(db)
    out = fieldmap_cli(url_for(db.info.dbname, user="fm_test_writer_a"), "cron", "install")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "pg_cron" in out.stderr and ("superuser" in out.stderr or "may not" in out.stderr), out.stderr


@pytest.mark.skipif(os.environ.get("FIELDMAP_SKIP_CRON") == "1", reason="FIELDMAP_SKIP_CRON=1 (CI always runs it)")
def test_pg_cron_runs_the_installed_jobs_for_real(db: psycopg.Connection, db_url: str, cron: psycopg.Connection) -> None:
    """Import the Salesforce mappings: audit rows unsealed, the grid stale.
    Install the jobs and wait for pg_cron's next minute: sealed, refreshed."""
    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    assert fieldmap_cli(db_url, "tenant", "add", "demo").returncode == 0
    out = fieldmap_cli(db_url, "import", "--tenant", "demo", str(LEGACY / "salesforce.yaml"))
    assert out.returncode == 0, out.stderr
    unsealed = """SELECT count(*) FROM fieldmap.audit_log a
                   WHERE NOT EXISTS (SELECT FROM fieldmap.audit_chain c WHERE c.audit_id = a.id)"""
    assert db.execute(unsealed).fetchone()[0] > 0
    assert db.execute("SELECT stale FROM fieldmap.grid_status()").fetchone() == (True,)
    assert cli_json(db_url, "install")[0] == 0

    # and the index job: a procedure that commits, which pg_cron's background worker must let it do
    wanted = {f"fieldmap-seal-audit@{db.info.dbname}", f"fieldmap-refresh-grid@{db.info.dbname}",
              f"fieldmap-index-embeddings@{db.info.dbname}"}
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        done = {r[0] for r in cron.execute("""SELECT j.jobname FROM cron.job_run_details d JOIN cron.job j USING (jobid)
                                               WHERE j.database = %s AND d.status IN ('succeeded', 'failed')""",
                                           (db.info.dbname,)).fetchall()}
        if wanted <= done:
            break
        time.sleep(2)
    rc, runs, _ = cli_json(db_url, "runs")
    assert rc == 0 and wanted <= {r["job"] for r in runs}, runs
    assert all(r["status"] == "succeeded" for r in runs), runs  # failures would be listed first
    assert db.execute(unsealed).fetchone()[0] == 0
    # (the seal may run beside the refresh and leave the grid marked stale
    # again: its transaction was open when the refresh began; so no check of
    # staleness here, test_grid covers it)
    refreshes, rows = db.execute("SELECT refreshes, last_rows FROM fieldmap.grid_status()").fetchone()
    active = db.execute("SELECT count(*) FROM fieldmap.field_mappings WHERE status = 'active'").fetchone()[0]
    assert refreshes >= 1 and rows == active > 0
    rc, listed, _ = cli_json(db_url, "list")
    assert {j["name"]: j["last_status"] for j in listed if j["name"] in wanted} == dict.fromkeys(wanted, "succeeded")


def test_status_names_the_installed_job_that_refreshes_a_stale_grid(db: psycopg.Connection, db_url: str,
                                                                   cron: psycopg.Connection) -> None:
    """Installed jobs carry the database in their name (fieldmap-refresh-grid@db)."""
    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    assert fieldmap_cli(db_url, "tenant", "add", "demo").returncode == 0
    assert fieldmap_cli(db_url, "import", "--tenant", "demo", str(LEGACY / "salesforce.yaml")).returncode == 0
    before = fieldmap_cli(db_url, "status").stdout
    assert "no pg_cron job refreshes it here" in before, before
    assert cli_json(db_url, "install")[0] == 0
    after = fieldmap_cli(db_url, "status").stdout
    assert "the pg_cron job fieldmap-refresh-grid refreshes it within a minute" in after or "grid       current" in after
