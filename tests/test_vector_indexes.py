"""The HNSW indexes of single tenants (fieldmap.vector_index_plan and
`fieldmap vector-indexes`): which tenants get one (5,000 vectors up to half
of the model's), when one is dropped (under 2,500, over three quarters, its
tenant gone), an index left invalid by an interrupted build is built again,
search then goes through it, and only the owner may plan or build them."""

from __future__ import annotations

import json

import psycopg
import pytest
from registry import ensure_test_roles, login, raises_sqlstate
from support import fieldmap_cli, url_for

TINY = "test/tiny-8d"  # a model of 8 dimensions: its vectors go into HNSW indexes 100 times faster than 384


def grow(db: psycopg.Connection, slug: str, n: int) -> None:
    """n more mappings in tenant slug (made when new), each with a random vector of TINY."""
    db.execute("SELECT fieldmap.create_tenant(%s) WHERE NOT EXISTS (SELECT FROM fieldmap.tenants WHERE slug = %s)",
               (slug, slug))
    db.execute("SELECT fieldmap.set_context(%s, for_session => true)", (slug,))
    db.execute("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type) "
               "VALUES (fieldmap.current_tenant_id(), 'crm', 'rest_api') ON CONFLICT DO NOTHING")
    db.execute("""WITH added AS (
                    INSERT INTO fieldmap.field_mappings (tenant_id, connector_id, entity_schema_id, source_table,
                                                         source_field, canonical_entity, canonical_field)
                    SELECT c.tenant_id, c.id, s.id, 'T', 'F' || gen_random_uuid(),
                           'opportunity', 'extras.f' || left(md5(random()::text), 12)
                      FROM fieldmap.connector_definitions c, fieldmap.entity_schemas s, generate_series(1, %s) g
                     WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = 'crm'
                       AND s.entity_name = 'opportunity'
                    RETURNING tenant_id, id, source_field)
                  INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector,
                                                           embedding_model)
                  SELECT a.tenant_id, a.id, a.source_field,
                         ARRAY(SELECT random() - 0.5 FROM generate_series(1, 8) d WHERE d > length(a.source_field) - 99)
                           ::real[]::public.vector, %s
                    FROM added a""", (n, TINY))


def plan(db: psycopg.Connection) -> list[tuple]:
    return db.execute("SELECT action, tenant, vectors FROM fieldmap.vector_index_plan()").fetchall()


def run_plan(db: psycopg.Connection) -> None:
    for (statement,) in db.execute("SELECT statement FROM fieldmap.vector_index_plan()").fetchall():
        db.execute(statement)  # autocommit: CONCURRENTLY runs outside a transaction


def shrink(db: psycopg.Connection, slug: str, keep: int) -> None:
    db.execute("""DELETE FROM fieldmap.mapping_embeddings e USING fieldmap.tenants t
                   WHERE t.id = e.tenant_id AND t.slug = %s
                     AND e.id NOT IN (SELECT e2.id FROM fieldmap.mapping_embeddings e2 WHERE e2.tenant_id = t.id
                                       ORDER BY e2.id LIMIT %s)""", (slug, keep))


@pytest.fixture
def tenants(db: psycopg.Connection) -> psycopg.Connection:
    """mid: 5,000 vectors (45%), big: 6,000 (55%), small: 50."""
    db.execute("""SELECT * FROM fieldmap.load_entities('{"opportunity": {"fields": {"name": "string"}}}')""")
    db.execute("SELECT fieldmap.add_embedding_model(%s, 8)", (TINY,))
    for slug, n in (("mid", 5000), ("big", 6000), ("small", 50)):
        grow(db, slug, n)
    db.execute("ANALYZE fieldmap.mapping_embeddings")
    return db


def test_a_tenant_with_5000_vectors_up_to_half_gets_its_own_index_and_search_uses_it(tenants: psycopg.Connection) -> None:
    assert plan(tenants) == [("create", "mid", 5000), ("comment", "mid", 5000)]
    run_plan(tenants)
    assert plan(tenants) == []
    index = tenants.execute("""SELECT c.relname, x.indisvalid, obj_description(c.oid, 'pg_class') FROM pg_index x
                                 JOIN pg_class c ON c.oid = x.indexrelid
                                WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
                                  AND c.relname LIKE 'idx\\_tenant\\_hnsw\\_%'""").fetchall()
    assert len(index) == 1 and index[0][1] and "tenant mid only" in index[0][2]
    # the query search_similar plans for a tenant over the exact-search limit
    mid = tenants.execute("SELECT id FROM fieldmap.tenants WHERE slug = 'mid'").fetchone()[0]
    shape = (f"EXPLAIN SELECT e.field_mapping_id FROM fieldmap.mapping_embeddings e "
             f"WHERE e.tenant_id = '{mid}' AND e.embedding_model = '{TINY}' AND e.embedding_vector IS NOT NULL "
             f"ORDER BY e.embedding_vector::public.vector(8) OPERATOR(public.<=>) "
             f"(SELECT embedding_vector FROM fieldmap.mapping_embeddings LIMIT 1)::public.vector(8) LIMIT 30")
    assert index[0][0] in "\n".join(r[0] for r in tenants.execute(shape).fetchall())
    # and finds the nearest: a vector of mid's own comes back first
    tenants.execute("SELECT fieldmap.set_context('mid', for_session => true)")
    own = tenants.execute("SELECT field_mapping_id, embedding_vector FROM fieldmap.mapping_embeddings "
                          "WHERE tenant_id = %s ORDER BY id LIMIT 1", (mid,)).fetchone()
    found = tenants.execute("SELECT id FROM fieldmap.search_similar(%s, 5, %s)", (own[1], json.dumps({"model": TINY})))
    assert found.fetchone()[0] == own[0]


