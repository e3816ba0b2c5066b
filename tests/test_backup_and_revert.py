"""Backup and teardown of a populated registry: pg_dump / pg_restore into a
new database keeps every row, every chain valid and search working; a Sqitch
revert refuses to drop tables while the registry holds data, loses nothing
when it refuses, and tears down on purpose only when told to."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from populated import assert_whole, fingerprint, populate
from support import DB_DIR, sqitch, sqitch_target, url_for


@pytest.fixture
def populated(db: psycopg.Connection, db_url: str) -> str:
    populate(db_url)
    return db_url


@pytest.fixture
def restore_target() -> str:
    name = f"fieldmap_restored_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    yield name
    with psycopg.connect(url_for("postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_dump_and_restore_keeps_everything(populated: str, restore_target: str, tmp_path: Path) -> None:
    before = fingerprint(populated)
    assert_whole(before)
    dump = tmp_path / "registry.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", populated], check=True, capture_output=True)
    restored = url_for(restore_target)
    # the README's steps: everything but the grid's data, which pg_restore
    # cannot refresh (it runs with row_security off; the grid's tables force RLS)
    listing = subprocess.run(["pg_restore", "-l", str(dump)], check=True, capture_output=True, text=True).stdout
    (tmp_path / "registry.list").write_text(
        "\n".join(line for line in listing.splitlines() if "MATERIALIZED VIEW DATA" not in line))
    out = subprocess.run(["pg_restore", "--exit-on-error", "-L", str(tmp_path / "registry.list"), "-d", restored,
                          str(dump)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    with psycopg.connect(restored, autocommit=True) as conn:
        assert conn.execute("SELECT stale FROM fieldmap.grid_status()").fetchone()[0], "an empty grid is stale"
        assert conn.execute("SELECT reason FROM fieldmap.refresh_lineage_grid()").fetchone()[0] == "not populated"
        grid = conn.execute("SELECT * FROM fieldmap.mv_mapping_lineage_grid ORDER BY 1, 2, 3, 4").fetchall()
    with psycopg.connect(populated, autocommit=True) as conn:  # its grid is stale: populate changed a mapping last
        conn.execute("SELECT fieldmap.refresh_lineage_grid()")
        assert grid == conn.execute("SELECT * FROM fieldmap.mv_mapping_lineage_grid ORDER BY 1, 2, 3, 4").fetchall()
    assert fingerprint(restored) == before
    # the restored registry is a working one: Sqitch sees it deployed, and a
    # new change is audited, chained and sealed like any other
    assert sqitch(restored, "verify").returncode == 0
    with psycopg.connect(restored, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.set_context('demo', reason => 'after restore', for_session => true)")
        conn.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.7 "
                     "WHERE id = fieldmap.find_mapping('hubspot', 'contact.email')")
        conn.execute("SELECT fieldmap.seal_audit_chain('demo')")
        ok, checked, unsealed = conn.execute(
            "SELECT ok, checked, unsealed FROM fieldmap.verify_audit_chain('demo', seal => false)").fetchone()
    assert ok and unsealed == 0 and checked > before["chains"]["demo"][1]


def revert(url: str, *, drop_data: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"PGOPTIONS": "-c fieldmap.revert_drops_data=on"} if drop_data else {})}
    return subprocess.run(["sqitch", "revert", "-y", sqitch_target(url)], cwd=DB_DIR, capture_output=True,
                          text=True, env=env)


def test_a_revert_refuses_to_drop_the_registrys_data_and_loses_nothing(populated: str) -> None:
    before = fingerprint(populated)
    out = revert(populated)
    assert out.returncode != 0
    assert "refusing to revert a change that drops a table: the registry holds 2 tenant(s)" in out.stdout + out.stderr
    assert "fieldmap.revert_drops_data=on" in out.stdout + out.stderr
    # the function changes above the first table were reverted (harmless);
    # deploying again puts them back, and the registry is as it was
    assert sqitch(populated, "deploy", "--verify").returncode == 0
    assert fingerprint(populated) == before


def test_a_revert_told_to_drop_the_data_tears_everything_down(populated: str) -> None:
    out = revert(populated, drop_data=True)
    assert out.returncode == 0, out.stdout + out.stderr
    with psycopg.connect(populated) as conn:
        assert conn.execute("SELECT to_regnamespace('fieldmap')").fetchone()[0] is None


def test_an_empty_registry_reverts_without_being_told(db_url: str) -> None:
    out = revert(db_url)
    assert out.returncode == 0, out.stdout + out.stderr
