"""Released Sqitch changes keep their function bodies (scripts/release.py):
the effective SQL of every released change is recorded at tag time, a test
fails when it changes, and a rework freezes the released bodies so that
reverting to the tag deploys the released code, not today's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import support
from support import DB_DIR, load_script, sqitch_target

release = load_script("release")

GIT = ["git", "-c", "user.email=dev@fieldmap.invalid", "-c", "user.name=fieldmap"]


def test_every_released_change_is_as_it_was_released() -> None:
    assert release.check(DB_DIR) == []


def test_the_manifest_covers_every_tagged_change() -> None:
    tagged = {(c, t) for c, t in release.plan(DB_DIR) if t}
    recorded = {(c, t) for c, t, _ in release.read_manifest(DB_DIR)}
    assert tagged == recorded


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of db/."""
    shutil.copytree(DB_DIR, tmp_path / "db")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
        subprocess.run([*GIT, *args], cwd=tmp_path, check=True)
    return tmp_path / "db"


def sqitch(db: Path, url: str, *args: str) -> None:
    out = subprocess.run(["sqitch", *args, sqitch_target(url)], cwd=db, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def purge_source(url: str) -> str:
    with psycopg.connect(url) as c:
        return c.execute("SELECT prosrc FROM pg_proc WHERE oid = 'fieldmap.purge_audit_log(integer)'::regprocedure"
                         ).fetchone()[0]


def test_a_body_changed_after_release_fails_until_the_change_is_reworked(repo: Path, scratch_url: str) -> None:
    # function_retention: released, and not reworked since (function_history was, after @v0.1.0)
    tags = [t for _, t in release.plan(repo) if t]
    if not tags:  # a plan before its first release: make one
        release.tag("v9.9.9", "test release", repo)
        subprocess.run([*GIT, "commit", "-qam", "tag"], cwd=repo, check=True)
    tag = [t for c, t in release.plan(repo) if c == "function_retention"][0]
    assert release.check(repo) == []
    body = repo / "functions" / "purge_audit_log.sql"
    released, changed = "batch_size must be a positive number", "batch_size must be 1 or more"
    body.write_text(body.read_text().replace(released, changed))
    problems = release.check(repo)
    assert problems and all("function_retention" in p for p in problems), problems

    plan_before = (repo / "sqitch.plan").read_text()
    release.rework("function_retention", "clearer message", repo)
    # the plan gains one line; older notes keep their text (Sqitch doubled a note's backslash: \d+)
    assert (repo / "sqitch.plan").read_text().startswith(plan_before)
    assert len((repo / "sqitch.plan").read_text().splitlines()) == len(plan_before.splitlines()) + 1
    assert release.check(repo) == []  # the released instance includes the frozen body
    assert released in (repo / "functions" / f"purge_audit_log@{tag}.sql").read_text()
    assert f"purge_audit_log@{tag}.sql" in (repo / "deploy" / f"function_retention@{tag}.sql").read_text()
    assert "purge_audit_log.sql" in (repo / "deploy" / "function_retention.sql").read_text()
    # a reworked deploy must differ in text from the released one (Sqitch refuses a repeated script hash)
    deploy = repo / "deploy" / "function_retention.sql"
    deploy.write_text(deploy.read_text().replace("BEGIN;", "-- Reworked: a clearer message.\nBEGIN;", 1))

    sqitch(repo, scratch_url, "deploy")
    assert changed in purge_source(scratch_url)
    sqitch(repo, scratch_url, "revert", "-y", "--to", f"@{tag}")
    assert released in purge_source(scratch_url)  # the released code, not today's
    sqitch(repo, scratch_url, "deploy")
    assert changed in purge_source(scratch_url)


def latest_release() -> str:
    tags = [t for _, t in release.plan(DB_DIR) if t]
    assert tags, "no release tag in db/sqitch.plan"
    return tags[-1]


def test_an_upgrade_from_the_release_keeps_everything(scratch_url: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The released schema and glue, exactly as tagged (from git), fill a
    registry; `sqitch deploy` of today's plan upgrades it: every row, chain
    head, search answer and mapped record is as it was, every chain
    verifies, and the upgraded registry takes and seals new changes."""
    from populated import assert_whole, fingerprint, populate

    tag = latest_release()
    commit = release._tag_commit(DB_DIR, tag)
    top = DB_DIR.parent
    archive = subprocess.run(["git", "archive", commit, "db", "glue"], cwd=top, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive, check=True)
    sqitch(tmp_path / "db", scratch_url, "deploy", "--verify")
    released_cli = tmp_path / "fieldmap"  # its own entry point: today's console script loads fieldmap.__main__
    released_cli.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m fieldmap.cli "$@"\n')
    released_cli.chmod(0o755)
    with monkeypatch.context() as m:
        m.setenv("PYTHONPATH", str(tmp_path / "glue"))  # the released glue runs the released CLI
        m.setattr(support, "FIELDMAP_EXE", released_cli)
        populate(scratch_url)
    before = fingerprint(scratch_url)
    assert_whole(before)

    sqitch(DB_DIR, scratch_url, "deploy", "--verify")
    after = fingerprint(scratch_url)
    assert {t: n for t, n in after["counts"].items() if t in before["counts"]} == before["counts"]
    assert {k: v for k, v in after.items() if k != "counts"} == {k: v for k, v in before.items() if k != "counts"}
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.set_context('demo', reason => 'after the upgrade', for_session => true)")
        conn.execute("UPDATE fieldmap.field_mappings SET confidence_score = 0.6 "
                     "WHERE id = fieldmap.find_mapping('hubspot', 'contact.email')")
        conn.execute("SELECT fieldmap.seal_audit_chain()")
        assert conn.execute("SELECT bool_and(v.ok) FROM fieldmap.tenants t, "
                            "fieldmap.verify_audit_chain(t.slug, seal => false) v").fetchone()[0]


def test_an_upgrade_over_connector_names_that_are_no_handles_names_them(scratch_url: str) -> None:
    """A registry whose connectors were named from psql before the rule:
    the deploy of trigger_check_connector_name stops, naming each, and goes
    through once they are renamed."""
    sqitch(DB_DIR, scratch_url, "deploy", "--to", "tenant_id_defaults")
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.create_tenant('acme')")
        conn.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                        SELECT id, unnest(ARRAY['Hub Spot', '../x', 'zendesk']), 'file' FROM fieldmap.tenants
                         WHERE slug = 'acme'""")
    out = subprocess.run(["sqitch", "deploy", sqitch_target(scratch_url)], cwd=DB_DIR, capture_output=True, text=True)
    assert out.returncode != 0 and "connector names that are not handles: '../x', 'Hub Spot'" in out.stdout + out.stderr
    with psycopg.connect(scratch_url, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.set_context('acme', for_session => true)")
        conn.execute("UPDATE fieldmap.connector_definitions SET connector_name = 'hubspot' WHERE connector_name = 'Hub Spot'")
        conn.execute("UPDATE fieldmap.connector_definitions SET connector_name = 'x' WHERE connector_name = '../x'")
    sqitch(DB_DIR, scratch_url, "deploy", "--verify")
