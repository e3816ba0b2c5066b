"""A read replica: `scripts/cluster.sh replica-start` (make replica-start)
makes a streaming-replication hot standby of the local cluster with
pg_basebackup. A change on the primary shows on the standby; every read
path (MappingReader, the CLI's read commands with FIELDMAP_READ_URL,
verify_audit_chain without sealing) works there with the primary out of
reach; a write sent to the standby fails with one clear message."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from populated import populate
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from support import LEGACY, cluster_sh, fieldmap_cli, server_params

REPLICA_PORT = "54349"  # beside the local cluster's; make replica-start uses 54330
UNREACHABLE = "postgresql:///nowhere?host=/nonexistent&port=1"


def _cluster(*args: str, env: dict) -> subprocess.CompletedProcess:
    return cluster_sh(*args, env={**os.environ, **env})


@pytest.fixture(scope="module")
def standby_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """A standby of the cluster under test, in a directory of its own; removed afterwards."""
    params = server_params()
    if not str(params.get("host") or "").startswith("/"):
        pytest.skip("the replica is made of the local cluster (DATABASE_URL on a unix socket)")
    data = tmp_path_factory.mktemp("replica") / "data"
    env = {"FIELDMAP_REPLICA_PGDATA": str(data), "FIELDMAP_REPLICA_PGPORT": REPLICA_PORT,
           "FIELDMAP_PGPORT": str(params["port"]), "FIELDMAP_PGSOCK": params["host"]}
    out = _cluster("replica-start", env=env)
    assert out.returncode == 0, out.stderr
    try:
        yield env
    finally:
        log = data / "server.log"
        print("the standby's log, last lines:\n" + "\n".join(log.read_text().splitlines()[-25:]))
        _cluster("replica-stop", env=env)


def replica_url(primary_url: str) -> str:
    return make_conninfo(**{**conninfo_to_dict(primary_url), "port": REPLICA_PORT})


def caught_up(primary_url: str, standby_url: str) -> None:
    """Wait until the standby has replayed everything the primary committed so
    far. The local cluster commits asynchronously: one synchronous commit of
    a transaction that wrote WAL (a transaction that wrote nothing commits
    asynchronously whatever the setting) flushes the WAL up to it, earlier
    commits included."""
    with psycopg.connect(primary_url, autocommit=True) as p:
        p.execute("SET synchronous_commit = on")
        p.execute("CREATE TEMP TABLE flushed ()")
        lsn = p.execute("SELECT pg_current_wal_flush_lsn()").fetchone()[0]
    deadline = time.monotonic() + 60
    while True:
        try:
            with psycopg.connect(standby_url, autocommit=True) as s:
                if s.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()[0]:
                    return
        except psycopg.OperationalError:  # the database itself is not replayed yet
            pass
        assert time.monotonic() < deadline, "the standby did not catch up in 60 s"
        time.sleep(0.1)


@pytest.fixture
def standby(standby_env: dict, db: psycopg.Connection, db_url: str) -> str:
    populate(db_url)
    url = replica_url(db_url)
    caught_up(db_url, url)
    return url


def read_cli(standby: str, *args: str) -> subprocess.CompletedProcess:
    """A read command with the primary out of reach: it can only have used FIELDMAP_READ_URL."""
    out = fieldmap_cli(UNREACHABLE, *args, env={"FIELDMAP_READ_URL": standby, "FIELDMAP_TENANT": "demo"})
    assert "Traceback" not in out.stderr, out.stderr
    return out


def test_a_change_on_the_primary_shows_on_the_standby(standby: str, db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as p:
        p.execute("SELECT fieldmap.set_context('demo', for_session => true)")
        p.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.42 "
                  "WHERE id = fieldmap.find_mapping('salesforce', 'account.name')")
    caught_up(db_url, standby)
    with psycopg.connect(standby, autocommit=True) as s:
        assert s.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        s.execute("SELECT fieldmap.set_context('demo', for_session => true)")
        assert s.execute("SELECT confidence_score FROM fieldmap.field_mappings "
                         "WHERE id = fieldmap.find_mapping('salesforce', 'account.name')").fetchone()[0] == 0.42


def test_every_read_path_works_on_the_standby(standby: str, db_url: str, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldmap.reader import MappingReader

    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    on_standby = MappingReader("demo", database_url=standby).mappings("salesforce")
    assert on_standby and on_standby == MappingReader("demo", database_url=db_url).mappings("salesforce")
    for args in (["export", "--out", str(tmp_path / "export")], ["verify-migration", str(LEGACY / "hubspot.yaml")],
                 ["grid", "--limit", "5"], ["history", "--connector", "salesforce", "--field", "account.name"],
                 ["status"], ["search", "closing date of a deal"],
                 ["suggest", "--connector", "pipedrive", "--table", "deals", "--field", "close_time"],
                 ["audit", "verify", "--no-seal"], ["tenant", "list"]):
        out = read_cli(standby, *args, "--json")
        assert out.returncode == 0, f"fieldmap {' '.join(args)}: {out.stderr}"
    assert len(list((tmp_path / "export").glob("*.yaml"))) == 8  # demo holds the 8 legacy connectors
    with psycopg.connect(standby, autocommit=True) as s:
        ok, checked = s.execute("SELECT ok, checked FROM fieldmap.verify_audit_chain('demo', seal => false)").fetchone()
        assert ok and checked > 0


def test_a_write_sent_to_the_standby_fails_clearly(standby: str) -> None:
    out = fieldmap_cli(standby, "import", "--tenant", "demo", str(LEGACY / "hubspot.yaml"))
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "read replica" in out.stderr and "Send writes to the primary" in out.stderr, out.stderr
    out = fieldmap_cli(standby, "audit", "verify", "--tenant", "demo")  # sealing writes: not on a replica
    assert out.returncode != 0 and "read replica" in out.stderr, out.stderr
    with psycopg.connect(standby, autocommit=True) as s, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        s.execute("SELECT * FROM fieldmap.verify_audit_chain('demo')")


def test_a_replica_out_of_reach_is_named_as_the_read_replica(db_url: str) -> None:
    """Needs no standby: FIELDMAP_READ_URL pointing nowhere, the primary up."""
    out = fieldmap_cli(db_url, "tenant", "list", env={"FIELDMAP_READ_URL": UNREACHABLE})
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert "cannot connect to database nowhere" in out.stderr
    assert "the read replica named by FIELDMAP_READ_URL; unset it to read from the primary" in out.stderr, out.stderr
    assert fieldmap_cli(db_url, "tenant", "add", "writes-go-to-the-primary",
                        env={"FIELDMAP_READ_URL": UNREACHABLE}).returncode == 0
