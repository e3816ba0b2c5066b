"""The error contract: fieldmap's SQL raises only the SQLSTATE codes of the
documented table (README "Errors the SQL API raises", glue/fieldmap/errors.py),
every RAISE names one, and each API function, given bad input, fails with one
of them."""

from __future__ import annotations

import re
import uuid

import psycopg
import pytest
from fieldmap.errors import SQLSTATES
from support import ROOT

OWN = {code for code in SQLSTATES if code.startswith("MR")}


def raise_statements(source: str) -> list[str]:
    """Every RAISE EXCEPTION statement of a PL/pgSQL body, up to its ';'
    outside string literals."""
    out = []
    for m in re.finditer(r"RAISE\s+EXCEPTION\b", source, re.I):
        i, quoted = m.end(), False
        while i < len(source):
            ch = source[i]
            if ch == "'":
                quoted = not quoted
            elif ch == ";" and not quoted:
                break
            i += 1
        out.append(source[m.start():i])
    return out


def test_the_readme_documents_exactly_the_glues_table() -> None:
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `(MR\d{3})` \|", readme, re.M))
    assert documented == OWN


def test_every_raise_names_a_documented_code(db: psycopg.Connection) -> None:
    bodies = db.execute("""SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
                            WHERE p.pronamespace = 'fieldmap'::regnamespace AND l.lanname = 'plpgsql'""").fetchall()
    seen = 0
    for name, source in bodies:
        for statement in raise_statements(source):
            seen += 1
            codes = re.findall(r"ERRCODE\s*=\s*'([^']+)'", statement)
            assert codes and set(codes) <= OWN, f"{name}: {statement!r} raises no documented code"
    assert seen > 30


@pytest.fixture
def demo_tenant(db: psycopg.Connection) -> None:
    db.execute("""SELECT * FROM fieldmap.load_entities('{"account": {"fields": {"account_id": "string!"}}}')""")
    db.execute("SELECT fieldmap.create_tenant('demo')")
    db.execute("SELECT fieldmap.set_context('demo', for_session => true)")


