"""Synthetic registries for the benchmarks, made in SQL (set-based inserts
through the real triggers): tenants, connectors, a 20-field entity, and
mappings numbered lo..hi per tenant, spread over the tenant's connectors and
50 source tables, each on its own extras.f<i> slot (one active source per
canonical field holds)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
# make bench-quick: every benchmark at a small scale, to show it still runs
QUICK = os.environ.get("FIELDMAP_BENCH_QUICK") == "1"


def scaled(full: int, quick: int) -> int:
    """The size a benchmark uses: full for make bench, quick for make bench-quick."""
    return quick if QUICK else full

SHARED = Path(os.environ.get("FIELDMAP_SHARED", ROOT.parent / "shared"))
ENTITIES_YAML = SHARED / "fixtures" / "canonical-entities.yaml"
LEGACY = SHARED / "fixtures" / "legacy-yaml"

ENTITY = '{"bench": {"fields": {' + ", ".join(f'"f{i}": "string"' for i in range(20)) + "}}}"

TENANTS = """
INSERT INTO fieldmap.tenants (slug, name)
SELECT 'bench-' || g, 'Bench tenant ' || g FROM generate_series(1, %(tenants)s::int) g
"""

CONNECTORS = """
INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
SELECT t.id, 'connector_' || c, 'rest_api'
  FROM fieldmap.tenants t CROSS JOIN generate_series(0, %(connectors)s::int - 1) c
 WHERE t.slug LIKE 'bench-%%'
"""

GROW = """
INSERT INTO fieldmap.field_mappings
  (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field)
SELECT t.id, cd.id, es.id, 'Table' || (i %% 50), 'Field' || i, 'bench', 'extras.f' || i
  FROM fieldmap.tenants t
  CROSS JOIN generate_series(%(lo)s::int, %(hi)s::int) i
  JOIN fieldmap.connector_definitions cd
    ON cd.tenant_id = t.id AND cd.connector_name = 'connector_' || (i %% %(connectors)s::int)
  CROSS JOIN (SELECT id FROM fieldmap.entity_schemas WHERE entity_name = 'bench') es
 WHERE t.slug LIKE 'bench-%%'
"""


def registry(conn: psycopg.Connection, tenants: int, connectors: int) -> None:
    """Tenants bench-1..N, each with connectors connector_0..C-1, and the bench entity."""
    conn.execute(TENANTS, {"tenants": tenants})
    conn.execute(CONNECTORS, {"connectors": connectors})
    conn.execute("SELECT * FROM fieldmap.load_entities(%s::json)", (ENTITY,))


def grow(conn: psycopg.Connection, lo: int, hi: int, connectors: int) -> None:
    """Mappings lo..hi in every bench tenant."""
    conn.execute(GROW, {"lo": lo, "hi": hi, "connectors": connectors})
    conn.execute("ANALYZE")


# A random 384-d vector for each mapping that has none yet, up to `cap`
# vectors in all: search costs the same whatever the model. The subquery
# names fm, so it is evaluated per row (otherwise once, one vector for all).
RANDOM_VECTORS = """
INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector, embedding_model)
SELECT fm.tenant_id, fm.id, fm.source_field,
       ARRAY(SELECT random() - 0.5 FROM generate_series(1, 384) WHERE fm.id IS NOT NULL)::vector, %(model)s
  FROM fieldmap.field_mappings fm
 WHERE %(where)s
   AND NOT EXISTS (SELECT FROM fieldmap.mapping_embeddings e WHERE e.tenant_id = fm.tenant_id
                                                             AND e.field_mapping_id = fm.id)
 LIMIT greatest(0, %(cap)s - (SELECT count(*) FROM fieldmap.mapping_embeddings))
"""
MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def random_vectors(conn: psycopg.Connection, cap: int, where: str = "true") -> None:
    """Stand-in vectors (RANDOM_VECTORS) for the mappings matching `where`, a fixed SQL condition on fm."""
    conn.execute(RANDOM_VECTORS.replace("%(where)s", where), {"model": MODEL, "cap": cap})


# Server-side timers of a tenant's audit queries (milliseconds, in PL/pgSQL so
# that round trips do not count): the last 1,000 changes, median of `runs`;
# mapping_as_of at random audited moments, p95.
AUDIT_TIMERS = """
CREATE OR REPLACE FUNCTION pg_temp.time_last_changes(t uuid, runs int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE d float8[] := '{}'; t0 timestamptz; n int;
BEGIN
  FOR i IN 1..runs LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM (SELECT * FROM fieldmap.audit_log
                                  WHERE tenant_id = t ORDER BY created_at DESC LIMIT 1000) x;
    d := d || extract(epoch FROM clock_timestamp() - t0) * 1000;
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(d) x);
END $$;
CREATE OR REPLACE FUNCTION pg_temp.time_as_of(t uuid, runs int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE d float8[] := '{}'; t0 timestamptz; r record; m fieldmap.field_mappings;
BEGIN
  FOR r IN SELECT a.object_id, a.created_at FROM fieldmap.audit_log a
            WHERE a.tenant_id = t AND a.object_type = 'field_mapping' ORDER BY random() LIMIT runs LOOP
    t0 := clock_timestamp();
    m := fieldmap.mapping_as_of(r.object_id, r.created_at);
    d := d || extract(epoch FROM clock_timestamp() - t0) * 1000;
    IF m.id IS NULL THEN RAISE EXCEPTION 'as_of found nothing'; END IF;
  END LOOP;
  RETURN (SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY x) FROM unnest(d) x);
END $$;
"""


def random_schema_vectors(conn: psycopg.Connection) -> None:
    """Stand-in vectors for the canonical schema's entities and fields (what
    the owner's `fieldmap embed` stores), so that suggest_mapping can run.
    pending_embeddings wants a tenant in context; its mappings are skipped."""
    rng = random.Random(11)
    rows = conn.execute("SELECT kind, key, content_hash FROM fieldmap.pending_embeddings(%s, 100000) "
                        "WHERE kind <> 'mapping'", (MODEL,)).fetchall()
    vectors = ["[" + ",".join(f"{rng.random() - 0.5:.4f}" for _ in range(384)) + "]" for _ in rows]
    conn.execute("SELECT * FROM fieldmap.put_embeddings(%s, %s, %s, %s, %s::text[]::vector[])",
                 (MODEL, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], vectors))


def login_role(conn: psycopg.Connection, url: str, role: str, group: str, tenants_like: str) -> str:
    """A login role (cluster-wide; created if missing) in group, a member of
    the tenants whose slug is LIKE tenants_like; its URL, to connect as it."""
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))
    conn.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) "
                 "SELECT id, %s FROM fieldmap.tenants WHERE slug LIKE %s", (role, tenants_like))
    return make_conninfo(**{**conninfo_to_dict(url), "user": role})


def fieldmap_cli(url: str, *args: str) -> None:
    """The real CLI (this virtualenv's fieldmap) on url's database; its error on failure."""
    exe = Path(sys.executable).parent / "fieldmap"
    out = subprocess.run([str(exe), *args], capture_output=True, text=True, check=False,
                         env={**os.environ, "DATABASE_URL": url})
    if out.returncode != 0:
        raise RuntimeError(f"fieldmap {' '.join(args[:2])} failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
