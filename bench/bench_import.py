"""Importing legacy YAML (issue: migration from YAML).

- the 191 legacy mappings: wall time of the real CLI (`fieldmap import`,
  Python start-up, YAML parsing and audit included), median of 5 runs, each
  into a fresh tenant;
- 100,000 generated mappings in one document through
  fieldmap.import_mappings: mappings/s with audit on, and the ratio to the
  same import with the registry's triggers disabled (median of 3 each);
- the same document imported again into a tenant that has it (all
  unchanged, as a cron job re-importing a registry does), median of 3."""

from __future__ import annotations

import json
import statistics
import time

import psycopg
from synthetic import ENTITIES_YAML, LEGACY, fieldmap_cli, scaled

N = scaled(100_000, 2_000)


def _legacy_wall(url: str) -> float:
    files = sorted(str(p) for p in LEGACY.glob("*.yaml"))
    fieldmap_cli(url, "entities", "load", str(ENTITIES_YAML))
    times = []
    for i in range(scaled(5, 1)):
        fieldmap_cli(url, "tenant", "add", f"legacy-{i}")
        t0 = time.perf_counter()
        fieldmap_cli(url, "import", "--tenant", f"legacy-{i}", *files)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _bulk(url: str) -> tuple[float, float]:
    doc = json.dumps({"account": {"fields": {f"extras.x{i}": f"source_field_{i}" for i in range(N)}}})
    on, off = [], []
    with psycopg.connect(url, autocommit=True) as conn:
        for round_ in range(scaled(3, 1)):
            for audited in ((True, False) if round_ % 2 == 0 else (False, True)):
                slug = f"bulk-{round_}-{'on' if audited else 'off'}"
                conn.execute("SELECT fieldmap.create_tenant(%s)", (slug,))
                state = "ENABLE" if audited else "DISABLE"
                for table in ("field_mappings", "connector_definitions"):
                    conn.execute(f"ALTER TABLE fieldmap.{table} {state} TRIGGER USER")
                with conn.transaction():
                    conn.execute("SELECT fieldmap.set_context(%s)", (slug,))
                    t0 = time.perf_counter()
                    report = conn.execute("SELECT fieldmap.import_mappings('generated', %s::jsonb)", (doc,)).fetchone()[0]
                    (on if audited else off).append(time.perf_counter() - t0)
                assert report["created"] == N, report
        for table in ("field_mappings", "connector_definitions"):
            conn.execute(f"ALTER TABLE fieldmap.{table} ENABLE TRIGGER USER")
    return statistics.median(on), statistics.median(off)


def _again(url: str) -> float:
    doc = json.dumps({"account": {"fields": {f"extras.x{i}": f"source_field_{i}" for i in range(N)}}})
    seconds = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT fieldmap.set_context('bulk-0-on', for_session => true)")  # imported by _bulk
        for _ in range(3):
            t0 = time.perf_counter()
            report = conn.execute("SELECT fieldmap.import_mappings('generated', %s::jsonb)", (doc,)).fetchone()[0]
            seconds.append(time.perf_counter() - t0)
            assert report["unchanged"] == N, report
    return statistics.median(seconds)


def run(url: str) -> list[dict]:
    wall = _legacy_wall(url)
    on, off = _bulk(url)
    again = _again(url)
    rate = N / on
    return [
        {"metric": "import the 191 legacy mappings (CLI wall time, audit included)", "seed_target": "-",
         "goal": "<= 1 s", "median": f"{wall:.2f} s", "scale": "8 files, 191 mappings, 5 runs", "met": wall <= 1.0},
        {"metric": "import generated mappings, audit on", "seed_target": "-", "goal": ">= 10,000 mappings/s",
         "median": f"{rate:,.0f} mappings/s ({on:.2f} s)", "scale": "100k mappings, one document, 3 runs",
         "met": rate >= 10_000},
        {"metric": "import generated mappings, audit off / audit on (info)", "seed_target": "-", "goal": "-",
         "median": f"{N / off:,.0f} mappings/s; audited takes {on / off:.2f}x", "scale": "100k mappings, 3 runs",
         "met": True},
        {"metric": "import the same document again (all unchanged)", "seed_target": "-", "goal": ">= 10,000 mappings/s",
         "median": f"{N / again:,.0f} mappings/s ({again:.2f} s)", "scale": "100k mappings, one document, 3 runs",
         "met": N / again >= 10_000},
    ]
