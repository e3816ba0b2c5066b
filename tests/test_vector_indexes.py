"""The HNSW indexes of single tenants and connectors (fieldmap.vector_index_plan
and `fieldmap vector-indexes`): which tenants get one (5,000 vectors up to
half of the model's) and which connectors (2,500 vectors up to a fifth of
the index their tenant is searched through), when one is kept or dropped,
an index left invalid or without its note is made whole, search goes
through it (and searches a small connector exactly), models are judged
apart, the revert takes them away, and only the owner (a login role in
fieldmap_owner, under forced row-level security) may plan or build them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import psycopg
import pytest
from registry import ensure_login_role, ensure_test_roles, login, raises_sqlstate
from support import FIELDMAP_EXE, fieldmap_cli, sqitch, url_for

from fieldmap.errors import FieldmapError
from fieldmap.vector_indexes import Run, _run_step

TINY = "test/tiny-8d"  # a model of 8 dimensions: its vectors go into HNSW indexes 100 times faster than 384
QUOTED = "test/o'tiny-4d"  # a second model, whose name must be quoted in the statements
CONNECTOR_INDEXES = """SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_index x
                         JOIN pg_class c ON c.oid = x.indexrelid
                        WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
                          AND starts_with(c.relname, 'idx_connector_hnsw_') ORDER BY 1"""
TENANT_INDEXES = """SELECT c.relname, x.indisvalid, obj_description(c.oid, 'pg_class') FROM pg_index x
                      JOIN pg_class c ON c.oid = x.indexrelid
                     WHERE x.indrelid = 'fieldmap.mapping_embeddings'::regclass
                       AND starts_with(c.relname, 'idx_tenant_hnsw_') ORDER BY 1"""


def grow(db: psycopg.Connection, slug: str, n: int, model: str = TINY, dims: int = 8, connector: str = "crm") -> None:
    """n more mappings of connector in tenant slug (both made when new), each with a random vector of model."""
    db.execute("SELECT fieldmap.create_tenant(%s) WHERE NOT EXISTS (SELECT FROM fieldmap.tenants WHERE slug = %s)",
               (slug, slug))
    db.execute("SELECT fieldmap.set_context(%s, for_session => true)", (slug,))
    db.execute("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type) "
               "VALUES (fieldmap.current_tenant_id(), %s, 'rest_api') ON CONFLICT DO NOTHING", (connector,))
    db.execute("""WITH added AS (
                    INSERT INTO fieldmap.field_mappings (tenant_id, connector_id, entity_schema_id, source_table,
                                                         source_field, canonical_entity, canonical_field)
                    SELECT c.tenant_id, c.id, s.id, 'T', 'F' || gen_random_uuid(),
                           'opportunity', 'extras.f' || left(md5(random()::text), 12)
                      FROM fieldmap.connector_definitions c, fieldmap.entity_schemas s, generate_series(1, %s) g
                     WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = %s
                       AND s.entity_name = 'opportunity'
                    RETURNING tenant_id, id, source_field)
                  INSERT INTO fieldmap.mapping_embeddings
                         (tenant_id, field_mapping_id, embedding_text, embedding_vector, embedding_model)
                  SELECT a.tenant_id, a.id, a.source_field,
                         -- (d > ... - 99: true, but it ties the draw to the row, so each row has its own)
                         ARRAY(SELECT random() - 0.5 FROM generate_series(1, %s) d
                                WHERE d > length(a.source_field) - 99)::real[]::public.vector, %s
                    FROM added a""", (n, connector, dims, model))


def shrink(db: psycopg.Connection, slug: str, keep: int, connector: str | None = None) -> None:
    """Leaves keep vectors of TINY in tenant slug (of its connector, when one is named)."""
    db.execute("""DELETE FROM fieldmap.mapping_embeddings e USING fieldmap.tenants t
                   WHERE t.id = e.tenant_id AND t.slug = %(slug)s AND e.embedding_model = %(model)s
                     AND (%(connector)s::text IS NULL OR e.connector_id = (
                            SELECT c.id FROM fieldmap.connector_definitions c
                             WHERE c.tenant_id = t.id AND c.connector_name = %(connector)s))
                     AND e.id NOT IN (SELECT e2.id FROM fieldmap.mapping_embeddings e2
                                       WHERE e2.tenant_id = t.id AND e2.embedding_model = %(model)s
                                         AND (%(connector)s::text IS NULL OR e2.connector_id = e.connector_id)
                                       ORDER BY e2.id LIMIT %(keep)s)""",
               {"slug": slug, "model": TINY, "connector": connector, "keep": keep})


def plan(db: psycopg.Connection) -> list[tuple]:
    return db.execute("SELECT action, tenant, vectors FROM fieldmap.vector_index_plan()").fetchall()


def run_plan(db: psycopg.Connection) -> None:
    for (statement,) in db.execute("SELECT statement FROM fieldmap.vector_index_plan()").fetchall():
        db.execute(statement)  # autocommit: CONCURRENTLY runs outside a transaction


@pytest.fixture
def tenants(db: psycopg.Connection) -> psycopg.Connection:
    """mid: 5,000 vectors of TINY (45%), big: 6,000 (55%), small: 50."""
    db.execute("""SELECT * FROM fieldmap.load_entities('{"opportunity": {"fields": {"name": "string"}}}')""")
    db.execute("SELECT fieldmap.add_embedding_model(%s, 8)", (TINY,))
    for slug, n in (("mid", 5000), ("big", 6000), ("small", 50)):
        grow(db, slug, n)
    db.execute("ANALYZE fieldmap.mapping_embeddings")
    return db


def connector_plan(db: psycopg.Connection) -> list[tuple]:
    return db.execute("SELECT action, tenant, connector, vectors FROM fieldmap.vector_index_plan() "
                      "WHERE connector IS NOT NULL").fetchall()


def searched(db: psycopg.Connection, slug: str, filters: dict, query: object) -> tuple[list, list[str]]:
    """The top 5 of search_similar over TINY's vectors, and the plans its statements ran with (auto_explain)."""
    db.execute("SELECT fieldmap.set_context(%s, for_session => true)", (slug,))
    for setting in ("LOAD 'auto_explain'", "SET auto_explain.log_min_duration = 0",
                    "SET auto_explain.log_nested_statements = on", "SET client_min_messages = log"):
        db.execute(setting)
    plans: list[str] = []

    def log(notice: psycopg.errors.Diagnostic) -> None:
        plans.append(notice.message_primary or "")
    db.add_notice_handler(log)
    try:
        found = [r[0] for r in db.execute("SELECT id FROM fieldmap.search_similar(%s, 5, %s)",
                                          (query, json.dumps({"model": TINY, **filters}))).fetchall()]
    finally:
        db.execute("SET client_min_messages = notice")
        db.remove_notice_handler(log)
    return found, plans


