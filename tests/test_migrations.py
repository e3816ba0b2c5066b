"""The Sqitch changes: they deploy, revert and redeploy to the same schema,
and every verify script fails when its object is missing or wrong."""

from __future__ import annotations

import psycopg
import pytest
from support import DB_DIR, pg_dump_schema, plan_changes, psql, sqitch, url_for


def test_deploy_revert_deploy_leaves_the_same_schema(scratch_url: str) -> None:
    sqitch(scratch_url, "deploy", "--verify")
    first = pg_dump_schema(scratch_url)
    assert "CREATE TABLE fieldmap.field_mappings" in first

    sqitch(scratch_url, "revert", "-y")
    with psycopg.connect(scratch_url) as c:
        assert c.execute("SELECT to_regnamespace('fieldmap')").fetchone()[0] is None, "revert left schema fieldmap"
        assert c.execute("SELECT count(*) FROM pg_extension WHERE extname IN ('vector', 'pg_trgm')").fetchone()[0] == 0
    sqitch(scratch_url, "deploy", "--verify")
    assert pg_dump_schema(scratch_url) == first


def test_verify_passes_on_a_deployed_database(db_url: str) -> None:
    out = sqitch(db_url, "verify")
    assert "Verify successful" in out.stdout


IMPORT_ARGS = "text, jsonb, text, boolean, boolean, text, text, text, text, boolean"

