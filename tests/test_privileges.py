"""The role x object x privilege matrix: exactly what each app role may do,
and nothing more; internal helpers closed; SECURITY DEFINER pinned; only the
owner can switch triggers off."""

from __future__ import annotations

import psycopg
import pytest
from registry import acting_as, ensure_test_roles

ROLES = ["fieldmap_writer", "fieldmap_reader", "fieldmap_auditor", "public"]
TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
R, W, A = "fieldmap_reader", "fieldmap_writer", "fieldmap_auditor"
SIUD = {"SELECT", "INSERT", "UPDATE", "DELETE"}

EXPECTED_TABLES: dict[str, dict[str, set[str]]] = {
    "tenants": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "tenant_members": {},
    "users": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "entity_schemas": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "connector_definitions": {W: SIUD, R: {"SELECT"}, A: {"SELECT"}},
    "field_mappings": {W: SIUD, R: {"SELECT"}, A: {"SELECT"}},
    "mapping_embeddings": {W: SIUD, R: {"SELECT"}},
    "mapping_validation_results": {W: {"SELECT", "INSERT"}, R: {"SELECT"}, A: {"SELECT"}},
    "audit_log": {A: {"SELECT"}},
    "audit_chain": {A: {"SELECT"}},
    "audit_chain_heads": {A: {"SELECT"}},
    "mv_mapping_lineage_grid": {},
    "lineage_grid": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "active_mappings": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "transforms": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "currencies": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "type_compatibility": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "range_rules": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "connector_samples": {W: {"SELECT", "INSERT", "DELETE"}, R: {"SELECT"}, A: {"SELECT"}},
    "grid_refresh_state": {},
    "phone_countries": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "canonical_fields": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "schema_embedding_texts": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "embedding_models": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
    "schema_embeddings": {W: {"SELECT"}, R: {"SELECT"}, A: {"SELECT"}},
}

EXPECTED_FUNCTIONS: dict[str, set[str]] = {
    "set_context(text,uuid,text,text,boolean)": {W, R, A},
    "current_tenant_id()": {W, R, A},
    "seal_audit_chain(text)": {W, A},
    "verify_audit_chain(text,boolean)": {A},
    "mapping_history(uuid)": {W, A},
    "mapping_as_of(uuid,timestamp with time zone)": {W, A},
    "restore_mapping_version(uuid,integer)": {W},
    "load_entities(json,text)": set(),
    "purge_audit_log(integer)": set(),
    "erase_user(uuid)": set(),
    "refresh_lineage_grid(boolean)": set(),
    "import_mappings(text,jsonb,text,boolean,boolean,text,text,text,text,boolean)": {W},
    "parse_mapping_doc(jsonb,text)": {W, R},
    "plan_import(text,jsonb,text,text)": {W, R},

    "find_mapping(text,text)": {W, R, A},
    "is_handle(text)": {W, R, A},
    "connector_id(text)": {W, R, A},
    "list_tenants()": {W, R, A},
    "closest_name(text,text[])": {W, R, A},
    "transform(text,jsonb,jsonb)": {W, R, A},
    "try_transform(text,jsonb,jsonb)": {W, R, A},
    "transform_rule_problem(jsonb,text)": {W, R, A},
    "apply_mapping(text,text,jsonb)": {W, R, A},
    "apply_mappings(text,text,jsonb[])": {W, R, A},
    "grid_status()": {W, R, A},
    "validate_mapping(uuid,jsonb)": {W},
    "validate_mappings(text)": {W},
    "validate_mapping_ids(uuid[],jsonb)": {W},
    "add_samples(text,text,jsonb)": {W},
    "validate_all_tenants()": set(),
    "cron_jobs()": set(),
    "check_handle(text,text)": {W, R, A},
    "create_user(text,text,boolean)": set(),
    "export_mappings(text)": {W, R},
    "compare_mappings(text,jsonb,text)": {W, R},
    "create_tenant(text,text,jsonb,boolean)": set(),
    "name_words(text)": {W, R, A},
    "embedding_text(text,text)": {W, R, A},
    "default_embedding_model()": {W, R, A},
    "add_embedding_model(text,integer,text)": set(),
    "pending_embeddings(text,integer,text)": {W},
    "pending_embedding_count(text)": {W},
    "put_embeddings(text,text[],text[],text[],vector[])": {W},
    "search_similar(vector,integer,jsonb)": {W, R},
    "similar_to_mapping(uuid,integer)": {W, R},
    "suggest_fields(text,text,text[],text[],vector[],vector,integer)": {W, R},
    "suggest_mapping(text,text,text,text,vector,integer,vector)": {W, R},
}