def exact(db: psycopg.Connection, slug: str, connector: str, query: str) -> list:
    return [r[0] for r in db.execute(
        """SELECT e.field_mapping_id FROM fieldmap.mapping_embeddings e
             JOIN fieldmap.tenants t ON t.id = e.tenant_id
             JOIN fieldmap.connector_definitions c ON c.tenant_id = t.id AND c.id = e.connector_id
            WHERE t.slug = %s AND c.connector_name = %s AND e.embedding_model = %s
            ORDER BY e.embedding_vector OPERATOR(public.<=>) %s::public.vector, e.field_mapping_id LIMIT 5""",
        (slug, connector, TINY, query)).fetchall()]


def test_a_tenant_of_5000_vectors_up_to_half_gets_its_own_index_and_search_uses_it(tenants: psycopg.Connection) -> None:
    assert plan(tenants) == [("create", "mid", 5000), ("comment", "mid", 5000)]
    run_plan(tenants)
    assert plan(tenants) == []
    (name, valid, note), = tenants.execute(TENANT_INDEXES).fetchall()
    assert valid and "tenant mid only" in note
    # search_similar's own query goes through it (its plan, logged as it runs)
    mid = tenants.execute("SELECT id FROM fieldmap.tenants WHERE slug = 'mid'").fetchone()[0]
    own = tenants.execute("SELECT field_mapping_id, embedding_vector FROM fieldmap.mapping_embeddings "
                          "WHERE tenant_id = %s ORDER BY id LIMIT 1", (mid,)).fetchone()
    found, plans = searched(tenants, "mid", {}, own[1])
    assert found[0] == own[0]
    assert any(f"Index Scan using {name}" in p for p in plans), plans
    # the revert takes the tenants' indexes away with the plan
    url = url_for(tenants.info.dbname)
    sqitch(url, "revert", "-y", "--to", "function_propose_mappings")
    assert tenants.execute(TENANT_INDEXES).fetchall() == []
    sqitch(url, "deploy", "--verify")
    assert plan(tenants) == [("create", "mid", 5000), ("comment", "mid", 5000)]


