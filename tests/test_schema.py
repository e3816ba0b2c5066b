"""The Phase-0 schema as corrected: every seed table and column with its
intended type, and the constraints that keep bad rows out."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from registry import raises_sqlstate

V = "character varying"
TS = "timestamp with time zone"

# table -> column -> type (format_type). Seed columns plus the additions that
# design.md asks for (tenant_id in every tenant table; embedding_dims).
EXPECTED: dict[str, dict[str, str]] = {
    "tenants": {"id": "uuid", "slug": "fieldmap.handle", "name": f"{V}(255)", "status": f"{V}(50)",
                "settings": "jsonb", "created_at": TS, "updated_at": TS},
    "users": {"tenant_id": "uuid", "id": "uuid", "email": f"{V}(320)", "display_name": f"{V}(255)",
              "status": f"{V}(50)", "created_at": TS, "updated_at": TS},
    "connector_definitions": {
        "tenant_id": "uuid", "id": "uuid", "connector_name": f"{V}(255)", "connector_type": f"{V}(50)",
        "description": "text", "metadata": "jsonb", "status": f"{V}(50)", "created_at": TS,
        "created_by": "uuid", "updated_at": TS},
    "entity_schemas": {
        "id": "uuid", "entity_name": f"{V}(255)", "entity_version": f"{V}(50)", "schema_definition": "jsonb",
        "description": "text", "created_at": TS},
    "field_mappings": {
        "tenant_id": "uuid", "id": "uuid", "connection_id": "uuid", "connector_id": "uuid",
        "entity_schema_id": "uuid", "source_table": f"{V}(255)", "source_field": f"{V}(255)",
        "source_data_type": f"{V}(100)", "canonical_entity": f"{V}(255)", "canonical_field": f"{V}(255)",
        "canonical_data_type": f"{V}(100)", "mapping_type": f"{V}(50)", "transformation_rule": "jsonb",
        "coercion_function": f"{V}(255)", "confidence_score": "double precision",
        "validation_status": f"{V}(50)", "success_rate": "double precision",
        "avg_processing_time_ms": "integer", "error_count": "integer", "last_validated_at": TS,
        "mapping_source": f"{V}(50)", "version": "integer", "status": f"{V}(50)", "notes": "text",
        "created_at": TS, "created_by": "uuid", "updated_at": TS, "updated_by": "uuid"},
    "mapping_embeddings": {
        "tenant_id": "uuid", "id": "uuid", "field_mapping_id": "uuid", "embedding_text": "text",
        "embedding_vector": "vector", "embedding_model": f"{V}(100)", "embedding_dims": "integer",
        "metadata": "jsonb", "created_at": TS, "content_hash": "text", "connector_id": "uuid",
        "indexed": "boolean"},
    "embedding_models": {"name": f"{V}(100)", "dims": "integer", "description": "text", "created_at": TS},
    "schema_embeddings": {
        "embedding_model": f"{V}(100)", "entity_name": f"{V}(255)", "field_name": f"{V}(255)",
        "embedding_text": "text", "content_hash": "text", "embedding_vector": "vector", "created_at": TS},
    "audit_log": {
        "tenant_id": "uuid", "id": "uuid", "seq": "bigint", "object_type": "fieldmap.audit_object_type",
        "object_id": "uuid", "object_version": "integer", "action": "fieldmap.audit_action",
        "field_changed": f"{V}(255)", "old_value": "jsonb", "new_value": "jsonb", "changed_by": "uuid",
        "change_reason": "text", "confidence_delta": "double precision", "ip_address": "inet",
        "user_agent": "text", "trace_id": f"{V}(255)", "created_at": TS, "txid": "xid8", "erased_at": TS},
    "audit_chain": {
        "tenant_id": "uuid", "chain_pos": "bigint", "audit_id": "uuid", "row_hash": "bytea",
        "personal_digest": "bytea", "chain_hash": "bytea", "sealed_at": TS},
    "audit_chain_heads": {
        "tenant_id": "uuid", "last_pos": "bigint", "last_hash": "bytea", "horizon": "xid8",
        "checkpoint_pos": "bigint", "checkpoint_hash": "bytea", "sealed_at": TS},
    "tenant_members": {"tenant_id": "uuid", "id": "uuid", "role_name": "name", "created_at": TS},
    "transforms": {"name": "text", "description": "text", "output_type": "text", "rule_keys": "text[]",
                   "required_keys": "text[]"},
    "currencies": {"code": "text", "name": "text", "numeric_code": "text"},
    "phone_countries": {"country": "text", "calling_code": "text", "trunk_prefix": "text"},
    "type_compatibility": {"source_type": "text", "canonical_type": "text", "verdict": "text", "advice": "text"},
    "range_rules": {"entity_name": "text", "field_name": "text", "min_value": "numeric", "max_value": "numeric",
                    "iso4217": "boolean", "note": "text"},
    "connector_samples": {"tenant_id": "uuid", "id": "uuid", "connector_id": "uuid", "entity": "text",
                          "record": "jsonb", "created_at": TS},
    "grid_refresh_state": {"one": "boolean", "covered_seq": "bigint", "pending_xids": "xid8[]",
                           "last_refresh_at": TS, "last_duration_ms": "double precision", "last_rows": "bigint",
                           "refreshes": "bigint"},
    "mapping_validation_results": {
        "tenant_id": "uuid", "id": "uuid", "field_mapping_id": "uuid", "validation_type": f"{V}(50)",
        "validation_status": f"{V}(50)", "error_message": "text", "sample_input": "jsonb",
        "sample_output": "jsonb", "test_count": "integer", "pass_count": "integer", "fail_count": "integer",
        "duration_ms": "double precision", "validated_at": TS, "validated_by": "uuid"},
    "mv_mapping_lineage_grid": {
        "id": "uuid", "tenant_id": "uuid", "source_system": f"{V}(255)", "source_table": f"{V}(255)",
        "source_field": f"{V}(255)", "target_entity": f"{V}(255)", "target_field": f"{V}(255)",
        "mapping_type": f"{V}(50)", "confidence_score": "double precision", "transformation_rule": "jsonb",
        "validation_status": f"{V}(50)", "success_rate": "double precision", "avg_processing_time_ms": "integer",
        "error_count": "integer", "mapping_source": f"{V}(50)", "status": f"{V}(50)", "created_at": TS,
        "updated_at": TS, "created_by_email": f"{V}(320)", "updated_by_email": f"{V}(320)"},
}

TENANT_TABLES = ["users", "connector_definitions", "field_mappings", "mapping_embeddings",
                 "audit_log", "mapping_validation_results", "audit_chain", "tenant_members", "connector_samples"]


def columns(db: psycopg.Connection, table: str) -> dict[str, str]:
    rows = db.execute(
        """SELECT a.attname, format_type(a.atttypid, a.atttypmod)
             FROM pg_attribute a
            WHERE a.attrelid = ('fieldmap.' || %s)::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum""", (table,)).fetchall()
    return dict(rows)


@pytest.mark.parametrize("table", sorted(EXPECTED))
def test_table_has_exactly_the_intended_columns(db: psycopg.Connection, table: str) -> None:
    assert columns(db, table) == EXPECTED[table]


def test_no_unexpected_tables(db: psycopg.Connection) -> None:
    rows = db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                          AND relkind IN ('r', 'p', 'm')""").fetchall()
    assert {r[0] for r in rows} == set(EXPECTED)


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_every_unique_and_foreign_key_of_a_tenant_table_includes_tenant_id(db: psycopg.Connection, table: str) -> None:
    rows = db.execute(
        """SELECT conname, contype,
                  (SELECT array_agg(attname::text) FROM pg_attribute
                    WHERE attrelid = c.conrelid AND attnum = ANY (c.conkey)) AS cols,
                  confrelid::regclass::text
             FROM pg_constraint c
            WHERE conrelid = ('fieldmap.' || %s)::regclass AND contype IN ('p', 'u', 'f')""", (table,)).fetchall()
    assert rows
    for name, kind, cols, target in rows:
        if kind == "f" and target in ("fieldmap.entity_schemas", "fieldmap.embedding_models"):
            continue  # shared reference data, not a tenant table
        if kind == "f" and target == "fieldmap.tenants":
            continue  # the tenant key itself
        assert "tenant_id" in cols, f"{table}.{name} ({kind}) lacks tenant_id: {cols}"
    # unique indexes that are not constraints (partial ones) too
    unique = db.execute("""SELECT i.indexrelid::regclass::text,
                                  (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0])
                             FROM pg_index i WHERE i.indrelid = ('fieldmap.' || %s)::regclass AND i.indisunique""",
                        (table,)).fetchall()
    for index, first in unique:
        assert first == "tenant_id", f"{index} does not lead with tenant_id"


