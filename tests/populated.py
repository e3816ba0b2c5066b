"""A registry with everything a real one holds (two tenants, the legacy
mappings, edits and a restored version, validation results, embeddings,
sealed and unsealed audit rows, a refreshed grid), made through the CLI and
the SQL API as a user would; and its fingerprint, to show that a dump and
restore, or an upgrade, kept all of it."""

from __future__ import annotations

import hashlib
import random

import psycopg
from support import ENTITIES_YAML, LEGACY, fieldmap_cli, legacy_files

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def _vector(content_hash: str) -> str:
    """A stand-in for the model: the same text hash gives the same vector."""
    rng = random.Random(hashlib.sha256(content_hash.encode()).digest())
    return "[" + ",".join(f"{rng.uniform(-1, 1):.5f}" for _ in range(384)) + "]"


QUERY = _vector("a search")


def store_stand_in_vectors(conn: psycopg.Connection) -> None:
    """What `fieldmap embed` stores for the session's tenant (its mappings and
    the canonical schema), with stand-in vectors instead of the model's."""
    while rows := conn.execute("SELECT kind, key, content_hash FROM fieldmap.pending_embeddings(%s, 500)",
                               (MODEL,)).fetchall():
        conn.execute("SELECT * FROM fieldmap.put_embeddings(%s, %s, %s, %s, %s::vector[])",
                     (MODEL, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows],
                      [_vector(r[2]) for r in rows]))


def cli_ok(url: str, *args: str) -> None:
    out = fieldmap_cli(url, *args)
    assert out.returncode == 0, f"fieldmap {' '.join(args)}: {out.stderr}"


def populate(url: str) -> None:
    cli_ok(url, "entities", "load", str(ENTITIES_YAML))
    for tenant in ("demo", "other"):
        cli_ok(url, "tenant", "add", tenant)
    cli_ok(url, "import", "--tenant", "demo", "--reason", "migration", *legacy_files())
    cli_ok(url, "import", "--tenant", "other", str(LEGACY / "salesforce.yaml"), str(LEGACY / "hubspot.yaml"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.set_context('demo', reason => 'review', for_session => true)")
        mapping = conn.execute("SELECT fieldmap.find_mapping('salesforce', 'account.name')").fetchone()[0]
        for confidence in (0.9, 0.8):
            conn.execute("UPDATE fieldmap.field_mappings SET confidence_score = %s WHERE id = %s",
                         (confidence, mapping))
        conn.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,))
        conn.execute("SELECT * FROM fieldmap.validate_mappings('salesforce')").fetchall()
        for tenant in ("demo", "other"):
            conn.execute("SELECT fieldmap.set_context(%s, for_session => true)", (tenant,))
            store_stand_in_vectors(conn)
        conn.execute("SELECT set_config('fieldmap.tenant_id', '', false)")  # no tenant: seal every tenant
        conn.execute("SELECT fieldmap.seal_audit_chain()")
        conn.execute("SELECT * FROM fieldmap.refresh_lineage_grid()").fetchall()
        # and some history after the seal: unsealed rows must survive too
        conn.execute("SELECT fieldmap.set_context('demo', reason => 'after the seal', for_session => true)")
        conn.execute("UPDATE fieldmap.field_mappings SET notes = 'checked' WHERE id = %s", (mapping,))


def fingerprint(url: str) -> dict:
    """Counts of every table, the chain heads, each tenant's chain verified
    (not sealed), a search and a mapped record: equal fingerprints, same registry."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace AND relkind = 'r' "
            "ORDER BY 1").fetchall()]
        out: dict = {"counts": {t: conn.execute(f"SELECT count(*) FROM fieldmap.{t}").fetchone()[0] for t in tables}}
        out["heads"] = conn.execute("SELECT tenant_id, last_hash FROM fieldmap.audit_chain_heads "
                                    "ORDER BY tenant_id").fetchall()
        out["chains"] = {}
        for (slug,) in conn.execute("SELECT slug FROM fieldmap.tenants ORDER BY slug").fetchall():
            ok, checked, unsealed, _, problem = conn.execute(
                "SELECT ok, checked, unsealed, first_broken_pos, problem "
                "FROM fieldmap.verify_audit_chain(%s, seal => false)", (slug,)).fetchone()
            out["chains"][slug] = (ok, checked, unsealed, problem)
        conn.execute("SELECT fieldmap.set_context('demo', for_session => true)")
        out["search"] = conn.execute("SELECT id FROM fieldmap.search_similar(%s::vector, 5)",
                                     (QUERY,)).fetchall()
        out["applied"] = conn.execute("""SELECT fieldmap.apply_mapping('salesforce', 'account',
                                           '{"Id": "001", "Name": " Acme ", "AnnualRevenue": "12.5"}')""").fetchone()
        out["versions"] = conn.execute("SELECT sum(version) FROM fieldmap.field_mappings").fetchone()
    return out


def assert_whole(registry: dict) -> None:
    """A populated registry as populate() leaves it: data in every part, every chain valid."""
    counts = registry["counts"]
    for table in ("field_mappings", "audit_log", "audit_chain", "mapping_embeddings", "mapping_validation_results"):
        assert counts[table] > 0, table
    assert all(ok for ok, *_ in registry["chains"].values()), registry["chains"]
    assert all(checked > 0 for _, checked, *_ in registry["chains"].values()), "every chain sealed"
    assert registry["chains"]["demo"][2] > 0, "and rows written after the seal"
    assert len(registry["search"]) == 5
