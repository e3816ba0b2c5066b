"""Test databases: a template deployed once per session by the real Sqitch,
then one fresh clone per test (pytest-postgresql's no-process fixture against
the project-local cluster or DATABASE_URL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pytest_postgresql import factories
from support import server_params, sqitch, url_for

_server = server_params()


def deploy_template(host: str, port: int, user: str, dbname: str, password: str | None, **_: object) -> None:
    """pytest-postgresql loader: deploy every Sqitch change, verifying each."""
    sqitch(url_for(dbname), "deploy", "--verify")


postgresql_template = factories.postgresql_noproc(
    host=_server["host"], port=_server["port"], user=_server["user"], password=_server["password"],
    dbname="fieldmap_test", load=[deploy_template])
postgresql = factories.postgresql("postgresql_template")


@pytest.fixture
def db(postgresql: psycopg.Connection) -> psycopg.Connection:
    """A connection (autocommit) to a fresh database cloned from the template."""
    postgresql.autocommit = True
    return postgresql


@pytest.fixture
def db_url(db: psycopg.Connection) -> str:
    return url_for(db.info.dbname)


@pytest.fixture
def scratch_url() -> Iterator[str]:
    """An empty database (no Sqitch changes) for migration tests; dropped afterwards."""
    name = f"fieldmap_scratch_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url_for(name)
    finally:
        with psycopg.connect(url_for("postgres"), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def tenant(db: psycopg.Connection) -> uuid.UUID:
    return db.execute("INSERT INTO fieldmap.tenants (slug, name) VALUES ('acme', 'Acme') RETURNING id").fetchone()[0]


@pytest.fixture
def acme(db: psycopg.Connection) -> dict:
    """Tenant acme with a user (ann), a connector and the account entity; the
    session acts for acme as ann."""
    from registry import (
        load_entity,
        make_connector,
        make_tenant,
        make_user,
        set_context,
    )

    entity = load_entity(db)
    tenant = make_tenant(db, "acme")
    user = make_user(db, tenant, "ann@acme.test", "Ann Example")
    set_context(db, "acme", user, "test setup", "trace-setup")
    connector = make_connector(db, tenant)
    return {"tenant": tenant, "user": user, "connector": connector, "entity": entity}


@pytest.fixture
def demo(db: psycopg.Connection, db_url: str) -> str:
    """The canonical entities and an empty tenant demo, made with the CLI; the database's URL."""
    from support import ENTITIES_YAML, fieldmap_cli

    assert fieldmap_cli(db_url, "entities", "load", str(ENTITIES_YAML)).returncode == 0
    out = fieldmap_cli(db_url, "tenant", "add", "demo")
    assert out.returncode == 0, out.stderr
    return db_url