def test_a_connector_with_a_small_share_gets_its_own_index_and_a_small_one_is_searched_exactly(
        tenants: psycopg.Connection) -> None:
    grow(tenants, "big", 2500, connector="erp")  # big: 8,600 of 16,250 (the model's index); erp: 15% of that
    grow(tenants, "big", 100, connector="files")
    grow(tenants, "small", 2600, connector="erp")  # a small share too, but its tenant is searched exactly
    tenants.execute("ANALYZE fieldmap.mapping_embeddings")
    assert connector_plan(tenants) == [("create", "big", "erp", 2500), ("comment", "big", "erp", 2500)]
    out = fieldmap_cli(url_for(tenants.info.dbname), "vector-indexes", "--dry-run")
    assert f"tenant big, connector erp, 2,500 vectors (15% of its tenant's search index, {TINY})" in out.stdout
    # a progress line that cannot be written (stderr full) stops nothing
    with open("/dev/full", "w") as full:
        built = subprocess.run([str(FIELDMAP_EXE), "vector-indexes"], stdout=subprocess.PIPE, stderr=full, text=True,
                               env={**os.environ, "DATABASE_URL": url_for(tenants.info.dbname)})
    assert built.returncode == 0 and "connector erp" in built.stdout
    assert plan(tenants) == []
    (name, note), = tenants.execute(CONNECTOR_INDEXES).fetchall()
    assert "connector erp of tenant big only" in note
    for connector, index in (("erp", name), ("files", "idx_embedding_connector_model")):
        query = tenants.execute("""SELECT e.embedding_vector::text FROM fieldmap.mapping_embeddings e
                                     JOIN fieldmap.connector_definitions c ON c.id = e.connector_id
                                    WHERE c.connector_name = %s ORDER BY e.id LIMIT 1""", (connector,)).fetchone()[0]
        found, plans = searched(tenants, "big", {"connector": connector}, query)
        assert any(f"Index Scan using {index} " in p or f"Index Scan on {index} " in p for p in plans), (connector, plans)
        assert found == exact(tenants, "big", connector, query), connector  # (8 dimensions: HNSW finds all five)
    # kept down to 1,250 vectors; dropped below, and when its vectors are all gone
    shrink(tenants, "big", 1250, "erp")
    assert connector_plan(tenants) == []
    shrink(tenants, "big", 1249, "erp")
    assert connector_plan(tenants) == [("drop", "big", "erp", 1249)]
    # its vectors all gone, then its connector too: the drop still names the connector, not a tenant
    big_erp = "(SELECT c.id FROM fieldmap.connector_definitions c JOIN fieldmap.tenants t ON t.id = c.tenant_id " \
              "WHERE t.slug = 'big' AND c.connector_name = 'erp')"
    tenants.execute(f"DELETE FROM fieldmap.mapping_embeddings WHERE connector_id = {big_erp}")
    assert connector_plan(tenants) == [("drop", "big", "erp", 0)]
    tenants.execute(f"DELETE FROM fieldmap.field_mappings WHERE connector_id = {big_erp}")
    erp_id = tenants.execute(big_erp).fetchone()[0]
    tenants.execute("DELETE FROM fieldmap.connector_definitions WHERE id = %s", (erp_id,))
    assert connector_plan(tenants) == [("drop", None, str(erp_id), 0)]
    out = fieldmap_cli(url_for(tenants.info.dbname), "vector-indexes", "--dry-run")
    assert f"connector {erp_id} (deleted), 0 vectors" in out.stdout and "None" not in out.stdout
    # the revert takes the connectors' indexes away with the plan
    url = url_for(tenants.info.dbname)
    sqitch(url, "revert", "-y", "--to", "function_propose_mappings")
    assert tenants.execute(CONNECTOR_INDEXES).fetchall() == []
    sqitch(url, "deploy", "--verify")


