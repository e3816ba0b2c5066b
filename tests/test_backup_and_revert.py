"""Backup and teardown of a populated registry: pg_dump / pg_restore into a
new database keeps every row, every chain valid and search working; a Sqitch
revert refuses to drop tables while the registry holds data, loses nothing
when it refuses, and tears down on purpose only when told to."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from populated import assert_whole, fingerprint, populate
from registry import ensure_login_role, login
from support import ENTITIES_YAML, ROOT, fieldmap_cli, sqitch


@pytest.fixture
def populated(db: psycopg.Connection, db_url: str) -> str:
    populate(db_url)
    return db_url


def test_dump_and_restore_keeps_everything(populated: str, scratch_url: str, tmp_path: Path) -> None:
    before = fingerprint(populated)
    assert_whole(before)
    with psycopg.connect(populated) as conn:
        before_refreshes = conn.execute("SELECT refreshes FROM fieldmap.grid_status()").fetchone()[0]
    dump = tmp_path / "registry.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", populated], check=True, capture_output=True)
    restored = scratch_url
    # make restore's script: everything but the grid's data, which pg_restore
    # cannot refresh (it runs with row_security off; the grid's tables force RLS)
    out = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(dump), restored], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    with psycopg.connect(restored, autocommit=True) as conn:
        assert conn.execute("SELECT refreshes FROM fieldmap.grid_status()").fetchone()[0] == before_refreshes + 1
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
    return sqitch(url, "revert", "-y", check=False,
                  env={"PGOPTIONS": "-c fieldmap.revert_drops_data=on"} if drop_data else None)


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


def test_audit_history_alone_is_enough_to_refuse(db_url: str) -> None:
    """Canonical entities loaded, no tenant yet: their audit rows are history too."""
    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    out = revert(db_url)
    assert out.returncode != 0
    assert "the registry holds 0 tenant(s) and" in out.stdout + out.stderr


def test_a_deployer_that_is_not_a_superuser_gets_the_same_refusal(db: psycopg.Connection, populated: str) -> None:
    """A member of fieldmap_owner (a managed server's deployer) sees every
    tenant's rows through row-level security for the count."""
    ensure_login_role(db, "fm_test_deployer", "fieldmap_owner")
    with login(db, "fm_test_deployer") as deployer, pytest.raises(psycopg.Error) as refused:
        deployer.execute("SELECT fieldmap._refuse_revert_over_data()")
    assert refused.value.sqlstate == "MR006" and "2 tenant(s)" in str(refused.value)


def test_make_revert_refuses_before_sqitch_reverts_anything(populated: str) -> None:
    before = fingerprint(populated)
    out = subprocess.run(["make", "-s", "revert"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": populated})
    assert out.returncode != 0 and "refusing to revert" in out.stderr and "DROP_DATA=1" in out.stderr, out.stderr
    assert "Reverting" not in out.stdout + out.stderr  # Sqitch never started
    with psycopg.connect(populated) as conn:  # the last change of the plan is still there
        assert conn.execute("SELECT to_regprocedure('fieldmap.suggest_mapping(text,text,text,text,vector,integer,vector)')"
                            ).fetchone()[0] is not None
    assert fingerprint(populated) == before


def test_restore_refuses_a_database_that_holds_a_registry(populated: str, tmp_path: Path) -> None:
    dump = tmp_path / "registry.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", populated], check=True, capture_output=True)
    out = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(dump), populated], capture_output=True,
                         text=True)
    assert out.returncode == 1 and "already holds a registry" in out.stderr, out.stderr
    out = subprocess.run(["bash", str(ROOT / "scripts" / "restore.sh"), str(tmp_path / "nope.dump"), populated],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "cannot read the dump" in out.stderr, out.stderr


def test_an_unpopulated_grid_is_stale_and_the_next_refresh_fills_it(populated: str) -> None:
    """What a restore without the grid's data leaves: CONCURRENTLY would fail on it."""
    with psycopg.connect(populated, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.refresh_lineage_grid()")
        conn.execute("REFRESH MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid WITH NO DATA")
        assert conn.execute("SELECT stale FROM fieldmap.grid_status()").fetchone()[0]
        assert conn.execute("SELECT reason FROM fieldmap.refresh_lineage_grid()").fetchone()[0] == "not populated"
        assert conn.execute("SELECT count(*) FROM fieldmap.mv_mapping_lineage_grid").fetchone()[0] > 0
        assert not conn.execute("SELECT stale FROM fieldmap.grid_status()").fetchone()[0]
