"""The README's examples run as written: every ```sql block marked
<!-- readme-test: NAME --> runs under psql (stopping at the first error) on
a database set up as `make demo` leaves it."""

from __future__ import annotations

import re

import psycopg
import pytest
from support import ROOT, cli, legacy_files, psql

BLOCKS = dict(re.findall(r"<!-- readme-test: ([\w-]+) -->\s*```sql\n(.*?)```", (ROOT / "README.md").read_text(),
                         re.S))


def test_the_readme_marks_its_runnable_blocks() -> None:
    assert "dba-session" in BLOCKS


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_a_readme_sql_block_runs_as_written(db: psycopg.Connection, demo: str, name: str) -> None:
    rc, _, err = cli(demo, "import", *legacy_files())
    assert rc == 0, err
    out = psql(demo, BLOCKS[name], cwd=ROOT)
    assert out.returncode == 0, f"README block {name} failed:\n{out.stderr}"
    if name == "dba-session":  # it changed, looked back and restored hubspot's stage mapping
        assert db.execute("""SELECT version, confidence_score, notes FROM fieldmap.field_mappings
                              WHERE source_field = 'dealstage' AND canonical_field = 'stage'""").fetchone() == (3, 1.0, None)
        assert "{confidence_score,notes}" in out.stdout  # the history showed the change