def test_an_index_dropped_by_another_session_during_a_run_is_named_as_such(db: psycopg.Connection) -> None:
    """The README's psql steps outside the lock can drop an index the CLI is
    building: its next step must say so, not that fieldmap is not deployed."""
    step = {"action": "comment", "index_name": "idx_tenant_hnsw_00000000_00000000000000000000000000000000",
            "statement": "COMMENT ON INDEX fieldmap.idx_tenant_hnsw_00000000_00000000000000000000000000000000 IS 'x'",
            "tenant": "acme", "connector": None, "vectors": 5000}
    with pytest.raises(FieldmapError) as caught:
        _run_step(db, step, Run(), progress=False)
    assert "was dropped by another session while this run built it" in caught.value.message
    assert "not deployed" not in caught.value.message


def test_models_are_judged_apart_and_a_quoted_name_is_quoted(tenants: psycopg.Connection) -> None:
    tenants.execute("SELECT fieldmap.add_embedding_model(%s, 4)", (QUOTED,))
    for slug in ("small", "big"):  # half each of QUOTED's vectors
        grow(tenants, slug, 5000, QUOTED, 4)
    assert sorted(plan(tenants)) == sorted([("create", "big", 5000), ("comment", "big", 5000),
                                            ("create", "mid", 5000), ("comment", "mid", 5000),
                                            ("create", "small", 5000), ("comment", "small", 5000)])
    run_plan(tenants)
    assert plan(tenants) == [] and len(tenants.execute(TENANT_INDEXES).fetchall()) == 3


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


def test_an_index_left_invalid_or_without_its_note_is_made_whole(tenants: psycopg.Connection) -> None:
    run_plan(tenants)
    tenants.execute("COMMENT ON INDEX fieldmap.%s IS NULL" % tenants.execute(TENANT_INDEXES).fetchone()[0])
    assert plan(tenants) == [("comment", "mid", 5000)]  # a run stopped between the build and the note
    run_plan(tenants)
    # what CREATE INDEX CONCURRENTLY leaves when it is interrupted
    tenants.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid IN "
                    "(SELECT oid FROM pg_class WHERE starts_with(relname, 'idx_tenant_hnsw_'))")
    assert plan(tenants) == [("drop", "mid", 5000), ("create", "mid", 5000), ("comment", "mid", 5000)]
    assert "vectors    0 HNSW indexes to build, 0 to drop, 1 to build again (left invalid, or being built now)" \
        in fieldmap_cli(url_for(tenants.info.dbname), "status").stdout
    shrink(tenants, "mid", 2000)  # invalid and no longer wanted: dropped, not built again
    assert plan(tenants) == [("drop", "mid", 2000)]
    grow(tenants, "mid", 3000)
    run_plan(tenants)
    assert plan(tenants) == []
    # a tenant without vectors of the model any more: named still (from the index's name)
    tenants.execute("DELETE FROM fieldmap.mapping_embeddings WHERE tenant_id = (SELECT id FROM fieldmap.tenants "
                    "WHERE slug = 'mid')")
    assert plan(tenants) == [("drop", "mid", 0)]


def vector_indexes(url: str, *args: str) -> tuple[int, dict]:
    out = fieldmap_cli(url, "vector-indexes", "--json", *args)
    assert "Traceback" not in out.stderr
    return out.returncode, json.loads(out.stdout)


