"""validate_mappings throughput (issue: mapping semantics in SQL).

One tenant with 2,000 connectors of 5 to 50 mappings each (Field<i> ->
bench.extras.f<i>, every fourth with to_number, every fourth other with
trim); three stored sample records per connector holding every field the
connector maps. One
validate_mappings() call checks every active mapping of the tenant (the
four checks, 4 result rows per mapping, the mapping's observations and
status written), timed end to end at 10,000 and 100,000 mappings."""

from __future__ import annotations

import time

import psycopg
from synthetic import QUICK, grow, registry, scaled

CONNECTORS = scaled(2_000, 20)

TRANSFORMS = """
UPDATE fieldmap.field_mappings
   SET transformation_rule = CASE WHEN substr(source_field, 6)::int % 4 = 0 THEN '{"transform": "to_number"}'
                                  ELSE '{"transform": "trim"}' END::jsonb
 WHERE substr(source_field, 6)::int % 2 = 0
"""

SAMPLES = """
SELECT fieldmap.add_samples(c.connector_name, 'bench', (
         SELECT jsonb_agg(rec) FROM (
           SELECT jsonb_object_agg(f.source_field, CASE WHEN substr(f.source_field, 6)::int % 4 = 0
                                                        THEN to_jsonb((n * 7 + substr(f.source_field, 6)::int) % 100)
                                                        ELSE to_jsonb(' value ' || n) END) AS rec
             FROM generate_series(1, 3) n, fieldmap.field_mappings f
            WHERE f.connector_id = c.id
            GROUP BY n) r))
  FROM fieldmap.connector_definitions c
"""


def run(url: str) -> list[dict]:
    rows = []
    with psycopg.connect(url, autocommit=True) as conn:
        registry(conn, 1, CONNECTORS)
        conn.execute("SELECT fieldmap.set_context('bench-1', for_session => true)")
        lo = 1
        for total in ((500, 2_000) if QUICK else (10_000, 100_000)):
            grow(conn, lo, total, CONNECTORS)
            lo = total + 1
            conn.execute(TRANSFORMS)
            conn.execute("DELETE FROM fieldmap.connector_samples")
            conn.execute(SAMPLES)
            conn.execute("VACUUM ANALYZE")
            t0 = time.perf_counter()
            checked = conn.execute("SELECT count(*), count(*) FILTER (WHERE validation_status = 'failed') "
                                   "FROM fieldmap.validate_mappings()").fetchone()
            seconds = time.perf_counter() - t0
            assert checked == (total, 0), checked
            rate = total / seconds
            rows.append({"metric": "validate_mappings throughput", "seed_target": "-", "goal": "reported",
                         "median": f"{rate:,.0f} mappings/s ({seconds:.1f} s)",
                         "scale": f"{total:,} mappings of one tenant, 3 samples each, 4 checks written per mapping",
                         "met": True})
    return rows