# Internal helpers of SECURITY INVOKER API functions (apply_mapping, the
# transforms): they run with the caller's rights, so the caller needs them.
# Pure functions: they read reference data at most and write nothing.
INVOKER_HELPERS = {"_tf_error(text,jsonb,text)", "_tf_text(text,jsonb,jsonb)", "_tf_numeric(jsonb)",
                   "_tf_number(text,jsonb,jsonb)", "_tf_datetime(text,jsonb,jsonb)", "_tf_code(text,jsonb,jsonb)",
                   "_transform(text,jsonb,jsonb)", "_map_value(jsonb,jsonb,text)", "_jsonb_object_expr(text[])",
                   "_transform_sql(text,jsonb,text)", "_fits_type(jsonb,text)",
                   "_range_problem(text,text,text,jsonb)", "_validation_checks(uuid[],jsonb)",
                   "_word_forms(text)", "_embedding_model_dims(text)", "_search_filters(jsonb)",
                   "_nearest_mappings(vector,text,integer,jsonb)", "_source_value(jsonb,text)", "_blank_chars()",
                   "_boolean_words(boolean)", "_as_uuid(text)",
                   "_described_mappings(uuid[],double precision[])"}


def test_invoker_helpers_write_nothing_and_define_nothing(db: psycopg.Connection) -> None:
    for name in INVOKER_HELPERS:
        row = db.execute("""SELECT prosecdef, provolatile FROM pg_proc
                             WHERE oid = ('fieldmap.' || %s)::regprocedure""", (name,)).fetchone()
        assert row == (False, "i") or row == (False, "s"), f"{name} must be SECURITY INVOKER and IMMUTABLE or STABLE"


def test_table_privileges_are_exactly_the_intended_ones(db: psycopg.Connection) -> None:
    rels = [r[0] for r in db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                                         AND relkind IN ('r', 'v', 'm') ORDER BY 1""").fetchall()]
    assert sorted(rels) == sorted(EXPECTED_TABLES)
    actual, expected = set(), set()
    for rel in rels:
        for role in ROLES:
            for priv in TABLE_PRIVILEGES:
                if db.execute("SELECT has_table_privilege(%s, %s, %s)", (role, f"fieldmap.{rel}", priv)).fetchone()[0]:
                    actual.add((role, rel, priv))
            expected |= {(role, rel, p) for p in EXPECTED_TABLES[rel].get(role, set())}
    assert actual == expected


def test_function_privileges_are_exactly_the_intended_ones(db: psycopg.Connection) -> None:
    funcs = db.execute("""SELECT substr(p.oid::regprocedure::text, length('fieldmap.') + 1), p.oid::regprocedure::text
                            FROM pg_proc p WHERE p.pronamespace = 'fieldmap'::regnamespace""").fetchall()
    actual, expected = set(), set()
    for label, signature in funcs:
        name = label.replace(", ", ",")
        if name in INVOKER_HELPERS:
            wanted = {W, R, A}
        elif name.split("(")[0].startswith("_"):
            wanted: set[str] = set()  # internal helpers: nobody
        else:
            assert name in EXPECTED_FUNCTIONS, f"new API function {name}: add it to the matrix"
            wanted = EXPECTED_FUNCTIONS[name]
        for role in ROLES:
            if db.execute("SELECT has_function_privilege(%s, %s, 'EXECUTE')", (role, signature)).fetchone()[0]:
                actual.add((role, name))
        expected |= {(role, name) for role in wanted}
    assert actual == expected


def test_security_definer_functions_pin_search_path(db: psycopg.Connection) -> None:
    loose = db.execute("""SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace AND prosecdef
                           AND NOT EXISTS (SELECT FROM unnest(proconfig) c WHERE c LIKE 'search_path=%%')""").fetchall()
    assert loose == []


def test_everything_is_owned_by_fieldmap_owner(db: psycopg.Connection) -> None:
    others = db.execute("""SELECT relname FROM pg_class WHERE relnamespace = 'fieldmap'::regnamespace
                             AND pg_get_userbyid(relowner) <> 'fieldmap_owner'
                           UNION ALL
                           SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace
                             AND pg_get_userbyid(proowner) <> 'fieldmap_owner'""").fetchall()
    assert others == []


@pytest.mark.parametrize("role", ["fm_test_writer_a", "fm_test_auditor_a"])
def test_only_the_owner_can_switch_triggers_off(db: psycopg.Connection, role: str) -> None:
    ensure_test_roles(db)
    with acting_as(db, role):
        for table in ("field_mappings", "audit_log"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="must be owner"):
                db.execute(f"ALTER TABLE fieldmap.{table} DISABLE TRIGGER ALL")
    with acting_as(db, role):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            db.execute("SET session_replication_role = replica")


def test_app_roles_are_not_members_of_the_owner(db: psycopg.Connection) -> None:
    for role in ("fieldmap_writer", "fieldmap_reader", "fieldmap_auditor"):
        assert not db.execute("SELECT pg_has_role(%s, 'fieldmap_owner', 'MEMBER')", (role,)).fetchone()[0]