def test_every_tenant_table_is_keyed_and_guarded_by_its_tenant(db: psycopg.Connection) -> None:
    """What distributing by tenant_id (Citus, docs/scaling path) relies on,
    for every table that has a tenant_id, found from the catalog so a new
    table cannot slip past: forced row-level security; every primary and
    unique key, unique index and foreign key leads with tenant_id, but for
    foreign keys to shared reference tables (those without a tenant_id)."""
    tables = {r[0]: (r[1], r[2]) for r in db.execute("""
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
         WHERE c.relnamespace = 'fieldmap'::regnamespace AND c.relkind IN ('r', 'p')""").fetchall()}
    assert set(TENANT_TABLES) <= set(tables), set(TENANT_TABLES) - set(tables)
    unguarded = sorted(t for t, (rls, forced) in tables.items() if not (rls and forced))
    assert unguarded == [], f"tenant tables without forced row-level security: {unguarded}"
    keys = db.execute("""
        SELECT c.conrelid::regclass::text, c.conname, c.contype::text,
               (SELECT attname FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = c.conkey[1]),
               EXISTS (SELECT FROM pg_attribute WHERE attrelid = c.confrelid AND attname = 'tenant_id')
          FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
         WHERE t.relnamespace = 'fieldmap'::regnamespace AND t.relname = ANY (%s) AND c.contype IN ('p', 'u', 'f')
        UNION ALL
        SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, 'unique index',
               (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid AND attnum = i.indkey[0]), true
          FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = 'fieldmap'::regnamespace AND t.relname = ANY (%s) AND i.indisunique""",
                      (list(tables), list(tables))).fetchall()
    assert len(keys) >= 2 * len(tables)
    astray = [(table, name, kind, first) for table, name, kind, first, to_tenant_table in keys
              if first != "tenant_id" and not (kind == "f" and not to_tenant_table)]
    assert astray == [], f"keys that do not lead with tenant_id: {astray}"


