"""Tenant membership is decided for the role of the request, not the login
role: a pooler or PostgREST-style authenticator logs in as one role and
SET ROLEs to the role of each request. Real logins throughout: session_user
is the authenticator, current_user the tenant's role.

The reproduction of the issue: alpha holds the 191 legacy mappings, beta
hubspot.yaml; the authenticator is a member of both tenants' roles."""

from __future__ import annotations

import json
from collections.abc import Iterator

import psycopg
import pytest
import yaml
from registry import ensure_group_role, ensure_login_role, login, raises_sqlstate
from support import ENTITIES_YAML, FIXTURES

AUTH, T_ALPHA, T_BETA = "fm_test_pgrst_auth", "fm_test_t_alpha", "fm_test_t_beta"
BETA_VECTOR = "array_fill(0.1, ARRAY[384])::public.vector"  # beta's one embedding
TENANT_RELATIONS = ["tenants", "users", "connector_definitions", "field_mappings", "mapping_embeddings",
                    "mapping_validation_results", "audit_log", "audit_chain", "audit_chain_heads",
                    "lineage_grid", "active_mappings"]


def import_legacy(db: psycopg.Connection, tenant: str, names: list[str]) -> None:
    db.execute("SELECT fieldmap.set_context(%s, for_session => true)", (tenant,))
    for name in names:
        doc = yaml.safe_load((FIXTURES / "legacy-yaml" / f"{name}.yaml").read_text())
        report = db.execute("SELECT fieldmap.import_mappings(%s, %s::jsonb)", (name, json.dumps(doc))).fetchone()[0]
        assert report["applied"], report


@pytest.fixture
def tenants(db: psycopg.Connection) -> dict:
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json)",
               (json.dumps(yaml.safe_load(ENTITIES_YAML.read_text())),))
    ids = {slug: db.execute("SELECT fieldmap.create_tenant(%s)", (slug,)).fetchone()[0] for slug in ("alpha", "beta")}
    import_legacy(db, "alpha", sorted(p.stem for p in (FIXTURES / "legacy-yaml").glob("*.yaml")))
    import_legacy(db, "beta", ["hubspot"])
    beta_mapping = db.execute("SELECT fieldmap.find_mapping('hubspot', 'opportunity.name')").fetchone()[0]
    db.execute("""INSERT INTO fieldmap.mapping_validation_results (tenant_id, field_mapping_id, validation_type,
                    validation_status) VALUES (%s, %s, 'type_check', 'passed')""", (ids["beta"], beta_mapping))
    db.execute(f"""INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text, embedding_vector)
                   VALUES (%s, %s, 'dealname', {BETA_VECTOR})""", (ids["beta"], beta_mapping))
    db.execute("SELECT fieldmap.create_user('bea@beta.test')")
    db.execute("RESET fieldmap.tenant_id")
    db.execute("SELECT fieldmap.seal_audit_chain()")
    db.execute("SELECT fieldmap.refresh_lineage_grid()")
    # the roles: an authenticator (NOINHERIT) that may become either tenant's role
    ensure_group_role(db, T_ALPHA, "fieldmap_writer", "fieldmap_auditor")
    ensure_group_role(db, T_BETA, "fieldmap_writer", "fieldmap_auditor")
    ensure_login_role(db, AUTH, T_ALPHA, T_BETA, inherit=False)
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, %s), (%s, %s)",
               (ids["alpha"], T_ALPHA, ids["beta"], T_BETA))
    return {**ids, "beta_mapping": beta_mapping}


@pytest.fixture
def auth(db: psycopg.Connection, tenants: dict) -> Iterator[psycopg.Connection]:
    """The authenticator's own login, switched to alpha's role for the request."""
    with login(db, AUTH) as conn:
        conn.execute(f"SET ROLE {T_ALPHA}")
        assert conn.execute("SELECT session_user::text, current_user::text").fetchone() == (AUTH, T_ALPHA)
        yield conn