def test_the_owner_builds_them_once_with_the_cli_and_an_app_role_may_not(tenants: psycopg.Connection) -> None:
    ensure_login_role(tenants, "fm_test_deployer", "fieldmap_owner")  # not a superuser: row-level security applies
    url = url_for(tenants.info.dbname, user="fm_test_deployer")
    # a step that fails says how far the run got; the next run takes up from there
    tenants.execute("ALTER ROLE fm_test_deployer SET lock_timeout = '200ms'")
    try:
        with login(tenants, "postgres") as other, other.transaction():  # what a concurrent build would hold
            other.execute("LOCK TABLE fieldmap.mapping_embeddings IN SHARE UPDATE EXCLUSIVE MODE")
            out = fieldmap_cli(url, "vector-indexes", "--json")
    finally:
        tenants.execute("ALTER ROLE fm_test_deployer RESET lock_timeout")
    error = json.loads(out.stderr.strip().splitlines()[-1])["error"]
    assert out.returncode == 3 and error["where"].startswith("idx_tenant_hnsw_"), error
    assert "create failed after 0 steps done (those stand; a next run does the rest)" in error["message"]
    assert "lock timeout" in error["message"]
    rc, dry = vector_indexes(url, "--dry-run")
    assert rc == 0 and dry["dry_run"] and [(s["action"], s["tenant"]) for s in dry["steps"]] == [
        ("create", "mid"), ("comment", "mid")]
    assert plan(tenants) != []
    status = json.loads(fieldmap_cli(url, "status", "--json").stdout)
    assert [(r["action"], r["tenant"]) for r in status["vector_indexes"]] == [("create", "mid")]
    with login(tenants, "postgres") as other:  # a second run while one holds the lock does nothing
        other.execute("SELECT pg_advisory_lock(hashtext('fieldmap vector-indexes'))")
        rc, skipped = vector_indexes(url)
        assert rc == 0 and skipped["skipped"] and plan(tenants) != []
        assert vector_indexes(url, "--dry-run")[1]["steps"]  # a dry run needs no lock
    rc, built = vector_indexes(url)
    assert rc == 0 and [(s["action"], s["tenant"]) for s in built["steps"]] == [("create", "mid"), ("comment", "mid")]
    assert all(s["seconds"] >= 0 for s in built["steps"])
    rc, again = vector_indexes(url)
    assert rc == 0 and again["steps"] == []
    out = fieldmap_cli(url, "vector-indexes")
    assert out.returncode == 0 and out.stdout.strip() == "every tenant and connector has the vector indexes it needs"
    assert "every tenant and connector has the HNSW indexes it needs" in fieldmap_cli(url, "status").stdout
    # an app role may neither plan nor build them, and status leaves the line out
    ensure_test_roles(tenants)
    with login(tenants, "fm_test_writer_a") as writer:
        with raises_sqlstate("42501", "permission denied for function vector_index_plan"):
            writer.execute("SELECT * FROM fieldmap.vector_index_plan()")
    as_writer = url_for(tenants.info.dbname, user="fm_test_writer_a")
    assert json.loads(fieldmap_cli(as_writer, "status", "--json").stdout)["vector_indexes"] is None
    assert "vectors    (the HNSW index plan needs the owner's rights)" in fieldmap_cli(as_writer, "status").stdout
    out = fieldmap_cli(as_writer, "vector-indexes")
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert "permission denied for function vector_index_plan" in out.stderr and "vector indexes the owner" in out.stderr