def test_no_index_is_a_prefix_of_another(db: psycopg.Connection) -> None:
    # A btree whose columns lead another btree of the same table costs every
    # write and can mislead the planner: the (tenant_id, connector_id) index
    # beside the lookup key made each lookup read a whole connector's rows.
    redundant = db.execute("""
        SELECT a.indexrelid::regclass::text, b.indexrelid::regclass::text
          FROM pg_index a
          JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
          JOIN pg_class ca ON ca.oid = a.indexrelid
          JOIN pg_class cb ON cb.oid = b.indexrelid
         WHERE ca.relnamespace = 'fieldmap'::regnamespace
           AND ca.relam = cb.relam
           AND NOT a.indisunique AND a.indpred IS NULL AND a.indexprs IS NULL
           AND b.indpred IS NULL AND b.indexprs IS NULL
           AND a.indnkeyatts <= b.indnkeyatts
           AND (a.indkey::int2[])[0:a.indnkeyatts - 1] = (b.indkey::int2[])[0:a.indnkeyatts - 1]""").fetchall()
    assert redundant == [], f"indexes that lead others (drop them): {redundant}"


def test_a_mapping_lookup_uses_its_whole_key(db: psycopg.Connection, registry: dict) -> None:
    # 50 tenants x 4 connectors x 50 fields, with statistics as after an
    # import and autovacuum: one probe on all four key columns, no filter.
    # (At 100k mappings a (tenant_id, connector_id) index beside the key won
    # the tie, both estimated at one row, and each lookup read a connector's
    # 100 rows; test_no_index_is_a_prefix_of_another keeps such indexes out.)
    db.execute("""INSERT INTO fieldmap.tenants (slug, name) SELECT 'lk-' || t, 'Lookup ' || t
                    FROM generate_series(1, 49) t""")
    db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                  SELECT t.id, 'c' || c, 'rest_api' FROM fieldmap.tenants t CROSS JOIN generate_series(1, 4) c
                   WHERE t.slug LIKE 'lk-%%' OR t.id = %(tenant)s""", registry)
    db.execute("""INSERT INTO fieldmap.field_mappings (tenant_id, connector_id, entity_schema_id, source_table,
                                                      source_field, canonical_entity, canonical_field)
                  SELECT cd.tenant_id, cd.id, %(entity)s, 'T' || (f %% 5), 'F' || f, 'account', 'extras.f' || f
                    FROM fieldmap.connector_definitions cd CROSS JOIN generate_series(1, 50) f
                   WHERE cd.connector_name LIKE 'c_'""", registry)
    db.execute("ANALYZE fieldmap.field_mappings")
    plan = "\n".join(r[0] for r in db.execute("""
        EXPLAIN SELECT fm.id FROM fieldmap.field_mappings fm
          JOIN fieldmap.connector_definitions cd ON cd.tenant_id = fm.tenant_id AND cd.id = fm.connector_id
         WHERE fm.tenant_id = %(tenant)s AND cd.connector_name = 'c3'
           AND fm.source_table = 'T3' AND fm.source_field = 'F13'""", registry).fetchall())
    mappings_scan = plan.split("on field_mappings fm", 1)[1]  # the last node of the plan
    assert plan.count("idx_mapping_source_field on field_mappings fm") == 1 and "Filter" not in mappings_scan, plan


def test_every_table_view_function_trigger_and_policy_is_commented(db: psycopg.Connection) -> None:
    missing = db.execute(
        """SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'fieldmap'::regnamespace
              AND c.relkind IN ('r', 'm') AND obj_description(c.oid, 'pg_class') IS NULL
           UNION ALL
           SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'fieldmap'::regnamespace
              AND obj_description(p.oid, 'pg_proc') IS NULL
           UNION ALL
           SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE c.relnamespace = 'fieldmap'::regnamespace AND NOT t.tgisinternal
              AND obj_description(t.oid, 'pg_trigger') IS NULL
           UNION ALL
           SELECT p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
            WHERE c.relnamespace = 'fieldmap'::regnamespace AND obj_description(p.oid, 'pg_policy') IS NULL
           UNION ALL
           SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'fieldmap'::regnamespace AND c.relkind = 'v'
              AND obj_description(c.oid, 'pg_class') IS NULL
           UNION ALL  -- and every column of every table and view (\\d+ documents the registry)
           SELECT c.relname || '.' || a.attname FROM pg_class c
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relnamespace = 'fieldmap'::regnamespace AND c.relkind IN ('r', 'v', 'm')
              AND col_description(c.oid, a.attnum) IS NULL""").fetchall()
    assert missing == []


# --- constraints ---------------------------------------------------------

@pytest.fixture
def registry(db: psycopg.Connection, tenant: uuid.UUID) -> dict:
    """A tenant with one connector and one canonical entity."""
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json)",
               ('{"account": {"fields": {"account_id": "string!", "name": "string"}}}',))
    entity = db.execute("SELECT id FROM fieldmap.entity_schemas WHERE entity_name = 'account'").fetchone()[0]
    connector = db.execute(
        """INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
           VALUES (%s, 'salesforce', 'rest_api') RETURNING id""", (tenant,)).fetchone()[0]
    return {"tenant": tenant, "entity": entity, "connector": connector}


def insert_mapping(db: psycopg.Connection, r: dict, **overrides: object) -> None:
    row = {"tenant_id": r["tenant"], "connector_id": r["connector"], "entity_schema_id": r["entity"],
           "source_table": "Account", "source_field": "Id", "canonical_entity": "account",
           "canonical_field": "account_id", **overrides}
    cols = ", ".join(row)
    vals = ", ".join(f"%({k})s" for k in row)
    db.execute(f"INSERT INTO fieldmap.field_mappings ({cols}) VALUES ({vals})", row)


def test_a_good_mapping_is_accepted_with_its_defaults(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry)
    row = db.execute("""SELECT mapping_type, confidence_score, validation_status, mapping_source, version, status
                          FROM fieldmap.field_mappings""").fetchone()
    assert row == ("direct", 1.0, "pending", "manual", 1, "active")


@pytest.mark.parametrize(("overrides", "constraint"), [
    ({"status": "retired"}, "field_mappings_status_check"),
    ({"confidence_score": 1.5}, "field_mappings_confidence_check"),
    ({"confidence_score": -0.1}, "field_mappings_confidence_check"),
    ({"mapping_type": "magic"}, "field_mappings_mapping_type_check"),
    ({"validation_status": "ok"}, "field_mappings_validation_status_check"),
    ({"mapping_source": "guess"}, "field_mappings_mapping_source_check"),
    ({"success_rate": 2.0}, "field_mappings_success_rate_check"),
    ({"error_count": -1}, "field_mappings_error_count_check"),
    ({"source_field": "  "}, "field_mappings_names_check"),
    ({"tenant_id": uuid.uuid4()}, "field_mappings_tenant_id_fkey"),
    ({"connector_id": uuid.uuid4()}, "field_mappings_connector_fkey"),
])
def test_bad_mapping_rows_are_rejected(db: psycopg.Connection, registry: dict, overrides: dict,
                                        constraint: str) -> None:
    with pytest.raises(psycopg.errors.IntegrityError) as exc:
        insert_mapping(db, registry, **overrides)
    assert exc.value.diag.constraint_name == constraint


def test_a_canonical_field_has_one_active_source_also_without_a_connection(db: psycopg.Connection,
                                                                           registry: dict) -> None:
    insert_mapping(db, registry)
    for other_source in ({}, {"source_field": "OtherId"}, {"source_table": "Other", "source_field": "OtherId"}):
        with pytest.raises(psycopg.errors.UniqueViolation) as exc:
            insert_mapping(db, registry, **other_source)  # connection_id NULL twice: the same connector-wide field
        assert exc.value.diag.constraint_name == "unique_active_mapping"
    conn_a, conn_b = uuid.uuid4(), uuid.uuid4()
    insert_mapping(db, registry, connection_id=conn_a)
    insert_mapping(db, registry, connection_id=conn_b)  # per-connection mappings are distinct
    with pytest.raises(psycopg.errors.UniqueViolation):
        insert_mapping(db, registry, connection_id=conn_a)
    # deprecated and pending mappings of the field may stand beside the active one
    insert_mapping(db, registry, source_field="OldId", status="deprecated")
    insert_mapping(db, registry, source_field="SuggestedId", status="pending_review")
    # and one source field may feed several canonical fields
    insert_mapping(db, registry, canonical_field="name")
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings WHERE status = 'active'").fetchone()[0] == 4


def test_a_canonical_field_must_be_one_its_entity_has(db: psycopg.Connection, registry: dict) -> None:
    # written from psql, a misspelt target was stored: apply_mapping emitted
    # the unknown key and export wrote a file import refuses. The import
    # applies the same rule (one helper), entry by entry
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json, '1.1.0')",
               ('{"account": {"fields": {"account_id": "string!", "name": "string", "extras": "object"}}}',))
    v11 = db.execute("SELECT id FROM fieldmap.entity_schemas WHERE entity_version = '1.1.0'").fetchone()[0]
    for field, said in (("nmae", 'unknown canonical field "nmae" (did you mean "name"?)'),
                        ("extras", 'unknown canonical field "extras" (only fields of account, or extras.<name>)'),
                        ("extras.", 'unknown canonical field "extras."'),
                        ("extras.a b", 'unknown canonical field "extras.a b"'),  # a slot's name: no white space
                        ("extras.a.b", 'unknown canonical field "extras.a.b"')):  # nor a dot
        with raises_sqlstate("MR001", re.escape(f"Account.Id -> account.{field}: {said}")):
            insert_mapping(db, registry, entity_schema_id=v11, canonical_field=field)  # INSERT
    for field in ("extras", "extras.a b", "extras.a.b"):
        assert db.execute("SELECT problem FROM fieldmap.parse_mapping_doc(%s::jsonb)",
                          (f'{{"account": {{"fields": {{"{field}": "X"}}}}}}',)).fetchone()[0].startswith(
            f'entity "account", field "{field}": unknown canonical field "{field}"')
    insert_mapping(db, registry, entity_schema_id=v11, canonical_field="extras.region")
    insert_mapping(db, registry, entity_schema_id=v11)
    mapping = db.execute("SELECT id FROM fieldmap.field_mappings WHERE canonical_field = 'account_id'").fetchone()[0]
    with raises_sqlstate("MR001", '"acount_id" \\(did you mean "account_id"'):  # UPDATE
        db.execute("UPDATE fieldmap.field_mappings SET canonical_field = 'acount_id' WHERE id = %s", (mapping,))
    # a row stored before the rule (the trigger off) may still be written, target unchanged (no-op UPDATE)
    db.execute("ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _20_check_canonical_field")
    db.execute("UPDATE fieldmap.field_mappings SET canonical_field = 'gone' WHERE id = %s", (mapping,))
    db.execute("ALTER TABLE fieldmap.field_mappings ENABLE TRIGGER _20_check_canonical_field")
    db.execute("UPDATE fieldmap.field_mappings SET canonical_field = canonical_field, notes = 'n' WHERE id = %s",
               (mapping,))
    with raises_sqlstate("MR001", 'canonical entity "acount" is not the entity of its schema version'
                                  ' \\(did you mean "account"'):  # the foreign key named only itself
        db.execute("UPDATE fieldmap.field_mappings SET canonical_entity = 'acount' WHERE id = %s", (mapping,))
    with raises_sqlstate("MR001", '"gone"'):  # moved to another schema version: checked
        db.execute("UPDATE fieldmap.field_mappings SET entity_schema_id = %s WHERE id = %s", (registry["entity"], mapping))


def test_a_mapping_cannot_use_another_tenants_connector(db: psycopg.Connection, registry: dict) -> None:
    other = db.execute("INSERT INTO fieldmap.tenants (slug, name) VALUES ('globex', 'Globex') RETURNING id").fetchone()[0]
    with pytest.raises(psycopg.errors.ForeignKeyViolation) as exc:
        insert_mapping(db, registry, tenant_id=other)
    assert exc.value.diag.constraint_name == "field_mappings_connector_fkey"


@pytest.mark.parametrize(("sql", "constraint"), [
    ("INSERT INTO fieldmap.tenants (slug, name) VALUES ('Bad Slug', 'x')", "handle_check"),
    ("INSERT INTO fieldmap.tenants (slug, name, status) VALUES ('t2', 'x', 'gone')", "tenants_status_check"),
    ("INSERT INTO fieldmap.tenants (slug, name) VALUES ('acme', 'again')", "tenants_slug_key"),
    ("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)"
     " VALUES (%(t)s, 'x', 'ftp')", "connector_definitions_type_check"),
    ("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type, status)"
     " VALUES (%(t)s, 'x', 'file', 'dead')", "connector_definitions_status_check"),
    ("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)"
     " VALUES (%(t)s, 'salesforce', 'file')", "unique_tenant_connector"),
    ("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)"
     " VALUES (gen_random_uuid(), 'x', 'file')", "connector_definitions_tenant_id_fkey"),
    ("INSERT INTO fieldmap.users (tenant_id, email) VALUES (%(t)s, 'not-an-email')", "users_email_check"),
    ("INSERT INTO fieldmap.audit_log (tenant_id, object_type, object_id, action)"
     " VALUES (%(t)s, 'connector', gen_random_uuid(), 'edited')", "audit_action_check"),
    ("INSERT INTO fieldmap.audit_log (tenant_id, object_type, object_id, action)"
     " VALUES (%(t)s, 'widget', gen_random_uuid(), 'created')", "audit_object_type_check"),
    ("INSERT INTO fieldmap.entity_schemas (entity_name, schema_definition) VALUES ('x', '[]')",
     "entity_schemas_definition_check"),
    ("INSERT INTO fieldmap.entity_schemas (entity_name, entity_version, schema_definition)"
     " VALUES ('x', 'v1', '{\"type\": \"object\", \"properties\": {}}')", "entity_schemas_version_check"),
])
def test_other_bad_rows_are_rejected(db: psycopg.Connection, registry: dict, sql: str, constraint: str) -> None:
    with pytest.raises(psycopg.errors.IntegrityError) as exc:
        db.execute(sql, {"t": registry["tenant"]})
    assert exc.value.diag.constraint_name == constraint


def test_audit_log_inserts_carry_no_per_statement_expressions(db: psycopg.Connection) -> None:
    # every audited UPDATE inserts into the log; the executor re-reads table
    # CHECKs and generated-column expressions from the catalog at each INSERT
    # statement (bench_audit: ~3 and ~1.3 points of single-row throughput), so
    # the log's rules are domains and its mapping is object_id, not a copy
    checks, generated = db.execute("""
        SELECT (SELECT count(*) FROM pg_constraint WHERE conrelid = 'fieldmap.audit_log'::regclass AND contype = 'c'),
               (SELECT count(*) FROM pg_attribute WHERE attrelid = 'fieldmap.audit_log'::regclass
                                                   AND attgenerated <> '' AND NOT attisdropped)""").fetchone()
    assert (checks, generated) == (0, 0)


def test_validation_result_counts_are_checked(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry)
    mid = db.execute("SELECT id FROM fieldmap.field_mappings").fetchone()[0]
    sql = """INSERT INTO fieldmap.mapping_validation_results
               (tenant_id, field_mapping_id, validation_type, validation_status, test_count, pass_count, fail_count)
             VALUES (%s, %s, %s, %s, %s, %s, %s)"""
    db.execute(sql, (registry["tenant"], mid, "type_check", "passed", 3, 2, 1))
    for bad, constraint in [(("type_check", "passed", 1, 2, 0), "mapping_validation_results_counts_check"),
                            (("smell_test", "passed", 1, 1, 0), "mapping_validation_results_type_check"),
                            (("type_check", "meh", 1, 1, 0), "mapping_validation_results_status_check")]:
        with pytest.raises(psycopg.errors.CheckViolation) as exc:
            db.execute(sql, (registry["tenant"], mid, *bad))
        assert exc.value.diag.constraint_name == constraint


def test_audit_rows_outlive_their_mapping(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry)
    mid = db.execute("SELECT id FROM fieldmap.field_mappings").fetchone()[0]
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mid,))
    actions = db.execute("SELECT action FROM fieldmap.audit_log"
                         " WHERE object_type = 'field_mapping' AND object_id = %s ORDER BY seq",
                         (mid,)).fetchall()
    assert actions == [("created",), ("deleted",)]


def test_version_and_stamps_are_set_by_the_database(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry, version=7, created_by=uuid.uuid4(), created_at="2001-01-01")
    row = db.execute("SELECT version, created_by, created_at > now() - interval '1 minute'"
                     " FROM fieldmap.field_mappings").fetchone()
    assert row == (1, None, True)


def test_embeddings_record_model_and_dimension(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry)
    mid = db.execute("SELECT id FROM fieldmap.field_mappings").fetchone()[0]
    vec = "[" + ",".join(["0.1"] * 384) + "]"
    db.execute("""INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector)
                  VALUES (%s, %s, 'Id -> account.account_id', %s::vector)""", (registry["tenant"], mid, vec))
    # a second model for the same mapping may coexist, with its own dimension, once registered
    db.execute("SELECT fieldmap.add_embedding_model('test/tiny-3d', 3)")
    db.execute("""INSERT INTO fieldmap.mapping_embeddings
                    (tenant_id, field_mapping_id, embedding_text, embedding_vector, embedding_model)
                  VALUES (%s, %s, 'Id -> account.account_id', '[1,2,3]', 'test/tiny-3d')""", (registry["tenant"], mid))
    dims = db.execute("SELECT embedding_model, embedding_dims FROM fieldmap.mapping_embeddings ORDER BY 1").fetchall()
    assert dims == [("sentence-transformers/all-MiniLM-L6-v2", 384), ("test/tiny-3d", 3)]
    with pytest.raises(psycopg.Error) as exc:  # each model's dimension, checked by _10_check_dims
        db.execute("""UPDATE fieldmap.mapping_embeddings SET embedding_vector = '[1,2,3]'
                       WHERE embedding_model = 'sentence-transformers/all-MiniLM-L6-v2'""")
    assert exc.value.sqlstate == "MR001" and "384" in str(exc.value)
    # embeddings are derived data: they go with their mapping
    db.execute("DELETE FROM fieldmap.field_mappings WHERE id = %s", (mid,))
    assert db.execute("SELECT count(*) FROM fieldmap.mapping_embeddings").fetchone()[0] == 0


def test_minilm_similarity_search_can_use_the_hnsw_index(db: psycopg.Connection) -> None:
    db.execute("SET enable_seqscan = off")  # the table is empty; ask whether the index *can* serve
    text = "\n".join(r[0] for r in db.execute("""
        EXPLAIN SELECT id FROM fieldmap.mapping_embeddings
         WHERE embedding_model = 'sentence-transformers/all-MiniLM-L6-v2' AND indexed
         ORDER BY embedding_vector::vector(384) <=> array_fill(0.1, ARRAY[384])::vector(384) LIMIT 10""").fetchall())
    assert "idx_embedding_vector_minilm" in text


def test_lineage_grid_refreshes_concurrently_with_active_mappings_only(db: psycopg.Connection, registry: dict) -> None:
    insert_mapping(db, registry)
    insert_mapping(db, registry, source_field="Name", canonical_field="name", status="deprecated")
    db.execute("SELECT fieldmap.refresh_lineage_grid()")
    rows = db.execute("SELECT source_system, source_field, target_entity, target_field"
                      " FROM fieldmap.mv_mapping_lineage_grid").fetchall()
    assert rows == [("salesforce", "Id", "account", "account_id")]


@pytest.mark.parametrize("name", ["../../escape", "/tmp/abs", "HubSpot ", "hub spot", "", "a" * 64])
def test_a_connector_name_must_be_a_handle(db: psycopg.Connection, registry: dict, name: str) -> None:
    """It names the connector's mapping file: from psql, a path made export
    write outside its directory, and 'HubSpot ' a file import refuses."""
    with raises_sqlstate("MR001", "connector name .* is invalid"):
        db.execute("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)"
                   " VALUES (%s, %s, 'file')", (registry["tenant"], name))
    with raises_sqlstate("MR001", "connector name .* is invalid"):
        db.execute("UPDATE fieldmap.connector_definitions SET connector_name = %s WHERE id = %s",
                   (name, registry["connector"]))


def test_the_connector_name_trigger_passes_good_names_and_old_rows(db: psycopg.Connection, registry: dict) -> None:
    """Every branch: a handle is stored and renamed to; an UPDATE that leaves
    the name alone passes, even of a row stored with the trigger off; a
    delete is not checked; a NULL is left to NOT NULL."""
    db.execute("UPDATE fieldmap.connector_definitions SET connector_name = 'sales-force_2' WHERE id = %s",
               (registry["connector"],))
    db.execute("ALTER TABLE fieldmap.connector_definitions DISABLE TRIGGER _05_check_connector_name")
    old = db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                        VALUES (%s, 'Old Name', 'file') RETURNING id""", (registry["tenant"],)).fetchone()[0]
    db.execute("ALTER TABLE fieldmap.connector_definitions ENABLE TRIGGER _05_check_connector_name")
    db.execute("UPDATE fieldmap.connector_definitions SET description = 'kept' WHERE id = %s", (old,))
    db.execute("UPDATE fieldmap.connector_definitions SET connector_name = connector_name WHERE id = %s", (old,))
    db.execute("DELETE FROM fieldmap.connector_definitions WHERE id = %s", (old,))
    assert db.execute("SELECT connector_name FROM fieldmap.connector_definitions").fetchall() == [("sales-force_2",)]
    with pytest.raises(psycopg.errors.NotNullViolation):  # a NULL name: the column's own rule says so
        db.execute("INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)"
                   " VALUES (%s, NULL, 'file')", (registry["tenant"],))