def beta_fingerprint(db: psycopg.Connection, beta: object) -> tuple:
    """Everything of beta's that a write could touch, seen by the superuser."""
    return db.execute("""SELECT (SELECT string_agg(id::text || version || coalesce(notes, '') || status, ',' ORDER BY id)
                                   FROM fieldmap.field_mappings WHERE tenant_id = %(b)s),
                                (SELECT count(*) FROM fieldmap.connector_definitions WHERE tenant_id = %(b)s),
                                (SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %(b)s),
                                (SELECT last_pos FROM fieldmap.audit_chain_heads WHERE tenant_id = %(b)s)""",
                      {"b": beta}).fetchone()


def test_the_reproduction_reaches_nothing_of_beta(db: psycopg.Connection, tenants: dict,
                                                  auth: psycopg.Connection) -> None:
    before = beta_fingerprint(db, tenants["beta"])
    with raises_sqlstate("MR003", f"role {T_ALPHA} may not act for tenant"):
        auth.execute("SELECT fieldmap.set_context('beta')")
    # the raw setting is checked just the same, for the role of the request
    auth.execute("SELECT set_config('fieldmap.tenant_id', %s, false)", (str(tenants["beta"]),))
    for relation in TENANT_RELATIONS:
        with raises_sqlstate("MR003", "may not act for"):
            auth.execute(f"SELECT count(*) FROM fieldmap.{relation}").fetchone()
    with raises_sqlstate("MR003"):
        auth.execute("UPDATE fieldmap.field_mappings SET notes = 'x' WHERE source_field = 'dealname'")
    with raises_sqlstate("MR003"):
        auth.execute(f"SELECT count(*) FROM fieldmap.search_similar({BETA_VECTOR}, 10)")
    assert beta_fingerprint(db, tenants["beta"]) == before


