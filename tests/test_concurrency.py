"""Concurrent writers on the same mappings: 8 `fieldmap import` processes
import overlapping versions of one connector's file (each gives some fields
other sources) while two application sessions, as a tenant's writer, change
confidences and restore earlier versions of the same mappings. No import
fails and no edit fails but for the retryable codes (imports of one
connector queue on its row; the glue retries one that loses to a
concurrent change, and says so: tests/test_cli.py); afterwards there is one active source per field, every mapping's
version and every audited column's value can be traced to the audit log,
and the tenant's hash chain verifies."""

from __future__ import annotations

import random
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import yaml
from registry import ensure_test_roles, login
from support import fieldmap_cli

FIELDS = ["account_id", "name", "type", "industry", "owner_id", "status", "extras.website", "extras.phone"]
IMPORTERS, ROUNDS, EDITS = 8, 3, 40


def _variant(k: int) -> dict:
    """The crm connector as importer k sees it: the same canonical fields,
    some of them read from another source field, so imports update each
    other's mappings instead of only finding them unchanged."""
    rnd = random.Random(k)
    return {"account": {"source_table": "Account", "fields": {
        f: f"{f.split('.')[-1].title().replace('_', '')}{'_v' + str(rnd.randrange(3)) if i % 2 else ''}"
        for i, f in enumerate(FIELDS)}}}


def _edit(url: str, stop: threading.Event, seed: int) -> list[str]:
    """An application session: confidence changes and restores of version 1,
    each transaction run again when a concurrent one won, as the README's
    error table tells a client to."""
    rnd, errors = random.Random(seed), []
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(EDITS):
            for attempt in range(10):
                try:
                    with conn.transaction():
                        conn.execute("SELECT fieldmap.set_context('demo')")
                        ids = [r[0] for r in conn.execute("SELECT id FROM fieldmap.field_mappings "
                                                          "WHERE status = 'active'").fetchall()]
                        if not ids:
                            break
                        target = rnd.choice(ids)
                        if rnd.random() < 0.7:
                            conn.execute("UPDATE fieldmap.field_mappings SET confidence_score = %s WHERE id = %s",
                                         (round(rnd.random(), 3), target))
                        else:
                            conn.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (target,))
                    break
                except psycopg.Error as exc:
                    if exc.sqlstate not in ("40001", "40P01", "23505", "MR005"):
                        errors.append(f"{exc.sqlstate}: {exc}")
                        break
            if stop.is_set():
                break
    return errors


def test_importers_and_editors_at_once_lose_nothing_and_keep_one_chain(db: psycopg.Connection, demo: str,
                                                                       tmp_path: Path) -> None:
    ensure_test_roles(db)
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) "
               "SELECT id, 'fm_test_writer_a' FROM fieldmap.tenants WHERE slug = 'demo'")
    files = []
    for k in range(IMPORTERS):
        path = tmp_path / f"v{k}" / "crm.yaml"
        path.parent.mkdir()
        path.write_text(yaml.safe_dump(_variant(k)))
        files.append(path)
    assert fieldmap_cli(demo, "import", "--tenant", "demo", str(files[0])).returncode == 0
    writer_url = login(db, "fm_test_writer_a").info.dsn

    def importer(k: int) -> list[subprocess.CompletedProcess]:
        return [fieldmap_cli(demo, "import", "--tenant", "demo", str(files[(k + r) % IMPORTERS]))
                for r in range(ROUNDS)]

    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=IMPORTERS + 2) as pool:
        editors = [pool.submit(_edit, writer_url, stop, seed) for seed in (1, 2)]
        imports = [pool.submit(importer, k) for k in range(IMPORTERS)]
        runs = [run for f in imports for run in f.result()]
        stop.set()
        edit_errors = [e for f in editors for e in f.result()]

    failed = [(r.returncode, r.stderr[-300:]) for r in runs if r.returncode != 0]
    assert failed == [], failed
    assert all("Traceback" not in r.stderr for r in runs)
    assert edit_errors == []
    # one active source per canonical field
    assert db.execute("""SELECT canonical_field, count(*) FROM fieldmap.field_mappings WHERE status = 'active'
                          GROUP BY 1 HAVING count(*) > 1""").fetchall() == []
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings WHERE status = 'active'").fetchone()[0] == len(FIELDS)
    # every mapping's version is its last audited one, and every audited
    # column holds the value its last audit row wrote (or the created row's)
    untraced = db.execute("""
        WITH cols(c) AS (VALUES ('source_table'), ('source_field'), ('canonical_field'), ('transformation_rule'),
                                ('coercion_function'), ('confidence_score'), ('status'), ('validation_status'),
                                ('mapping_source'), ('notes'))
        SELECT f.id, cols.c
          FROM fieldmap.field_mappings f CROSS JOIN cols
         WHERE f.version <> (SELECT max(a.object_version) FROM fieldmap.audit_log a WHERE a.object_id = f.id)
            OR to_jsonb(f) -> cols.c IS DISTINCT FROM coalesce(
                 (SELECT a.new_value FROM fieldmap.audit_log a
                   WHERE a.object_id = f.id AND a.field_changed = cols.c ORDER BY a.seq DESC LIMIT 1),
                 (SELECT a.new_value -> cols.c FROM fieldmap.audit_log a
                   WHERE a.object_id = f.id AND a.field_changed IS NULL AND a.new_value IS NOT NULL
                   ORDER BY a.seq DESC LIMIT 1))""").fetchall()
    assert untraced == []
    # the imports and the edits really changed the same mappings
    imported, edited, restored = db.execute("""
        SELECT count(*) FILTER (WHERE field_changed = 'source_field'),
               count(*) FILTER (WHERE field_changed = 'confidence_score'),
               count(*) FILTER (WHERE action = 'restored')
          FROM fieldmap.audit_log WHERE object_type = 'field_mapping'""").fetchone()
    assert imported > 0 and edited > 0 and restored > 0, (imported, edited, restored)
    intact = db.execute("SELECT bool_and(ok) FROM fieldmap.verify_audit_chain('demo')").fetchone()[0]
    assert intact
