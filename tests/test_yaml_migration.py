"""Migration of the legacy YAML registry: import, export, verify-migration,
replace mode, audit of imports, and every kind of bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import psycopg
import pytest
import yaml
from support import LEGACY, cli, fieldmap_cli, legacy_files

COUNTS = {"dynamics": 8, "filesource": 64, "hubspot": 29, "mongodb": 23, "pipedrive": 11, "salesforce": 27,
          "supabase": 21, "zendesk": 8}




def mapping_count(db: psycopg.Connection) -> int:
    return db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0]


def test_all_191_legacy_mappings_import_verify_and_reimport_unchanged(db: psycopg.Connection, demo: str) -> None:
    rc, report, err = cli(demo, "import", "--reason", "legacy migration", *legacy_files())
    assert rc == 0, err
    assert {Path(f["file"]).stem: f["created"] for f in report["files"]} == COUNTS
    assert report["total"]["created"] == 191 and report["total"]["rejected"] == 0

    rc, result, err = cli(demo, "verify-migration", *legacy_files())
    assert rc == 0, err
    assert result["differences"] == 0
    assert {c["connector"]: (c["yaml"], c["db"]) for c in result["connectors"]} == {k: (v, v) for k, v in COUNTS.items()}

    # every import is audited with its change reason
    reasons = db.execute("""SELECT DISTINCT change_reason FROM fieldmap.audit_log
                             WHERE object_type = 'field_mapping'""").fetchall()
    assert reasons == [("legacy migration",)]
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE object_type = 'field_mapping'"
                      " AND action = 'created'").fetchone()[0] == 191

    audit_before = db.execute("SELECT count(*) FROM fieldmap.audit_log").fetchone()[0]
    rc, report, _ = cli(demo, "import", *legacy_files())
    assert rc == 0 and report["total"]["created"] == 0 and report["total"]["unchanged"] == 191
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log").fetchone()[0] == audit_before


def test_export_round_trip_gives_the_files_mappings_back(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    assert cli(demo, "import", *legacy_files())[0] == 0
    rc, written, err = cli(demo, "export", "--out", str(tmp_path))
    assert rc == 0, err
    assert {w["connector"]: w["mappings"] for w in written["files"]} == COUNTS
    rc, result, _ = cli(demo, "verify-migration", *sorted(str(p) for p in tmp_path.glob("*.yaml")))
    assert rc == 0 and result["differences"] == 0
    # canonical-first files come back identical, as data
    for name in ("salesforce", "hubspot", "filesource", "dynamics"):
        original = yaml.safe_load((LEGACY / f"{name}.yaml").read_text())
        assert yaml.safe_load((tmp_path / f"{name}.yaml").read_text()) == original
    # the source-first entries come back canonical-first
    mongo = yaml.safe_load((tmp_path / "mongodb.yaml").read_text())
    assert mongo["account"]["fields"]["extras.annual_revenue"] == "annual_revenue"
    # canonical order: entities and fields sorted by name
    text = (tmp_path / "hubspot.yaml").read_text()
    assert text.index("account:") < text.index("contact:") < text.index("opportunity:")


def test_a_hand_altered_database_row_is_reported_precisely(db: psycopg.Connection, demo: str) -> None:
    assert cli(demo, "import", *legacy_files())[0] == 0
    db.execute("""UPDATE fieldmap.field_mappings SET source_field = 'AccountName'
                   WHERE canonical_entity = 'account' AND canonical_field = 'name' AND source_field = 'Name'""")
    rc, result, _ = cli(demo, "verify-migration", str(LEGACY / "salesforce.yaml"))
    assert rc == 4
    assert result["connectors"][0]["differences"] == [{
        "entity": "account", "field": "name", "difference": "mismatch",
        "in_file": "account.Name", "in_database": "account.AccountName"}]


def test_hand_altered_yaml_entries_are_reported_precisely(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    doc = yaml.safe_load((LEGACY / "hubspot.yaml").read_text())
    doc["account"]["fields"]["industry"] = "industry_v2"        # changed
    del doc["contact"]["fields"]["phone"]                        # removed
    doc["contact"]["fields"]["role"] = "hs_role"                 # added
    path = tmp_path / "hubspot.yaml"
    path.write_text(yaml.safe_dump(doc))
    rc, result, _ = cli(demo, "verify-migration", str(path))
    assert rc == 4
    diffs = {(d["entity"], d["field"], d["difference"]) for d in result["connectors"][0]["differences"]}
    assert diffs == {("account", "industry", "mismatch"), ("contact", "phone", "missing in file"),
                     ("contact", "role", "missing in database")}
    assert result["connectors"][0]["mismatched"] == 1


def test_replace_mode_deprecates_and_never_deletes(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    assert cli(demo, "import", str(LEGACY / "salesforce.yaml"))[0] == 0
    doc = yaml.safe_load((LEGACY / "salesforce.yaml").read_text())
    del doc["contact"]
    path = tmp_path / "salesforce.yaml"
    path.write_text(yaml.safe_dump(doc))
    rc, report, _ = cli(demo, "import", "--mode", "replace", "--dry-run", str(path))
    assert rc == 0 and report["total"]["deprecated"] == 10
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings WHERE status = 'deprecated'").fetchone()[0] == 0
    rc, report, _ = cli(demo, "import", "--mode", "replace", str(path))
    assert rc == 0 and report["total"]["deprecated"] == 10 and report["total"]["unchanged"] == 17
    assert mapping_count(db) == 27
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings WHERE status = 'deprecated'"
                      " AND canonical_entity = 'contact'").fetchone()[0] == 10
    assert db.execute("SELECT count(*) FROM fieldmap.audit_log WHERE action = 'deprecated'").fetchone()[0] == 10
    # importing the full file again brings them back
    rc, report, _ = cli(demo, "import", str(LEGACY / "salesforce.yaml"))
    assert report["total"]["updated"] == 10


def test_a_new_source_takes_the_imports_provenance_and_confidence(db: psycopg.Connection, acme: dict) -> None:
    """A rag guess corrected by hand reads manual 1.0, not rag 0.3; the same
    source, re-imported or reactivated, keeps what it had."""
    def imported(fields: str, **options: str) -> tuple:
        named = "".join(f", {k} => %({k})s" for k in options)
        db.execute(f"SELECT fieldmap.import_mappings('sf', %(doc)s::jsonb{named})",
                   {"doc": '{"account": {"fields": {"name": %s}}}' % fields, **options})
        return db.execute("SELECT source_field, mapping_source, confidence_score FROM fieldmap.field_mappings"
                          " WHERE canonical_field = 'name' AND status = 'active'").fetchone()

    assert imported('{"source": "Guess", "confidence": 0.3}', mapping_source="rag") == ("Guess", "rag", 0.3)
    assert imported('"Guess"') == ("Guess", "rag", 0.3)  # the same source: unchanged
    assert imported('"Name"') == ("Name", "manual", 1.0)  # a new source: the import's
    assert imported('{"source": "Title", "confidence": 0.7}', mapping_source="llm") == ("Title", "llm", 0.7)
    db.execute("UPDATE fieldmap.field_mappings SET status = 'deprecated' WHERE canonical_field = 'name'")
    assert imported('"Title"') == ("Title", "llm", 0.7)  # reactivated with its source: kept


def test_a_misspelt_file_name_makes_no_connector(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    misspelt = tmp_path / "hubspt.yaml"
    shutil.copy(LEGACY / "hubspot.yaml", misspelt)
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(misspelt), str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert (f"{misspelt}: tenant demo has no connector hubspt (did you mean hubspot?); name the file hubspot.yaml, "
            "or give --new-connector to create it") in out.stderr, out.stderr
    assert db.execute("SELECT array_agg(connector_name ORDER BY 1) FROM fieldmap.connector_definitions").fetchone() \
        == (["hubspot"],)  # nothing of either file: zendesk waits for the fix too
    rc, report, err = cli(demo, "import", "--new-connector", str(misspelt))
    assert rc == 0 and report["total"]["created"] == 29, err


def test_direction_is_detected_refused_when_ambiguous_and_can_be_forced(db: psycopg.Connection, demo: str,
                                                                        tmp_path: Path) -> None:
    old = tmp_path / "hubspot_old.yaml"
    old.write_text("account:\n  fields:\n    hs_object_id: account_id\n    company_name: name\n"
                   "    company_type: {target: type, transform: lowercase}\n")
    rc, report, err = cli(demo, "import", str(old))
    assert rc == 0, err
    rows = db.execute("""SELECT source_field, canonical_field, mapping_type, transformation_rule FROM fieldmap.field_mappings
                          ORDER BY source_field""").fetchall()
    assert rows == [("company_name", "name", "direct", None),
                    ("company_type", "type", "transformed", {"transform": "lowercase"}),
                    ("hs_object_id", "account_id", "direct", None)]
    ambiguous = tmp_path / "swapped.yaml"
    ambiguous.write_text("account:\n  fields:\n    name: type\n    type: name\n")
    rc, _, err = cli(demo, "import", str(ambiguous))
    assert rc == 1 and 'entity "account": cannot tell' in err and str(ambiguous) in err
    rc, report, err = cli(demo, "import", "--direction", "source-first", str(ambiguous))
    assert rc == 0, err


def test_names_are_stored_verbatim_never_executed(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    nasty = ["it's", 'semi;colon', "100%", "$1", "ünïcødé 字段", "x'); DROP TABLE fieldmap.tenants; --",
             "%s %(x)s", "\\\\backslash"]
    doc = {"account": {"fields": {f"extras.f{i}": s for i, s in enumerate(nasty)}}}
    path = tmp_path / "weird.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    rc, report, err = cli(demo, "import", str(path))
    assert rc == 0, err
    stored = {r[0] for r in db.execute("SELECT source_field FROM fieldmap.field_mappings").fetchall()}
    assert stored == set(nasty)
    assert db.execute("SELECT count(*) FROM fieldmap.tenants").fetchone()[0] == 2
    rc, result, _ = cli(demo, "verify-migration", str(path))
    assert rc == 0 and result["differences"] == 0


def test_a_file_ten_times_the_legacy_size_imports(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    doc = {"account": {"fields": {f"extras.x{i}": f"src_{i}" for i in range(1910)}}}
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(doc))
    rc, report, err = cli(demo, "import", str(path))
    assert rc == 0, err
    assert report["total"]["created"] == 1910
    assert mapping_count(db) == 1910


def test_tenant_add_refuses_a_bad_slug_and_a_duplicate(db: psycopg.Connection, demo: str) -> None:
    out = fieldmap_cli(demo, "tenant", "add", "Bad Slug")
    assert out.returncode == 1 and 'tenant slug "Bad Slug" is invalid' in out.stderr
    out = fieldmap_cli(demo, "tenant", "add", "demo")
    assert out.returncode == 1 and 'tenant "demo" already exists' in out.stderr
    assert fieldmap_cli(demo, "tenant", "add", "demo", "--if-not-exists").returncode == 0


def test_a_tenant_is_never_created_by_an_import(db: psycopg.Connection, demo: str) -> None:
    out = fieldmap_cli(demo, "import", "--tenant", "ghost", str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 1 and 'unknown tenant "ghost"' in out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.tenants WHERE slug = 'ghost'").fetchone()[0] == 0


def test_dual_write_mirror_equals_export(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    mirror, export = tmp_path / "mirror", tmp_path / "export"
    rc, report, err = cli(demo, "import", "--mirror", str(mirror), *legacy_files())
    assert rc == 0, err
    assert len(report["mirror"]) == 8 and len(report["mirror_changed"]) == 8
    assert cli(demo, "export", "--out", str(export))[0] == 0
    for f in export.glob("*.yaml"):
        assert (mirror / f.name).read_text() == f.read_text()
    # an unchanged re-import says so; a changed connector is the one file that changed
    again = fieldmap_cli(demo, "import", "--tenant", "demo", "--mirror", str(mirror), *legacy_files())
    assert again.returncode == 0 and f"mirror: 0 of 8 files changed in {mirror}" in again.stdout, again.stdout
    changed = tmp_path / "zendesk.yaml"
    changed.write_text((LEGACY / "zendesk.yaml").read_text() + '    department: "department"\n')
    rc, report, err = cli(demo, "import", "--mirror", str(mirror), str(changed))
    assert rc == 0 and report["mirror_changed"] == ["zendesk.yaml"] and len(report["mirror"]) == 8, err


# --- bad input: one clear line naming file, entity and field; exit 1; nothing written

GOOD_ACCOUNT = "account:\n  fields:\n    account_id: Id\n    name: Name\n"
BAD = {
    "not_yaml": ("account: [Id, \n", ["invalid YAML"]),
    "tabs": ("account:\n\tfields:\n\t\taccount_id: Id\n", ["tab"]),
    "top_level_list": ("- account\n- contact\n", ["top level must be a mapping, got a list"]),
    "unknown_entity": (GOOD_ACCOUNT + "invoice:\n  fields:\n    total: Amount\n", ['entity "invoice"', "unknown canonical entity"]),
    "unknown_canonical_field": (GOOD_ACCOUNT.replace("name: Name", "nickname: Name"),
                                ['entity "account"', 'field "nickname"', 'unknown canonical field']),
    "long_name": (GOOD_ACCOUNT.replace("Name", "N" * 256), ['entity "account"', 'field "name"', "255 characters"]),
    "duplicate_keys": (GOOD_ACCOUNT + "    name: AccountName\n", ["duplicate key 'name'"]),
    "one_bad_entry": (GOOD_ACCOUNT + "    industry: {source: Industry, colour: red}\n",
                      ['entity "account"', 'field "industry"', 'unknown key "colour"']),
    "no_fields": ("account:\n  description: nothing\n", ['entity "account"', '"fields" must be a non-empty mapping']),
    "mixed_directions": ("account:\n  fields:\n    a: {target: name}\n    industry: {source: Industry}\n",
                         ['entity "account"', "cannot tell"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_clear_line_and_writes_nothing(db: psycopg.Connection, demo: str, tmp_path: Path,
                                                        case: str) -> None:
    text, needles = BAD[case]
    path = tmp_path / "salesforce.yaml"
    path.write_text(text)
    good = tmp_path / "zendesk.yaml"
    shutil.copy(LEGACY / "zendesk.yaml", good)
    before = db.execute("SELECT (SELECT count(*) FROM fieldmap.audit_log),"
                        " (SELECT count(*) FROM fieldmap.connector_definitions)").fetchone()
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(good), str(path))
    assert out.returncode == 1, (out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert str(path) in lines[0]
    for needle in needles:
        assert needle in lines[0], lines[0]
    assert mapping_count(db) == 0  # not even the good file before it
    assert db.execute("SELECT (SELECT count(*) FROM fieldmap.audit_log),"
                      " (SELECT count(*) FROM fieldmap.connector_definitions)").fetchone() == before


def test_missing_file(demo: str, tmp_path: Path) -> None:
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(tmp_path / "nope.yaml"))
    assert out.returncode == 1 and out.stderr.strip() == f"fieldmap: error: {tmp_path / 'nope.yaml'}: no such file"
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(tmp_path))  # a directory: said, with what to give
    assert out.returncode == 1 and f"is a directory, not a mapping file (give its files: {tmp_path}/*.yaml)" in out.stderr


def test_partial_import_takes_the_good_entries_and_reports_the_rest(db: psycopg.Connection, demo: str,
                                                                    tmp_path: Path) -> None:
    path = tmp_path / "salesforce.yaml"
    path.write_text(GOOD_ACCOUNT + "    nickname: Nick\n")
    rc, report, err = cli(demo, "import", "--partial", str(path))
    assert rc == 5, err  # some entries were rejected: a distinct exit code, so cron notices
    assert report["total"]["created"] == 2 and report["total"]["rejected"] == 1
    assert report["files"][0]["rejected"][0]["field"] == "nickname"