def test_acting_for_alpha_every_path_shows_and_changes_only_alpha(db: psycopg.Connection, tenants: dict,
                                                                  auth: psycopg.Connection) -> None:
    alpha, beta = tenants["alpha"], tenants["beta"]
    before = beta_fingerprint(db, beta)
    auth.execute("SELECT fieldmap.set_context('alpha', for_session => true)")
    for relation in TENANT_RELATIONS:
        column = "id" if relation == "tenants" else "tenant_id"
        seen = {r[0] for r in auth.execute(f"SELECT DISTINCT {column} FROM fieldmap.{relation}").fetchall()}
        assert seen <= {alpha}, f"{relation} shows another tenant as {T_ALPHA}"
    assert auth.execute("SELECT count(*) FROM fieldmap.lineage_grid").fetchone()[0] == 191
    # writes aimed at beta's rows touch nothing of beta's
    assert auth.execute("UPDATE fieldmap.field_mappings SET notes = 'x' WHERE source_field = 'dealname'").rowcount == 1
    assert auth.execute("UPDATE fieldmap.field_mappings SET notes = 'y' WHERE tenant_id = %s", (beta,)).rowcount == 0
    assert auth.execute("DELETE FROM fieldmap.mapping_embeddings WHERE tenant_id = %s", (beta,)).rowcount == 0
    with raises_sqlstate("42501", "row-level security"):
        auth.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                        VALUES (%s, 'evil', 'file')""", (beta,))
    # the API: history, as-of, restore, find, seal, verify, import, export, compare
    mapping = tenants["beta_mapping"]
    assert auth.execute("SELECT count(*) FROM fieldmap.mapping_history(%s)", (mapping,)).fetchone()[0] == 0
    assert auth.execute("SELECT count(*) FROM fieldmap.mapping_as_of(%s, now())", (mapping,)).fetchone()[0] == 0
    with raises_sqlstate("MR004"):
        auth.execute("SELECT fieldmap.restore_mapping_version(%s, 1)", (mapping,))
    assert auth.execute("SELECT fieldmap.find_mapping('hubspot', 'opportunity.name')").fetchone()[0] != mapping
    for call in ("SELECT fieldmap.seal_audit_chain('beta')", "SELECT * FROM fieldmap.verify_audit_chain('beta')"):
        with raises_sqlstate("MR003", "may not act for"):
            auth.execute(call)
    assert auth.execute("SELECT tenant_id FROM fieldmap.verify_audit_chain()").fetchone()[0] == alpha
    # search and suggest: beta's vector (the query itself) is found nowhere; alpha has none
    assert auth.execute(f"SELECT count(*) FROM fieldmap.search_similar({BETA_VECTOR}, 10)").fetchone()[0] == 0
    with raises_sqlstate("MR004"):
        auth.execute("SELECT * FROM fieldmap.similar_to_mapping(%s)", (mapping,))
    db.execute(f"""INSERT INTO fieldmap.schema_embeddings (embedding_model, entity_name, field_name, embedding_text,
                                                          embedding_vector)
                   SELECT fieldmap.default_embedding_model(), entity_name, field_name, embedding_text, {BETA_VECTOR}
                     FROM fieldmap.schema_embedding_texts""")
    proposals = auth.execute(f"""SELECT evidence FROM fieldmap.suggest_mapping('hubspot', 'deals', 'dealname', 'string',
                                                                             {BETA_VECTOR}, 3)""").fetchall()
    assert proposals and all(p[0]["similar_mappings"] == [] for p in proposals)
    doc = yaml.safe_load((FIXTURES / "legacy-yaml" / "hubspot.yaml").read_text())
    doc["opportunity"]["fields"]["stage"] = "hs_deal_stage"
    report = auth.execute("SELECT fieldmap.import_mappings('hubspot', %s::jsonb)", (json.dumps(doc),)).fetchone()[0]
    assert (report["updated"], report["unchanged"]) == (1, 28)
    exported = auth.execute("SELECT fieldmap.export_mappings('hubspot')").fetchone()[0]
    assert exported["opportunity"]["fields"]["stage"] == "hs_deal_stage"
    assert auth.execute("SELECT count(*) FROM fieldmap.compare_mappings('hubspot', %s::jsonb)",
                        (json.dumps(doc),)).fetchone()[0] == 0
    assert beta_fingerprint(db, beta) == before
    # beta's stage is still dealstage
    db.execute("SELECT fieldmap.set_context('beta', for_session => true)")
    assert db.execute("SELECT fieldmap.export_mappings('hubspot')->'opportunity'->'fields'->>'stage'").fetchone()[0] \
        == "dealstage"


def test_the_owners_all_tenants_mode_is_not_honoured_for_an_app_role(db: psycopg.Connection, tenants: dict,
                                                                     auth: psycopg.Connection) -> None:
    auth.execute("SET fieldmap._all_tenants = on")
    with raises_sqlstate("MR003", "no tenant in context"):
        auth.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()
    # nor inside SECURITY DEFINER code that runs as the owner
    auth.execute("SELECT fieldmap.set_context('alpha', for_session => true)")
    mapping = tenants["beta_mapping"]
    assert auth.execute("SELECT count(*) FROM fieldmap.mapping_history(%s)", (mapping,)).fetchone()[0] == 0


def test_reset_role_back_to_the_authenticator_reaches_no_tenant(db: psycopg.Connection, tenants: dict,
                                                               auth: psycopg.Connection) -> None:
    auth.execute("RESET ROLE")
    assert auth.execute("SELECT current_user::text").fetchone()[0] == AUTH
    # NOINHERIT: it holds none of its members' privileges, not even the schema's
    for call in ("SELECT fieldmap.set_context('alpha')", "SELECT count(*) FROM fieldmap.field_mappings"):
        with raises_sqlstate("42501", "permission denied"):
            auth.execute(call).fetchone()


def test_membership_of_a_tenant_role_without_its_privileges_is_not_enough(db: psycopg.Connection,
                                                                          tenants: dict) -> None:
    """Membership counts as USAGE (holding the role's privileges), not MEMBER:
    a NOINHERIT member of alpha's role that can reach the API on its own
    still acts for no tenant until it switches to that role."""
    ensure_login_role(db, "fm_test_noinherit", T_ALPHA, inherit=False)
    db.execute("GRANT USAGE ON SCHEMA fieldmap TO fm_test_noinherit")
    db.execute("GRANT EXECUTE ON FUNCTION fieldmap.set_context(text, uuid, text, text, boolean) TO fm_test_noinherit")
    db.execute("GRANT EXECUTE ON FUNCTION fieldmap.current_tenant_id() TO fm_test_noinherit")
    with login(db, "fm_test_noinherit") as conn:
        with raises_sqlstate("MR003", "role fm_test_noinherit may not act for tenant"):
            conn.execute("SELECT fieldmap.set_context('alpha')")
        conn.execute("SELECT set_config('fieldmap.tenant_id', %s, false)", (str(tenants["alpha"]),))
        with raises_sqlstate("MR003", "may not act for"):
            conn.execute("SELECT fieldmap.current_tenant_id()")
        conn.execute(f"SET ROLE {T_ALPHA}")
        assert conn.execute("SELECT fieldmap.current_tenant_id()").fetchone()[0] == tenants["alpha"]


def test_switching_to_betas_role_acts_for_beta_only(db: psycopg.Connection, tenants: dict,
                                                   auth: psycopg.Connection) -> None:
    auth.execute(f"SET ROLE {T_BETA}")
    auth.execute("SELECT fieldmap.set_context('beta', for_session => true)")
    assert auth.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 29
    with raises_sqlstate("MR003"):
        auth.execute("SELECT fieldmap.set_context('alpha')")
    # per transaction, as PostgREST does it: SET LOCAL ROLE inside the request's transaction
    auth.execute("RESET ROLE")
    auth.execute("RESET fieldmap.tenant_id")
    with auth.transaction():
        auth.execute(f"SET LOCAL ROLE {T_ALPHA}")
        auth.execute("SELECT fieldmap.set_context('alpha')")
        assert auth.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 191
    with raises_sqlstate("42501"):  # the transaction is over: back to the authenticator, which holds nothing
        auth.execute("SELECT fieldmap.set_context('alpha')")


def test_an_inheriting_member_of_two_tenant_roles_acts_for_both_until_it_switches(db: psycopg.Connection,
                                                                                 tenants: dict) -> None:
    ensure_login_role(db, "fm_test_two_tenants", T_ALPHA, T_BETA)
    with login(db, "fm_test_two_tenants") as conn:
        for tenant, n in (("alpha", 191), ("beta", 29)):
            conn.execute("SELECT fieldmap.set_context(%s, for_session => true)", (tenant,))
            assert conn.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == n
        conn.execute(f"SET ROLE {T_ALPHA}")
        with raises_sqlstate("MR003"):
            conn.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()  # beta still set: refused
        with raises_sqlstate("MR003"):
            conn.execute("SELECT fieldmap.set_context('beta')")


def test_a_direct_member_of_one_tenant_works_as_before(db: psycopg.Connection, tenants: dict) -> None:
    ensure_login_role(db, "fm_test_alpha_only", "fieldmap_writer")
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name) VALUES (%s, 'fm_test_alpha_only')",
               (tenants["alpha"],))
    with login(db, "fm_test_alpha_only") as conn:
        conn.execute("SELECT fieldmap.set_context('alpha', for_session => true)")
        assert conn.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 191
        assert conn.execute("UPDATE fieldmap.field_mappings SET notes = 'n' WHERE source_field = 'dealname'"
                            ).rowcount == 1
        with raises_sqlstate("MR003"):
            conn.execute("SELECT fieldmap.set_context('beta')")