def test_sigterm_cancels_the_build_on_the_server(tenants: psycopg.Connection) -> None:
    """timeout, systemd and cron stop a command with SIGTERM: the build it
    started must not go on running (and holding its lock) on the server."""
    url = url_for(tenants.info.dbname)
    with login(tenants, "postgres") as other, other.transaction():  # the build waits for this lock
        other.execute("LOCK TABLE fieldmap.mapping_embeddings IN SHARE UPDATE EXCLUSIVE MODE")
        cli = subprocess.Popen([str(FIELDMAP_EXE), "vector-indexes", "--json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env={**os.environ, "DATABASE_URL": url})
        for _ in range(100):  # until its CREATE INDEX waits on the server
            if tenants.execute("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX%%' "
                               "AND wait_event_type = 'Lock')").fetchone()[0]:
                break
            time.sleep(0.1)
        cli.send_signal(signal.SIGTERM)
        _, err = cli.communicate(timeout=30)
    assert cli.returncode == 130 and json.loads(err.strip().splitlines()[-1])["error"]["code"] == "interrupted"
    assert not tenants.execute("SELECT EXISTS (SELECT FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX%%' "
                               "AND state = 'active')").fetchone()[0]


def test_a_vector_put_stores_is_searched_exactly_until_the_cron_job_indexes_it(tenants: psycopg.Connection) -> None:
    """put_embeddings stores unindexed (an HNSW insert costs more than the
    encode: embedding_index_deferred); a large tenant's search, through the
    index, still finds such a vector, and index_new_embeddings, batch by
    batch, moves it into the index, where search finds it too."""
    db = tenants
    db.execute("SELECT fieldmap.set_context('big', for_session => true)")
    db.execute("""INSERT INTO fieldmap.field_mappings (connector_id, entity_schema_id, source_table, source_field,
                                                       canonical_entity, canonical_field)
                  SELECT c.id, s.id, 'T', 'New' || g, 'opportunity', 'extras.new' || g
                    FROM fieldmap.connector_definitions c, fieldmap.entity_schemas s, generate_series(1, 3) g
                   WHERE c.tenant_id = fieldmap.current_tenant_id() AND c.connector_name = 'crm'
                     AND s.entity_name = 'opportunity'""")
    todo = db.execute("SELECT key, content_hash FROM fieldmap.pending_embeddings(%s, 10) WHERE kind = 'mapping' "
                      "ORDER BY key", (TINY,)).fetchall()
    assert len(todo) == 3
    far = ["[9,9,9,9,9,9,9,%s]" % (9 + i) for i in range(3)]  # far from the random vectors, near one another
    assert db.execute("SELECT * FROM fieldmap.put_embeddings(%s, %s, %s, %s, %s::public.vector[])",
                      (TINY, ["mapping"] * 3, [k for k, _ in todo], [h for _, h in todo], far)).fetchone() == (3, 0)
    unindexed = "SELECT count(*) FROM fieldmap.mapping_embeddings WHERE NOT indexed"
    assert db.execute(unindexed).fetchone()[0] == 3
    found, plans = searched(db, "big", {}, far[0])  # 6,000 vectors: through the model's HNSW index
    assert [str(f) for f in found[:3]] == [k for k, _ in todo], found
    assert any("Index Scan using idx_embedding_hnsw_" in p for p in plans), plans
    assert any("idx_embedding_unindexed" in p for p in plans), plans
    # filtered on the mappings: each waiting vector's mapping is looked up by its key, not joined
    found, plans = searched(db, "big", {"entity": "opportunity", "min_confidence": 0.0, "status": "active"}, far[0])
    assert [str(f) for f in found[:3]] == [k for k, _ in todo], found
    assert any("Index Scan using field_mappings_pkey" in p for p in plans), plans
    # what pg_cron's job calls (test below), batch by batch; then the index alone finds them
    db.execute("RESET fieldmap.tenant_id")
    # as an owner login (not a superuser: row security is forced), batch by batch; an app role may not
    ensure_login_role(db, "fm_test_deployer", "fieldmap_owner")
    ensure_login_role(db, "fm_test_embedder", "fieldmap_writer")
    with login(db, "fm_test_embedder") as writer:
        with raises_sqlstate("42501", "permission denied for function index_new_embeddings"):
            writer.execute("SELECT fieldmap.index_new_embeddings(2)")
    with login(db, "fm_test_deployer") as owner:
        assert [owner.execute("SELECT fieldmap.index_new_embeddings(2)").fetchone()[0] for _ in range(3)] == [2, 1, 0]
        with raises_sqlstate("MR001", "batch_size must be a positive number"):
            owner.execute("SELECT fieldmap.index_new_embeddings(0)")
    assert db.execute(unindexed).fetchone()[0] == 0
    found, plans = searched(db, "big", {}, far[0])
    assert [str(f) for f in found[:3]] == [k for k, _ in todo], found
    # a vector stored again (put_embeddings' ON CONFLICT branch) leaves the index until the job indexes it again
    db.execute("SELECT fieldmap.set_context('big', for_session => true)")
    assert db.execute("SELECT * FROM fieldmap.put_embeddings(%s, ARRAY['mapping'], %s, %s, %s::public.vector[])",
                      (TINY, [todo[0][0]], [todo[0][1]], [far[1]])).fetchone() == (1, 0)
    assert db.execute("SELECT indexed, embedding_vector::text FROM fieldmap.mapping_embeddings "
                      "WHERE field_mapping_id = %s", (todo[0][0],)).fetchone() == (False, far[1])


def test_the_cron_job_indexes_batch_by_batch_each_committed_until_none_wait(db: psycopg.Connection) -> None:
    """pg_cron's job is index_new_embeddings_for: a batch, COMMIT, again,
    until none wait or its seconds are spent, so that a million waiting
    vectors are not indexed 5,000 a minute and a rename waits for one batch
    at most. As an owner login (row security is forced); an app role may
    not; inside a transaction block PostgreSQL refuses its COMMIT."""
    db.execute("""SELECT * FROM fieldmap.load_entities('{"opportunity": {"fields": {"name": "string"}}}')""")
    db.execute("SELECT fieldmap.add_embedding_model(%s, 8)", (TINY,))
    grow(db, "small", 7)
    waiting = "SELECT count(*) FROM fieldmap.mapping_embeddings WHERE NOT indexed"
    db.execute("UPDATE fieldmap.mapping_embeddings SET indexed = false")  # as put_embeddings stores them
    assert any(c == "CALL fieldmap.index_new_embeddings_for(50, 500)" for (c,) in
               db.execute("SELECT command FROM fieldmap.cron_jobs()").fetchall())
    ensure_login_role(db, "fm_test_deployer", "fieldmap_owner")
    ensure_login_role(db, "fm_test_embedder", "fieldmap_writer")
    with login(db, "fm_test_embedder") as writer:
        with raises_sqlstate("42501", "permission denied for procedure index_new_embeddings_for"):
            writer.execute("CALL fieldmap.index_new_embeddings_for(0, 2)")
    with login(db, "fm_test_deployer") as owner:
        # a batch is batch_size: picked as an IN sub-select, the planner re-ran it for each row it updated
        assert owner.execute("SELECT fieldmap.index_new_embeddings(2)").fetchone()[0] == 2
        assert db.execute(waiting).fetchone()[0] == 5
        told: list[str] = []
        owner.add_notice_handler(lambda notice: told.append(notice.message_primary or ""))
        owner.execute("CALL fieldmap.index_new_embeddings_for(0, 2)")  # no time: one batch
        assert db.execute(waiting).fetchone()[0] == 3
        assert told[-1] == "indexed 2 vectors; more wait (the time ran out): CALL it again"
        left = [r[0] for r in db.execute("SELECT id FROM fieldmap.mapping_embeddings WHERE NOT indexed").fetchall()]
        owner.execute("CALL fieldmap.index_new_embeddings_for(60, 2)")  # 2, then 1 (fewer than a batch: done)
        assert db.execute(waiting).fetchone()[0] == 0
        assert told[-1] == "indexed 3 vectors; none left to index"
        # a transaction a batch: the three rows this call indexed were written by two
        assert db.execute("SELECT count(DISTINCT xmin::text) FROM fieldmap.mapping_embeddings WHERE id = ANY(%s)",
                          (left,)).fetchone()[0] == 2
        for args, message in (("-1", "seconds must be 0 or more, not -1"), ("NULL", "seconds must be 0 or more, not NULL"),
                              ("10, 0", "batch_size must be a positive number, not 0"),
                              ("10, NULL", "batch_size must be a positive number, not NULL")):
            with raises_sqlstate("MR001", message):
                owner.execute(f"CALL fieldmap.index_new_embeddings_for({args})")
        with owner.transaction(), raises_sqlstate("2D000", "invalid transaction termination"):
            owner.execute("CALL fieldmap.index_new_embeddings_for()")