R = str(uuid.uuid4())
# (function, a bad call) -> the code it must raise; every API function appears
BAD_CALLS: list[tuple[str, str, str]] = [
    ("set_context", "SELECT fieldmap.set_context('nope')", "MR002"),
    ("set_context", f"SELECT fieldmap.set_context('demo', actor => '{R}')", "MR001"),
    ("current_tenant_id", "RESET fieldmap.tenant_id; SELECT fieldmap.current_tenant_id()", "MR003"),
    ("import_mappings", "SELECT fieldmap.import_mappings('Bad Name', '{}')", "MR001"),
    ("import_mappings", "SELECT fieldmap.import_mappings('crm', '{}', mode => 'sideways')", "MR001"),
    ("import_mappings", "SELECT fieldmap.import_mappings('crm', '{}', mapping_source => 'bogus')", "MR001"),
    ("parse_mapping_doc", "SELECT * FROM fieldmap.parse_mapping_doc('{}', 'sideways')", "MR001"),
    ("plan_import", "SELECT * FROM fieldmap.plan_import('crm', '{}', mode => 'x')", "MR001"),
    ("plan_import", "SELECT * FROM fieldmap.plan_import('Hub Spot', '{}')", "MR001"),  # as import refuses it
    ("export_mappings", "SELECT fieldmap.export_mappings('nope')", "MR004"),
    ("connector_id", "SELECT fieldmap.connector_id('nope')", "MR004"),
    ("compare_mappings", """SELECT * FROM fieldmap.compare_mappings('crm', '{"nope": {"fields": {"a": "b"}}}')""", "MR001"),
    ("find_mapping", "SELECT fieldmap.find_mapping('crm', 'nodot')", "MR001"),
    ("find_mapping", "SELECT fieldmap.find_mapping('crm', 'account.name')", "MR004"),
    ("mapping_history", "RESET fieldmap.tenant_id; SELECT * FROM fieldmap.mapping_history(gen_random_uuid())",
     "MR003"),
    ("mapping_as_of", "RESET fieldmap.tenant_id; SELECT * FROM fieldmap.mapping_as_of(gen_random_uuid(), now())",
     "MR003"),
    ("restore_mapping_version", f"SELECT fieldmap.restore_mapping_version('{R}', 1)", "MR004"),
    ("seal_audit_chain", "SELECT fieldmap.seal_audit_chain('nope')", "MR002"),
    ("verify_audit_chain", "SELECT * FROM fieldmap.verify_audit_chain('nope')", "MR002"),
    ("create_tenant", "SELECT fieldmap.create_tenant('Bad Slug')", "MR001"),
    ("create_tenant", "SELECT fieldmap.create_tenant('demo')", "MR005"),
    ("create_tenant", "SELECT fieldmap.create_tenant('other', settings => '\"x\"')", "MR001"),
    ("create_user", "SELECT fieldmap.create_user('not an address')", "MR001"),
    ("create_user", "SELECT fieldmap.create_user('a@b.test'); SELECT fieldmap.create_user('a@b.test')", "MR005"),
    ("load_entities", "SELECT * FROM fieldmap.load_entities('[]')", "MR001"),
    ("load_entities", """SELECT * FROM fieldmap.load_entities('{"account": {"fields": {"x": "string"}}}')""", "MR005"),
    ("purge_audit_log", "SELECT fieldmap.purge_audit_log(0)", "MR001"),
    ("index_new_embeddings", "SELECT fieldmap.index_new_embeddings(-1)", "MR001"),
    ("index_new_embeddings_for", "CALL fieldmap.index_new_embeddings_for(-1)", "MR001"),
    ("erase_user", f"SELECT fieldmap.erase_user('{R}')", "MR004"),
    ("check_handle", "SELECT fieldmap.check_handle('X Y', 'connector name')", "MR001"),
    ("transform", "SELECT fieldmap.transform('to_integer', '\"12.5\"')", "MR001"),
    ("transform", "SELECT fieldmap.transform('upprecase', '\"x\"')", "MR001"),
    ("apply_mapping", "SELECT fieldmap.apply_mapping('crm', 'account', '[1, 2]')", "MR001"),
    ("apply_mapping", "SELECT fieldmap.apply_mapping('nope', 'account', '{}')", "MR004"),
    ("apply_mappings", "SELECT * FROM fieldmap.apply_mappings('nope', 'account', ARRAY['{}'::jsonb])", "MR004"),
    ("load_entities", "SELECT * FROM fieldmap.load_entities('{}', 'latest')", "MR001"),
    ("validate_mapping", f"SELECT * FROM fieldmap.validate_mapping('{R}')", "MR004"),
    ("validate_mapping", f"SELECT * FROM fieldmap.validate_mapping('{R}', '{{\"not\": \"a list\"}}')", "MR001"),
    ("validate_mapping_ids", f"SELECT * FROM fieldmap.validate_mapping_ids(ARRAY['{R}'::uuid], '\"x\"')", "MR001"),
    ("validate_mappings", "SELECT * FROM fieldmap.validate_mappings('nope')", "MR004"),
    ("add_samples", "SELECT fieldmap.add_samples('nope', 'account', '[]')", "MR004"),
    ("add_embedding_model", "SELECT fieldmap.add_embedding_model('x', 0)", "MR001"),
    ("pending_embeddings", "SELECT * FROM fieldmap.pending_embeddings('no-such-model', 10)", "MR004"),
    ("pending_embedding_count", "SELECT fieldmap.pending_embedding_count('no-such-model')", "MR004"),
    ("schema_embeddings_missing", "SELECT * FROM fieldmap.schema_embeddings_missing('no-such-model')", "MR004"),
    ("put_embeddings", "SELECT * FROM fieldmap.put_embeddings('sentence-transformers/all-MiniLM-L6-v2', ARRAY['mapping'],"
                       " ARRAY['x', 'y'], ARRAY['h'], ARRAY['[1,2,3]'::public.vector])", "MR001"),
    ("search_similar", "SELECT * FROM fieldmap.search_similar('[1,2,3]', 10, '{}')", "MR001"),
    ("search_similar", "SELECT * FROM fieldmap.search_similar('[1,2,3]', 10, '{\"conector\": \"x\"}')", "MR001"),
    ("similar_to_mapping", f"SELECT * FROM fieldmap.similar_to_mapping('{R}', 5)", "MR004"),
    ("suggest_fields", "SELECT * FROM fieldmap.suggest_fields('c', 't', ARRAY['a', 'b'], ARRAY['string'],"
                       " ARRAY['[1,2,3]'::public.vector])", "MR001"),
    ("suggest_mapping", "SELECT * FROM fieldmap.suggest_mapping('c', 't', 'a', 'string', '[1,2,3]')", "MR001"),
    ("propose_mappings", "SELECT * FROM fieldmap.propose_mappings('c', ARRAY['t'], ARRAY['a', 'b'], NULL,"
                         " ARRAY['[1,2,3]'::public.vector], ARRAY['[1,2,3]'::public.vector])", "MR001"),
]
# total functions (every input has an answer) and those that take no input a caller could get wrong
NEVER_FAIL = {"is_handle", "closest_name", "refresh_lineage_grid", "list_tenants", "try_transform",
              "transform_rule_problem", "grid_status", "cron_jobs", "validate_mapping_ids", "validate_all_tenants",
              "embedding_text", "name_words", "default_embedding_model", "vector_index_plan"}


@pytest.mark.parametrize(("function", "call", "code"), BAD_CALLS, ids=[f"{f}:{c}" for f, _, c in BAD_CALLS])
def test_bad_input_raises_a_documented_code(db: psycopg.Connection, demo_tenant: None, function: str, call: str,
                                            code: str) -> None:
    with pytest.raises(psycopg.Error) as info:
        for statement in call.split("; "):
            db.execute(statement)
    assert info.value.sqlstate == code, f"{function}: {info.value.sqlstate} {info.value}"


def test_every_api_function_is_walked(db: psycopg.Connection) -> None:
    api = {r[0] for r in db.execute("""SELECT proname FROM pg_proc WHERE pronamespace = 'fieldmap'::regnamespace
                                         AND proname NOT LIKE '\\_%%'""").fetchall()}
    assert api - {f for f, _, _ in BAD_CALLS} - NEVER_FAIL == set()