# How to break each change's object (drop it, or make it wrong). Every change
# in sqitch.plan must appear here, so a new change cannot ship an untested verify.
BREAKS: dict[str, list[str]] = {
    "roles": ["ALTER ROLE fieldmap_reader LOGIN", "ALTER ROLE fieldmap_auditor BYPASSRLS"],
    "schema_fieldmap": [
        "DROP SCHEMA fieldmap CASCADE",
        "ALTER SCHEMA fieldmap OWNER TO postgres",
        "REVOKE USAGE ON SCHEMA fieldmap FROM fieldmap_reader",
        "ALTER DEFAULT PRIVILEGES FOR ROLE fieldmap_owner GRANT EXECUTE ON FUNCTIONS TO PUBLIC",
    ],
    "extensions": ["DROP EXTENSION vector CASCADE", "DROP EXTENSION pg_trgm CASCADE"],
    "extension_pg_cron": None,  # tested in the cron database below
    "domain_handle": [
        "ALTER DOMAIN fieldmap.handle DROP CONSTRAINT handle_check",
        "CREATE OR REPLACE FUNCTION fieldmap.is_handle(value text) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT true'",
    ],
    "table_tenants": ["DROP TABLE fieldmap.tenants CASCADE", "ALTER TABLE fieldmap.tenants DROP COLUMN settings"],
    "table_users": ["DROP TABLE fieldmap.users CASCADE", "REVOKE SELECT ON fieldmap.users FROM fieldmap_reader"],
    "table_entity_schemas": ["DROP TABLE fieldmap.entity_schemas CASCADE", "ALTER TABLE fieldmap.entity_schemas DROP CONSTRAINT unique_entity_version"],
    "table_connector_definitions": [
        "DROP TABLE fieldmap.connector_definitions CASCADE",
        "GRANT INSERT ON fieldmap.connector_definitions TO fieldmap_reader",
    ],
    "table_field_mappings": [
        "DROP TABLE fieldmap.field_mappings CASCADE",
        "ALTER TABLE fieldmap.field_mappings DROP COLUMN connection_id CASCADE",
        "DROP INDEX fieldmap.idx_mapping_source",
        "DROP INDEX fieldmap.unique_active_mapping",
        "DROP INDEX fieldmap.unique_active_mapping; CREATE UNIQUE INDEX unique_active_mapping"
        " ON fieldmap.field_mappings (tenant_id, connector_id, connection_id, canonical_entity, canonical_field)"
        " WHERE status = 'active'",
    ],
    "table_mapping_embeddings": [
        "DROP TABLE fieldmap.mapping_embeddings CASCADE",
        "DROP INDEX fieldmap.idx_embedding_vector_minilm",
        "ALTER TABLE fieldmap.mapping_embeddings DROP CONSTRAINT unique_embedding_mapping",
    ],
    "table_audit_log": [
        "DROP TABLE fieldmap.audit_log CASCADE",
        "GRANT UPDATE ON fieldmap.audit_log TO fieldmap_writer",
        "ALTER TABLE fieldmap.audit_log ADD FOREIGN KEY (tenant_id, object_id)"
        " REFERENCES fieldmap.field_mappings (tenant_id, id) ON DELETE CASCADE",
        "ALTER DOMAIN fieldmap.audit_action DROP CONSTRAINT audit_action_check",
    ],
    "table_mapping_validation_results": [
        "DROP TABLE fieldmap.mapping_validation_results CASCADE",
        "DROP INDEX fieldmap.idx_validation_status",
    ],
    "view_mv_mapping_lineage_grid": [
        "DROP MATERIALIZED VIEW fieldmap.mv_mapping_lineage_grid CASCADE",
        "DROP INDEX fieldmap.idx_mv_lineage_pk",
        "GRANT SELECT ON fieldmap.mv_mapping_lineage_grid TO fieldmap_writer",
    ],
    "function_load_entities": [
        "DROP FUNCTION fieldmap.load_entities(json, text)",
        "DROP FUNCTION fieldmap._entity_field_schema(text) CASCADE",
        "GRANT EXECUTE ON FUNCTION fieldmap.load_entities(json, text) TO fieldmap_writer",
        "GRANT EXECUTE ON FUNCTION fieldmap._entity_field_schema(text) TO PUBLIC",
    ],
    "table_tenant_members": [
        "DROP TABLE fieldmap.tenant_members CASCADE",
        "GRANT SELECT ON fieldmap.tenant_members TO fieldmap_writer",
    ],
    "function_context": [
        # the released _resolve_tenant, which offered no did-you-mean
        "SELECT 1;\n\\i functions/_resolve_tenant@v0.1.0.sql\nSELECT 1",
        "DROP FUNCTION fieldmap.set_context(text, uuid, text, text, boolean)",
        "DROP FUNCTION fieldmap._may_act_for(uuid) CASCADE",
        "GRANT EXECUTE ON FUNCTION fieldmap._may_act_for(uuid) TO fieldmap_writer",
        "ALTER FUNCTION fieldmap.set_context(text, uuid, text, text, boolean) SECURITY INVOKER",
        "ALTER FUNCTION fieldmap.set_context(text, uuid, text, text, boolean) RESET ALL",
        # the released body, which raised for a membership whose role was dropped
        "CREATE OR REPLACE FUNCTION fieldmap._may_act_for(tenant uuid) RETURNS boolean LANGUAGE sql STABLE"
        " AS $$SELECT fieldmap._request_is_owner() OR EXISTS (SELECT FROM fieldmap.tenant_members m"
        " WHERE m.tenant_id = tenant AND pg_has_role(fieldmap._request_role(), m.role_name, 'USAGE'))$$",
    ],
    "trigger_stamp": [
        "DROP TRIGGER _10_stamp ON fieldmap.users",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _10_version",
        "ALTER TABLE fieldmap.connector_definitions DISABLE TRIGGER _10_stamp",
    ],
    "table_audit_chain": [
        "DROP TABLE fieldmap.audit_chain CASCADE",
        "ALTER TABLE fieldmap.audit_chain_heads DROP COLUMN horizon",
        "GRANT INSERT ON fieldmap.audit_chain TO fieldmap_writer",
    ],
    "trigger_audit": [
        "DROP TRIGGER _50_audit_update ON fieldmap.connector_definitions",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _50_audit_update",
        "ALTER FUNCTION fieldmap._audit_mappings_updated() RESET enable_nestloop",
        "CREATE OR REPLACE FUNCTION fieldmap._audit_mappings_updated() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
        " SET search_path = pg_catalog SET enable_nestloop = off AS $$ BEGIN RETURN NULL; END $$",
        "ALTER TABLE fieldmap.tenants DISABLE TRIGGER _50_audit_insert",
        # audits, but no longer marks the lineage grid stale
        "DO $$ BEGIN EXECUTE replace(pg_get_functiondef('fieldmap._audit_mappings_updated()'::regprocedure),"
        " 'PERFORM nextval(''fieldmap.grid_changes'');', 'NULL;'); END $$",
        "ALTER FUNCTION fieldmap._audit_row() SECURITY INVOKER",
        "CREATE OR REPLACE FUNCTION fieldmap._audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER"
        " SET search_path = pg_catalog AS $$ BEGIN RETURN NULL; END $$",
    ],
    "trigger_audit_append_only": [
        "DROP TRIGGER _00_append_only ON fieldmap.audit_chain",
        "ALTER TABLE fieldmap.audit_log DISABLE TRIGGER _00_append_only_truncate",
    ],
    "function_audit_chain": [
        "DROP FUNCTION fieldmap.verify_audit_chain(text, boolean)",
        "GRANT EXECUTE ON FUNCTION fieldmap._seal_tenant_chain(uuid) TO fieldmap_writer",
        "REVOKE EXECUTE ON FUNCTION fieldmap.verify_audit_chain(text, boolean) FROM fieldmap_auditor",
        "DROP FUNCTION fieldmap._seal_tenant_chain(uuid) CASCADE",
    ],
    "function_history": [
        "DROP FUNCTION fieldmap.mapping_as_of(uuid, timestamptz)",
        "GRANT EXECUTE ON FUNCTION fieldmap.restore_mapping_version(uuid, integer) TO fieldmap_reader",
        "DROP FUNCTION fieldmap.mapping_history(uuid) CASCADE",
    ],
    "function_retention": [
        "DROP FUNCTION fieldmap.purge_audit_log(integer)",
        "GRANT EXECUTE ON FUNCTION fieldmap.purge_audit_log(integer) TO fieldmap_writer",
        "ALTER FUNCTION fieldmap.purge_audit_log(integer) SECURITY DEFINER",
    ],
    "function_erase_user": [
        "DROP FUNCTION fieldmap.erase_user(uuid)",
        "GRANT EXECUTE ON FUNCTION fieldmap.erase_user(uuid) TO fieldmap_writer",
        "CREATE OR REPLACE FUNCTION fieldmap._erase_user_values(v jsonb) RETURNS jsonb LANGUAGE sql AS 'SELECT v'",
    ],
    "policy_tenant_isolation": [
        "ALTER TABLE fieldmap.field_mappings NO FORCE ROW LEVEL SECURITY",
        "ALTER TABLE fieldmap.audit_chain DISABLE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON fieldmap.users",
        "CREATE TABLE fieldmap.sneaky (tenant_id uuid)",
    ],
    "view_lineage_grid": [
        "DROP VIEW fieldmap.lineage_grid",
        "CREATE OR REPLACE VIEW fieldmap.lineage_grid WITH (security_barrier) AS"
        " SELECT * FROM fieldmap.mv_mapping_lineage_grid",
        "ALTER VIEW fieldmap.lineage_grid RESET (security_barrier)",
    ],
    "function_refresh_lineage_grid": [
        "DROP FUNCTION fieldmap.refresh_lineage_grid(boolean)",
        "REVOKE EXECUTE ON FUNCTION fieldmap.grid_status() FROM fieldmap_reader",
        "GRANT EXECUTE ON FUNCTION fieldmap.refresh_lineage_grid(boolean) TO fieldmap_writer",
        # the released body, which told app roles every tenant's grid row count
        "SELECT 1;\n\\i functions/refresh_lineage_grid@v0.1.0.sql\nSELECT 1",
        # the current body without its lock on the state row (the released one took an advisory lock)
        "DO $$ BEGIN EXECUTE replace(pg_get_functiondef('fieldmap.refresh_lineage_grid(boolean)'::regprocedure),"
        " 'FOR UPDATE SKIP LOCKED', ''); END $$",
    ],
    "function_mapping_documents": [
        f"DROP FUNCTION fieldmap.import_mappings({IMPORT_ARGS})",
        f"GRANT EXECUTE ON FUNCTION fieldmap.import_mappings({IMPORT_ARGS}) TO fieldmap_reader",
        f"ALTER FUNCTION fieldmap.import_mappings({IMPORT_ARGS}) SECURITY DEFINER",
        "DROP FUNCTION fieldmap.parse_mapping_doc(jsonb, text) CASCADE",
        "REVOKE EXECUTE ON FUNCTION fieldmap._is_canonical_target(jsonb, text) FROM fieldmap_writer",
        "CREATE OR REPLACE FUNCTION fieldmap.export_mappings(connector text) RETURNS jsonb LANGUAGE sql"
        " SET search_path = pg_catalog AS 'SELECT ''{}''::jsonb'",
        # the released import, which left a new source the replaced one's provenance and confidence
        "SELECT 1;\n\\i functions/import_mappings@v0.1.0.sql\nSELECT 1",
    ],
    "function_admin": [
        "DROP FUNCTION fieldmap.create_user(text, text, boolean)",
        "GRANT EXECUTE ON FUNCTION fieldmap.create_tenant(text, text, jsonb, boolean) TO fieldmap_writer",
        "GRANT EXECUTE ON FUNCTION fieldmap.create_user(text, text, boolean) TO fieldmap_writer",
    ],
    "table_transforms": [
        "DROP TABLE fieldmap.transforms",
        "DELETE FROM fieldmap.transforms WHERE name = 'lowercase'",
        "GRANT INSERT ON fieldmap.transforms TO fieldmap_writer",
    ],
    "type_mapping_entry": [
        "DROP TYPE fieldmap.mapping_entry CASCADE",
        "ALTER TYPE fieldmap.mapping_entry DROP ATTRIBUTE action CASCADE",
    ],
    "table_reference_codes": [
        "DROP TABLE fieldmap.currencies",
        "DELETE FROM fieldmap.phone_countries WHERE country = 'DE'",
        "REVOKE SELECT ON fieldmap.currencies FROM fieldmap_reader",
    ],
    "function_closest_name": [
        "DROP FUNCTION fieldmap.closest_name(text, text[]) CASCADE",
        "CREATE OR REPLACE FUNCTION fieldmap.closest_name(name text, candidates text[]) RETURNS text"
        " LANGUAGE sql AS 'SELECT candidates[1]'",
        "CREATE OR REPLACE FUNCTION fieldmap.closest_name(name text, candidates text[]) RETURNS text LANGUAGE sql"
        " AS $$ SELECT c FROM unnest(candidates) c WHERE public.levenshtein(name, c) <= 1 $$",
    ],
    "function_transforms": [
        "DROP FUNCTION fieldmap.transform(text, jsonb, jsonb)",
        "CREATE OR REPLACE FUNCTION fieldmap._tf_number(transform text, value jsonb, rule jsonb) RETURNS jsonb"
        " LANGUAGE sql AS 'SELECT jsonb_build_object(''value'', value)'",
        "REVOKE EXECUTE ON FUNCTION fieldmap.transform(text, jsonb, jsonb) FROM fieldmap_reader",
    ],
    "trigger_check_transform": [
        "DROP TRIGGER _20_check_transform ON fieldmap.field_mappings",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _20_check_transform",
    ],
    "function_apply_mapping": [
        "DROP FUNCTION fieldmap.apply_mapping(text, text, jsonb)",
        "CREATE OR REPLACE FUNCTION fieldmap._transform_sql(transform text, rule jsonb, v text)"
        " RETURNS text LANGUAGE sql AS $$SELECT 'CASE WHEN true THEN ''{\"value\": 1}''::jsonb END'$$",
    ],
    "table_validation_rules": [
        "DROP TABLE fieldmap.type_compatibility",
        "DELETE FROM fieldmap.range_rules WHERE field_name = 'probability'",
        "REVOKE SELECT ON fieldmap.type_compatibility FROM fieldmap_reader",
    ],
    "table_connector_samples": [
        "DROP TABLE fieldmap.connector_samples",
        "ALTER TABLE fieldmap.connector_samples NO FORCE ROW LEVEL SECURITY",
        "GRANT INSERT ON fieldmap.connector_samples TO fieldmap_reader",
    ],
    "function_validation": [
        "DROP FUNCTION fieldmap.validate_mapping(uuid, jsonb)",
        "GRANT EXECUTE ON FUNCTION fieldmap.validate_mapping(uuid, jsonb) TO fieldmap_reader",
        "CREATE OR REPLACE FUNCTION fieldmap._fits_type(value jsonb, registry_type text) RETURNS boolean"
        " LANGUAGE sql AS 'SELECT true'",
    ],
    "table_grid_refresh_state": [
        "DROP TABLE fieldmap.grid_refresh_state CASCADE",
        "INSERT INTO fieldmap.grid_refresh_state (one) VALUES (true) ON CONFLICT DO NOTHING;"
        " ALTER TABLE fieldmap.grid_refresh_state DROP CONSTRAINT grid_refresh_state_one_check;"
        " ALTER TABLE fieldmap.grid_refresh_state DROP CONSTRAINT grid_refresh_state_pkey;"
        " INSERT INTO fieldmap.grid_refresh_state (one) VALUES (false)",
        "GRANT UPDATE ON fieldmap.grid_refresh_state TO fieldmap_writer",
        "REVOKE USAGE ON SEQUENCE fieldmap.grid_changes FROM fieldmap_writer",
    ],
    "trigger_grid_stale": [
        "DROP TRIGGER _90_mark_grid_stale ON fieldmap.users",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _90_mark_grid_stale",
        "CREATE OR REPLACE FUNCTION fieldmap._mark_grid_stale() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NULL; END'",
    ],
    "trigger_member_role": [
        "DROP TRIGGER _10_check_role ON fieldmap.tenant_members",
        "ALTER TABLE fieldmap.tenant_members DISABLE TRIGGER _10_check_role",
        "GRANT EXECUTE ON FUNCTION fieldmap._check_member_role() TO PUBLIC",
        "CREATE OR REPLACE FUNCTION fieldmap._check_member_role() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NEW; END'",
    ],
    "function_cron_jobs": [
        "DROP FUNCTION fieldmap.cron_jobs()",
        "GRANT EXECUTE ON FUNCTION fieldmap.cron_jobs() TO fieldmap_writer",
        "CREATE OR REPLACE FUNCTION fieldmap.cron_jobs() RETURNS TABLE (name text, schedule text, command text,"
        " description text) LANGUAGE sql AS $$ SELECT 'x', 'y', 'z', 'w' $$",
        # the released body, without the job that indexes the vectors fieldmap embed stored
        "SELECT 1;\n\\i functions/cron_jobs@v0.1.0.sql\nSELECT 1",
    ],
    "function_embedding_text": [
        "DROP FUNCTION fieldmap.embedding_text(text, text) CASCADE",
        "CREATE OR REPLACE FUNCTION fieldmap.embedding_text(source_table text, source_field text) RETURNS text"
        " LANGUAGE sql IMMUTABLE AS $$ SELECT lower(source_field) $$",
        "CREATE OR REPLACE FUNCTION fieldmap._word_forms(word text) RETURNS text[]"
        " LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY[word] $$",
    ],
    "view_canonical_fields": [
        "DROP VIEW fieldmap.canonical_fields CASCADE",
        "CREATE OR REPLACE VIEW fieldmap.schema_embedding_texts AS SELECT entity_name, field_name,"
        " 'x'::text AS embedding_text FROM fieldmap.canonical_fields",
    ],
    "table_embedding_models": [
        "DROP TABLE fieldmap.schema_embeddings",
        "DELETE FROM fieldmap.embedding_models WHERE name = 'text-embedding-ada-002'",
        "ALTER TABLE fieldmap.mapping_embeddings DISABLE TRIGGER _10_check_dims",
        "GRANT INSERT ON fieldmap.schema_embeddings TO fieldmap_writer",
        # the released body, whose new model's index also takes the vectors not yet indexed
        "SELECT 1;\n\\i functions/add_embedding_model@v0.1.0.sql\nSELECT 1",
        "DROP INDEX fieldmap.idx_embedding_tenant_model; CREATE INDEX idx_embedding_tenant_model"
        " ON fieldmap.mapping_embeddings (tenant_id, embedding_model)",
    ],
    "embedding_index_deferred": [
        "DROP FUNCTION fieldmap.index_new_embeddings(integer)",
        "DROP PROCEDURE fieldmap.index_new_embeddings_for(integer, integer)",
        "GRANT EXECUTE ON PROCEDURE fieldmap.index_new_embeddings_for(integer, integer) TO fieldmap_writer",
        "DROP INDEX fieldmap.idx_embedding_unindexed",
        "DROP INDEX fieldmap.idx_embedding_vector_minilm; CREATE INDEX idx_embedding_vector_minilm"
        " ON fieldmap.mapping_embeddings USING hnsw ((embedding_vector::public.vector(384)) public.vector_cosine_ops)"
        " WHERE embedding_model = 'sentence-transformers/all-MiniLM-L6-v2'",
    ],
    "function_embedding_queue": [
        "DROP FUNCTION fieldmap.put_embeddings CASCADE",
        "DROP FUNCTION fieldmap.pending_embeddings CASCADE",
        "DROP TRIGGER _30_drop_stale_embeddings ON fieldmap.field_mappings",
        "GRANT EXECUTE ON FUNCTION fieldmap.put_embeddings TO fieldmap_reader",
        "DROP FUNCTION fieldmap.schema_embeddings_missing(text)",
        "CREATE OR REPLACE VIEW fieldmap.mappings_to_embed AS SELECT f.tenant_id, f.id AS field_mapping_id,"
        " f.source_table, f.source_field, m.name AS embedding_model"
        " FROM fieldmap.field_mappings f, fieldmap.embedding_models m WHERE false",
        "ALTER FUNCTION fieldmap.pending_embeddings(text, integer, text) RESET plan_cache_mode",
        "CREATE OR REPLACE VIEW fieldmap.mappings_to_embed AS SELECT f.tenant_id, f.id AS field_mapping_id,"
        " f.source_table, f.source_field, m.name AS embedding_model FROM fieldmap.field_mappings f"
        " CROSS JOIN fieldmap.embedding_models m WHERE NOT EXISTS (SELECT FROM fieldmap.mapping_embeddings e"
        " WHERE e.tenant_id = f.tenant_id AND e.field_mapping_id = f.id AND e.embedding_model = m.name)",
    ],
    "function_semantic_search": [
        "DROP FUNCTION fieldmap.search_similar CASCADE",
        "CREATE OR REPLACE FUNCTION fieldmap._search_filters(filters jsonb) RETURNS jsonb"
        " LANGUAGE sql IMMUTABLE AS $$ SELECT filters $$",
        "GRANT EXECUTE ON FUNCTION fieldmap.search_similar TO fieldmap_auditor",
        "DROP INDEX fieldmap.idx_mapping_approved_canonical",
        "DROP FUNCTION fieldmap._vector_index_stands(text)",
        "REVOKE EXECUTE ON FUNCTION fieldmap._vector_index_name(text, uuid, uuid) FROM fieldmap_reader",
    ],
    "function_suggest": [
        "DROP FUNCTION fieldmap.suggest_mapping CASCADE",
        "REVOKE EXECUTE ON FUNCTION fieldmap.suggest_mapping FROM fieldmap_reader, PUBLIC",
    ],
    "function_propose_mappings": [
        "DROP FUNCTION fieldmap.propose_mappings",
        "REVOKE EXECUTE ON FUNCTION fieldmap.propose_mappings FROM fieldmap_reader, PUBLIC",
        "GRANT EXECUTE ON FUNCTION fieldmap.propose_mappings TO fieldmap_auditor",
    ],
    "function_vector_index_plan": [
        "DROP FUNCTION fieldmap.vector_index_plan",
        "GRANT EXECUTE ON FUNCTION fieldmap.vector_index_plan TO fieldmap_writer",
        "GRANT EXECUTE ON FUNCTION fieldmap._wants_own_index TO PUBLIC",
        "CREATE OR REPLACE FUNCTION fieldmap._wants_own_index(per_connector boolean, vectors bigint,"
        " share double precision, has_index boolean) RETURNS boolean LANGUAGE sql AS 'SELECT vectors >= 2500'",
        "CREATE OR REPLACE FUNCTION fieldmap._wants_own_index(per_connector boolean, vectors bigint,"
        " share double precision, has_index boolean) RETURNS boolean LANGUAGE sql"
        " AS 'SELECT vectors >= 5000 AND share <= 0.5'",
    ],
    "embedding_nonzero": [
        "ALTER TABLE fieldmap.mapping_embeddings DROP CONSTRAINT mapping_embeddings_nonzero_check",
        "ALTER TABLE fieldmap.schema_embeddings DROP CONSTRAINT schema_embeddings_nonzero_check",
        "ALTER TABLE fieldmap.mapping_embeddings DROP CONSTRAINT mapping_embeddings_nonzero_check;"
        " ALTER TABLE fieldmap.mapping_embeddings ADD CONSTRAINT mapping_embeddings_nonzero_check"
        " CHECK (public.vector_norm(embedding_vector) > 0)",
    ],
    "trigger_check_connector_name": [
        "DROP TRIGGER _05_check_connector_name ON fieldmap.connector_definitions",
        "ALTER TABLE fieldmap.connector_definitions DISABLE TRIGGER _05_check_connector_name",
        "CREATE OR REPLACE FUNCTION fieldmap._check_connector_name() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NEW; END'",
    ],
    "tenant_id_defaults": [
        "ALTER TABLE fieldmap.field_mappings ALTER COLUMN tenant_id DROP DEFAULT",
        "ALTER TABLE fieldmap.users ALTER COLUMN tenant_id SET DEFAULT NULL",
    ],
    "comment_columns": [
        "COMMENT ON COLUMN fieldmap.field_mappings.notes IS NULL",
        "COMMENT ON COLUMN fieldmap.lineage_grid.source_system IS NULL",
    ],
    "trigger_check_canonical_field": [
        "DROP TRIGGER _20_check_canonical_field ON fieldmap.field_mappings",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _20_check_canonical_field",
        "CREATE OR REPLACE FUNCTION fieldmap._check_canonical_field() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NEW; END'",
    ],
    "embedding_connector": [
        "ALTER TABLE fieldmap.mapping_embeddings DROP COLUMN connector_id CASCADE",
        "ALTER TABLE fieldmap.mapping_embeddings ALTER COLUMN connector_id DROP NOT NULL",
        "DROP TRIGGER _20_copy_connector ON fieldmap.mapping_embeddings",
        "ALTER TABLE fieldmap.field_mappings DISABLE TRIGGER _35_follow_connector",
        "DROP INDEX fieldmap.idx_embedding_connector_model",
        "GRANT EXECUTE ON FUNCTION fieldmap._copy_mapping_connector() TO PUBLIC",
        "CREATE OR REPLACE FUNCTION fieldmap._follow_mapping_connector() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NULL; END'",
        "CREATE OR REPLACE FUNCTION fieldmap._copy_mapping_connector() RETURNS trigger LANGUAGE plpgsql"
        " AS 'BEGIN RETURN NEW; END'",
        "CREATE FUNCTION fieldmap._mapping_connector_once(tenant uuid, mapping uuid) RETURNS uuid LANGUAGE sql"
        " AS 'SELECT NULL::uuid'",
    ],
    "view_active_mappings": [
        "DROP VIEW fieldmap.active_mappings",
        "ALTER VIEW fieldmap.active_mappings RESET (security_invoker)",
        "REVOKE SELECT ON fieldmap.active_mappings FROM fieldmap_reader",
    ],
}


