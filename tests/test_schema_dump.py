"""db/schema.sql is the schema the Sqitch changes deploy, as pg_dump prints
it (policies, triggers, grants and owners included): reviewable in a diff,
and never stale. `make schema` rewrites it."""

from __future__ import annotations

import difflib

from support import load_script

schema = load_script("schema")


def test_schema_sql_is_the_deployed_schema(db_url: str) -> None:
    committed = schema.SCHEMA_SQL.read_text()
    assert committed.startswith(schema.HEADER)
    deployed = schema.HEADER + "\n" + schema.dump(db_url)
    if committed != deployed:
        diff = "".join(list(difflib.unified_diff(committed.splitlines(True), deployed.splitlines(True),
                                                 "db/schema.sql", "deployed"))[:60])
        raise AssertionError(f"db/schema.sql is stale: run 'make schema' and commit it\n{diff}")


def test_schema_sql_shows_every_policy_trigger_and_grant() -> None:
    text = schema.SCHEMA_SQL.read_text()
    assert text.count("CREATE POLICY tenant_isolation ON fieldmap.") == 9  # every tenant-owned table
    assert "CREATE TRIGGER _50_audit_update AFTER UPDATE ON fieldmap.field_mappings" in text
    assert "GRANT SELECT ON TABLE fieldmap.lineage_grid TO fieldmap_reader;" in text