def test_an_index_is_kept_near_the_limits_and_dropped_beyond_them(tenants: psycopg.Connection) -> None:
    run_plan(tenants)
    # kept between half and three quarters, and between 2,500 and 5,000
    # vectors, so that a tenant near a limit does not see it built and dropped in turn
    shrink(tenants, "big", 2000)  # mid: 5,000 of 7,050
    assert plan(tenants) == []
    shrink(tenants, "big", 1500)  # 5,000 of 6,550: the model's index serves it well
    assert plan(tenants) == [("drop", "mid", 5000)]
    grow(tenants, "big", 4500)
    shrink(tenants, "mid", 3000)
    assert plan(tenants) == []
    shrink(tenants, "mid", 2000)  # searched exactly now
    assert plan(tenants) == [("drop", "mid", 2000)]
    run_plan(tenants)
    assert plan(tenants) == []
    grow(tenants, "mid", 4500)  # 6,500 of 12,550: over half, no index; big now has less than half
    assert plan(tenants) == [("create", "big", 6000), ("comment", "big", 6000)]


def test_an_index_left_invalid_is_built_again_and_a_gone_tenants_is_dropped(tenants: psycopg.Connection) -> None:
    run_plan(tenants)
    # what CREATE INDEX CONCURRENTLY leaves when it is interrupted
    tenants.execute("""UPDATE pg_index SET indisvalid = false
                        WHERE indexrelid IN (SELECT oid FROM pg_class WHERE relname LIKE 'idx\\_tenant\\_hnsw\\_%')""")
    assert plan(tenants) == [("drop", "mid", 5000), ("create", "mid", 5000), ("comment", "mid", 5000)]
    run_plan(tenants)
    assert plan(tenants) == []
    tenants.execute("""DELETE FROM fieldmap.mapping_embeddings WHERE tenant_id = (SELECT id FROM fieldmap.tenants
                                                                                  WHERE slug = 'mid')""")
    assert plan(tenants) == [("drop", None, None)]


def vector_indexes(url: str, *args: str) -> tuple[int, dict]:
    out = fieldmap_cli(url, "vector-indexes", "--json", *args)
    assert "Traceback" not in out.stderr
    return out.returncode, json.loads(out.stdout)


def test_the_cli_builds_them_once_a_dry_run_builds_nothing_and_only_the_owner_may(tenants: psycopg.Connection) -> None:
    url = url_for(tenants.info.dbname)
    rc, dry = vector_indexes(url, "--dry-run")
    assert rc == 0 and dry["dry_run"] and [s["action"] for s in dry["steps"]] == ["create", "comment"]
    assert plan(tenants) != []
    status = json.loads(fieldmap_cli(url, "status", "--json").stdout)
    assert [(r["action"], r["tenant"]) for r in status["vector_indexes"]] == [("create", "mid")]
    with login(tenants, "postgres") as other:  # a second run while one holds the lock does nothing
        other.execute("SELECT pg_advisory_lock(hashtext('fieldmap vector-indexes'))")
        rc, skipped = vector_indexes(url)
        assert rc == 0 and skipped["skipped"] and plan(tenants) != []
    rc, built = vector_indexes(url)
    assert rc == 0 and [(s["action"], s["tenant"]) for s in built["steps"]] == [("create", "mid"), ("comment", "mid")]
    assert all(s["seconds"] >= 0 for s in built["steps"])
    rc, again = vector_indexes(url)
    assert rc == 0 and again["steps"] == []
    out = fieldmap_cli(url, "vector-indexes")
    assert out.returncode == 0 and out.stdout.strip() == "every tenant has the vector indexes it needs"
    assert "every tenant has the HNSW indexes it needs" in fieldmap_cli(url, "status").stdout
    # only the owner plans or builds them
    ensure_test_roles(tenants)
    tenants.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) SELECT id, 'fm_test_writer_a' "
                    "FROM fieldmap.tenants WHERE slug = 'mid'")
    with login(tenants, "fm_test_writer_a") as writer:
        with raises_sqlstate("42501", "permission denied for function vector_index_plan"):
            writer.execute("SELECT * FROM fieldmap.vector_index_plan()")
    as_writer = url_for(tenants.info.dbname, user="fm_test_writer_a")
    assert json.loads(fieldmap_cli(as_writer, "status", "--json").stdout)["vector_indexes"] is None
    out = fieldmap_cli(as_writer, "vector-indexes")
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert "permission denied for function vector_index_plan" in out.stderr and "vector indexes the owner" in out.stderr
