"""Building blocks for tests of the audited registry: tenants, users,
connectors and mappings made through the real tables and triggers, and
app roles that act as a real client would (SET SESSION AUTHORIZATION on a
superuser connection changes session_user, which the tenant checks use)."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

ENTITY_DOC = '{"account": {"fields": {"account_id": "string!", "name": "string", "industry": "string", "extras": "object"}}}'

# cluster-wide login roles used by the tests, one per group role and tenant
TEST_ROLES = {
    "fm_test_writer_a": "fieldmap_writer",
    "fm_test_reader_a": "fieldmap_reader",
    "fm_test_auditor_a": "fieldmap_auditor",
    "fm_test_writer_b": "fieldmap_writer",
}


def ensure_test_roles(db: psycopg.Connection) -> None:
    for role, group in TEST_ROLES.items():
        db.execute(sql.SQL("""DO $$ BEGIN
                                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {r}) THEN
                                  CREATE ROLE {i} LOGIN;
                                END IF; END $$""").format(r=sql.Literal(role), i=sql.Identifier(role)))
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))


def set_context(db: psycopg.Connection, tenant: str, actor: uuid.UUID | None = None, reason: str | None = None,
                trace: str | None = None) -> uuid.UUID:
    """Session-wide context (the test connections run in autocommit)."""
    return db.execute("SELECT fieldmap.set_context(%s, %s, %s, %s, true)", (tenant, actor, reason, trace)).fetchone()[0]


def make_tenant(db: psycopg.Connection, slug: str, settings: str = "{}") -> uuid.UUID:
    return db.execute("INSERT INTO fieldmap.tenants (slug, name, settings) VALUES (%s, %s, %s) RETURNING id",
                      (slug, slug.title(), settings)).fetchone()[0]


def make_user(db: psycopg.Connection, tenant: uuid.UUID, email: str, name: str | None = None) -> uuid.UUID:
    return db.execute("INSERT INTO fieldmap.users (tenant_id, email, display_name) VALUES (%s, %s, %s) RETURNING id",
                      (tenant, email, name)).fetchone()[0]


def load_entity(db: psycopg.Connection) -> uuid.UUID:
    db.execute("SELECT * FROM fieldmap.load_entities(%s::json)", (ENTITY_DOC,))
    return db.execute("SELECT id FROM fieldmap.entity_schemas WHERE entity_name = 'account'").fetchone()[0]


def make_connector(db: psycopg.Connection, tenant: uuid.UUID, name: str = "salesforce") -> uuid.UUID:
    return db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                         VALUES (%s, %s, 'rest_api') RETURNING id""", (tenant, name)).fetchone()[0]


def make_mapping(db: psycopg.Connection, tenant: uuid.UUID, connector: uuid.UUID, entity: uuid.UUID,
                 source_field: str = "Id", canonical_field: str = "account_id", **extra: object) -> uuid.UUID:
    row = {"tenant_id": tenant, "connector_id": connector, "entity_schema_id": entity, "source_table": "Account",
           "source_field": source_field, "canonical_entity": "account", "canonical_field": canonical_field, **extra}
    q = sql.SQL("INSERT INTO fieldmap.field_mappings ({}) VALUES ({}) RETURNING id").format(
        sql.SQL(", ").join(map(sql.Identifier, row)), sql.SQL(", ").join(map(sql.Placeholder, row)))
    return db.execute(q, row).fetchone()[0]


def mapping_row(db: psycopg.Connection, mapping: uuid.UUID) -> dict:
    with db.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM fieldmap.field_mappings WHERE id = %s", (mapping,)).fetchone()


def audit_rows(db: psycopg.Connection, object_id: uuid.UUID) -> list[dict]:
    with db.cursor(row_factory=dict_row) as cur:
        return cur.execute("SELECT * FROM fieldmap.audit_log WHERE object_id = %s ORDER BY seq",
                           (object_id,)).fetchall()


def ensure_login_role(db: psycopg.Connection, role: str, *groups: str, inherit: bool = True) -> None:
    """A cluster-wide login role (created once), member of the given roles."""
    db.execute(sql.SQL("""DO $$ BEGIN
                            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {r}) THEN
                              CREATE ROLE {i} LOGIN;
                            END IF; END $$""").format(r=sql.Literal(role), i=sql.Identifier(role)))
    db.execute(sql.SQL("ALTER ROLE {} {}").format(sql.Identifier(role), sql.SQL("INHERIT" if inherit else "NOINHERIT")))
    for group in groups:
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))


def ensure_group_role(db: psycopg.Connection, role: str, *groups: str) -> None:
    """A cluster-wide NOLOGIN role (created once), member of the given roles."""
    db.execute(sql.SQL("""DO $$ BEGIN
                            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {r}) THEN
                              CREATE ROLE {i} NOLOGIN;
                            END IF; END $$""").format(r=sql.Literal(role), i=sql.Identifier(role)))
    for group in groups:
        db.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(role)))


def login(db: psycopg.Connection, role: str) -> psycopg.Connection:
    """A real login as a role to the same database (session_user is that role), autocommit."""
    from support import url_for

    return psycopg.connect(url_for(db.info.dbname, user=role), autocommit=True)


@contextlib.contextmanager
def acting_as(db: psycopg.Connection, role: str) -> Iterator[psycopg.Connection]:
    """Run as a login role: session_user and current_user become that role."""
    db.execute(sql.SQL("SET SESSION AUTHORIZATION {}").format(sql.Identifier(role)))
    try:
        yield db
    finally:
        if db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            db.rollback()
        db.execute("RESET SESSION AUTHORIZATION")
        db.execute("RESET ALL")


@contextlib.contextmanager
def raises_sqlstate(code: str, match: str | None = None) -> Iterator[pytest.ExceptionInfo]:
    """The block fails with exactly this SQLSTATE (fieldmap's own MRnnn or
    PostgreSQL's), and the message matches when a pattern is given."""
    with pytest.raises(psycopg.Error) as info:
        yield info
    assert info.value.sqlstate == code, f"expected SQLSTATE {code}, got {info.value.sqlstate}: {info.value}"
    if match is not None:
        assert re.search(match, str(info.value)), f"{match!r} not in {info.value}"
