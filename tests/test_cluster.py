"""scripts/cluster.sh (make db-start / db-stop / db-status / db-url) on a
second, throwaway cluster: idempotent start, a stale pid file survived."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from support import cluster_sh


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[dict]:
    env = {**os.environ, "FIELDMAP_PGDATA": str(tmp_path / "data"), "FIELDMAP_PGSOCK": str(tmp_path / "s"),
           "FIELDMAP_PGPORT": str(free_port())}
    env.pop("DATABASE_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return cluster_sh(*args, env=env, timeout=120)

    yield {"run": run, "data": tmp_path / "data"}
    run("stop")


def test_start_is_idempotent_and_survives_a_stale_pid_file(cluster: dict) -> None:
    run = cluster["run"]
    assert run("status").returncode == 3
    first = run("start")
    assert first.returncode == 0, first.stderr
    url = run("url").stdout.strip()
    with psycopg.connect(url) as c:
        assert c.execute("SHOW shared_preload_libraries").fetchone()[0] == "pg_cron"
        assert c.execute("SELECT current_user").fetchone()[0] == "postgres"
        if os.geteuid() == 0:  # the server itself runs unprivileged
            pid = c.execute("SELECT pg_backend_pid()").fetchone()[0]
            assert os.stat(f"/proc/{pid}").st_uid != 0

    again = run("start")
    assert again.returncode == 0 and "already running" in again.stderr
    assert run("status").returncode == 0

    # A crash leaves postmaster.pid behind, naming a pid that may now be some
    # other live process (here: this test's own process).
    assert run("stop").returncode == 0
    pidfile = cluster["data"] / "postmaster.pid"
    pidfile.write_text(f"{os.getpid()}\n{cluster['data']}\n")
    if os.geteuid() == 0:
        import shutil
        shutil.chown(pidfile, user="postgres")
    assert run("status").returncode == 3
    restarted = run("start")
    assert restarted.returncode == 0, restarted.stderr
    assert "stale" in restarted.stderr
    with psycopg.connect(url) as c:
        assert c.execute("SELECT 1").fetchone()[0] == 1
    assert run("stop").returncode == 0
    assert run("status").returncode == 3


def test_database_url_wins() -> None:
    out = cluster_sh("url", env={**os.environ, "DATABASE_URL": "postgresql://elsewhere/db"})
    assert out.stdout.strip() == "postgresql://elsewhere/db"


def test_the_reader_serves_from_the_yaml_mirror_while_the_cluster_is_stopped(
        cluster: dict, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from fieldmap.reader import MappingReader
    from support import ENTITIES_YAML, FIXTURES, fieldmap_cli, sqitch

    run = cluster["run"]
    assert run("start").returncode == 0
    url = run("url").stdout.strip()
    sqitch(url, "deploy")
    mirror = tmp_path / "mirror"
    assert fieldmap_cli(url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    assert fieldmap_cli(url, "tenant", "add", "demo").returncode == 0
    out = fieldmap_cli(url, "import", "--tenant", "demo", "--mirror", str(mirror),
                       str(FIXTURES / "legacy-yaml" / "hubspot.yaml"))
    assert out.returncode == 0, out.stderr

    reader = MappingReader("demo", mirror_dir=mirror, database_url=url)
    live = reader.mappings("hubspot")
    assert sum(len(e["fields"]) for e in live.values()) == 29

    assert run("stop").returncode == 0
    with caplog.at_level("WARNING", logger="fieldmap.reader"):
        fallback = reader.mappings("hubspot")
    assert fallback == live
    assert "reading hubspot from the YAML mirror" in caplog.text


def test_the_reader_can_be_switched_to_yaml_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fieldmap.reader import MappingReader

    (tmp_path / "crm.yaml").write_text("account:\n  fields:\n    name: Name\n")
    monkeypatch.setenv("FIELDMAP_READ_FROM", "yaml")
    reader = MappingReader("demo", mirror_dir=tmp_path, database_url="postgresql:///nowhere?host=/nonexistent")
    assert reader.mappings("crm") == {"account": {"fields": {"name": "Name"}}}


@pytest.mark.parametrize("connector", ["../secret", "/etc/passwd", "", "a\\b"])
def test_the_reader_reads_no_file_outside_the_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     connector: str) -> None:
    from fieldmap.errors import InputError
    from fieldmap.reader import MappingReader

    (tmp_path / "secret.yaml").write_text("account:\n  fields:\n    name: Name\n")
    monkeypatch.setenv("FIELDMAP_READ_FROM", "yaml")
    reader = MappingReader("demo", mirror_dir=tmp_path / "mirror", database_url="postgresql:///nowhere?host=/x")
    with pytest.raises(InputError, match="names no file of the mirror"):
        reader.mappings(connector)