def test_every_change_has_a_break_case() -> None:
    assert sorted(BREAKS) == sorted(set(plan_changes()))


def test_every_change_has_deploy_revert_verify() -> None:
    for change in set(plan_changes()):
        for kind in ("deploy", "revert", "verify"):
            script = DB_DIR / kind / f"{change}.sql"
            assert script.is_file() and script.stat().st_size > 0, f"{script} missing or empty"
            assert "select false" not in script.read_text().lower(), f"{script} uses SELECT false"


CASES = [(change, stmt) for change, stmts in BREAKS.items() if stmts for stmt in stmts]


@pytest.mark.parametrize(("change", "breakage"), CASES, ids=[f"{c}:{i}" for i, (c, _) in enumerate(CASES)])
def test_verify_fails_when_its_object_is_broken(db_url: str, change: str, breakage: str) -> None:
    # The breakage must itself succeed (a break that errors proves nothing),
    # then the verify must fail, with the error raised inside the verify
    # script. Both run in one transaction that the verify's ROLLBACK undoes;
    # the database is a throwaway clone anyway.
    alone = psql(db_url, f"BEGIN;\n{breakage};\nROLLBACK;\n")
    assert alone.returncode == 0, f"the breakage itself fails: {breakage}\n{alone.stderr}"
    out = psql(db_url, f"BEGIN;\n{breakage};\n\\i verify/{change}.sql\n")
    assert out.returncode != 0, f"verify/{change}.sql passed although: {breakage}\n{out.stdout}{out.stderr}"
    assert f"psql:verify/{change}.sql:" in out.stderr and "ERROR:" in out.stderr, out.stderr


def test_verify_pg_cron_fails_without_pg_cron_in_the_cron_database() -> None:
    with psycopg.connect(url_for("postgres")) as c:
        cron_db = c.execute("SELECT current_setting('cron.database_name', true)").fetchone()[0]
    assert cron_db, "pg_cron is not preloaded on the test server"
    url = url_for(cron_db)
    with psycopg.connect(url, autocommit=True) as c:
        has_cron = c.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_cron'").fetchone()[0]
    setup = "CREATE EXTENSION IF NOT EXISTS pg_cron;" if not has_cron else ""
    ok = psql(url, f"BEGIN;\n{setup}\n\\i verify/extension_pg_cron.sql\n")
    assert ok.returncode == 0, ok.stderr
    broken = psql(url, "BEGIN;\nDROP EXTENSION IF EXISTS pg_cron CASCADE;\n\\i verify/extension_pg_cron.sql\n")
    assert broken.returncode != 0 and "pg_cron is missing" in broken.stderr
