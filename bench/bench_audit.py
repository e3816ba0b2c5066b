"""Cost and speed of the audit trail (issue: audit, history, tenancy).

- single-row mapping UPDATE throughput with stamp + audit triggers, as a
  share of the throughput with them disabled (pgbench, 1 client, each side
  timed against an unaudited copy updated in alternation; see _throughput);
- one 100,000-row UPDATE, audited vs. not (interleaved, median of 3 each),
  each after a one-row UPDATE in the same session;
- with 1,000,000 rows in the audit log of one tenant: the last 1,000 changes,
  mapping_as_of p95, verify_audit_chain over the whole chain, and how fast
  the sealer appends rows to the chain.
Timings of single queries are taken server-side in PL/pgSQL."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time

import psycopg
from pgbench import command as pgbench_command
from synthetic import AUDIT_TIMERS, ENTITY, scaled

LOG_ROWS = scaled(1_000_000, 5_000)
TPS_MAPPINGS, TPS_ROUNDS, TPS_SECONDS = scaled(10_000, 200), scaled(5, 1), scaled(8, 1)
BULK = scaled(100_000, 2_000)


def _tenant(conn: psycopg.Connection, slug: str) -> tuple:
    tenant = conn.execute("INSERT INTO fieldmap.tenants (slug, name) VALUES (%s, %s) RETURNING id",
                          (slug, slug)).fetchone()[0]
    conn.execute("SELECT fieldmap.set_context(%s, NULL, 'benchmark', NULL, true)", (slug,))
    connector = conn.execute("""INSERT INTO fieldmap.connector_definitions (tenant_id, connector_name, connector_type)
                                VALUES (%s, 'bench', 'rest_api') RETURNING id""", (tenant,)).fetchone()[0]
    return tenant, connector


def _mappings(conn: psycopg.Connection, tenant, connector, n: int) -> None:
    conn.execute("""INSERT INTO fieldmap.field_mappings
                      (tenant_id, connector_id, entity_schema_id, source_table, source_field, canonical_entity, canonical_field)
                    SELECT %s, %s, es.id, 'T', 'Field' || i, 'bench', 'extras.f' || i
                      FROM generate_series(1, %s::int) i,
                           (SELECT id FROM fieldmap.entity_schemas WHERE entity_name = 'bench') es""",
                 (tenant, connector, n))


def _set_triggers(conn: psycopg.Connection, on: bool) -> None:
    conn.execute(f"ALTER TABLE fieldmap.field_mappings {'ENABLE' if on else 'DISABLE'} TRIGGER USER")


def _pgbench_latencies(url: str, script: str, seconds: int) -> list[float]:
    """Average latency (ms) of each statement of the script, from pgbench -r."""
    cmd, env = pgbench_command(url, "-r", "-T", str(seconds), "-f", script)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"pgbench failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
    return [float(x) for x in re.findall(r"^\s+([0-9.]+)\s+\d+\s+UPDATE", out.stdout, re.M)]


def _paired(conn: psycopg.Connection, url: str, script: str) -> float:
    """Latency of a single-row UPDATE of the unaudited copy divided by that of
    the same UPDATE of fieldmap.field_mappings (in whatever trigger state it
    is): one pgbench client alternates the two statements transaction by
    transaction, so both see the same machine at the same moment. For one
    client, throughput = 1 / latency, so this is field_mappings' throughput
    as a share of the copy's. The script updates field_mappings, then the copy."""
    conn.execute("VACUUM fieldmap.field_mappings, public.field_mappings_unaudited")
    lat_audited, lat_copy = _pgbench_latencies(url, script, TPS_SECONDS)
    return lat_copy / lat_audited


def _throughput(conn: psycopg.Connection, url: str) -> tuple[float, float, float]:
    """Single-row UPDATE throughput of field_mappings with its triggers, as a
    share of the same table with them disabled; median over 5 runs.
    Separate pgbench runs a few seconds apart differed by +-10% on this
    machine, so each side is timed against a common reference running at
    the same moment: a copy of field_mappings (LIKE ... INCLUDING ALL: same
    columns, defaults, checks and indexes; no triggers), updated by the same
    pgbench client in alternation. A run's share is
    (triggers on vs copy) / (triggers off vs copy), measured back to back.
    pgbench runs as superuser, so row-level security is bypassed on every
    side. Returns (share, median on-vs-copy, median off-vs-copy)."""
    tenant, connector = _tenant(conn, "bench-tps")
    _mappings(conn, tenant, connector, TPS_MAPPINGS)
    conn.execute("CREATE TABLE public.field_mappings_unaudited (LIKE fieldmap.field_mappings INCLUDING ALL)")
    conn.execute("INSERT INTO public.field_mappings_unaudited SELECT * FROM fieldmap.field_mappings WHERE tenant_id = %s",
                 (tenant,))
    conn.execute("VACUUM ANALYZE fieldmap.field_mappings, public.field_mappings_unaudited")
    where = (f"WHERE tenant_id = '{tenant}' AND connector_id = '{connector}' AND connection_id IS NULL"
             " AND source_table = 'T' AND source_field = 'Field' || :n AND canonical_entity = 'bench'"
             " AND canonical_field = 'extras.f' || :n")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(f"\\set n random(1, {TPS_MAPPINGS})\n"
                f"UPDATE fieldmap.field_mappings SET confidence_score = random() {where};\n"
                f"UPDATE public.field_mappings_unaudited SET confidence_score = random() {where};\n")
        script = f.name
    on, off, share = [], [], []
    try:
        for round_ in range(TPS_ROUNDS):
            for audited in ((True, False) if round_ % 2 == 0 else (False, True)):
                _set_triggers(conn, audited)
                (on if audited else off).append(_paired(conn, url, script))
            share.append(on[-1] / off[-1])
    finally:
        _set_triggers(conn, True)
        os.unlink(script)
    conn.execute("DROP TABLE public.field_mappings_unaudited")
    return statistics.median(share), statistics.median(on), statistics.median(off)


def _bulk_update(conn: psycopg.Connection) -> tuple[float, float]:
    tenant, connector = _tenant(conn, "bench-bulk")
    _set_triggers(conn, False)
    _mappings(conn, tenant, connector, BULK)
    _set_triggers(conn, True)
    conn.execute("VACUUM ANALYZE fieldmap.field_mappings")
    one = conn.execute("SELECT id FROM fieldmap.field_mappings WHERE tenant_id = %s LIMIT 1", (tenant,)).fetchone()[0]
    audited, plain = [], []
    for round_ in range(3):
        for on in ((True, False) if round_ % 2 == 0 else (False, True)):
            _set_triggers(conn, on)
            # a one-row update first: the audit trigger's plan, made once per
            # session, then sees one-row transition tables; the bulk update
            # must not suffer from it
            conn.execute("UPDATE fieldmap.field_mappings SET notes = %s WHERE id = %s", (f"r{round_}", one))
            t0 = time.perf_counter()
            n = conn.execute("UPDATE fieldmap.field_mappings SET confidence_score = random() WHERE tenant_id = %s",
                             (tenant,)).rowcount
            (audited if on else plain).append(time.perf_counter() - t0)
            assert n == BULK
            conn.execute("VACUUM fieldmap.field_mappings")
    _set_triggers(conn, True)
    return statistics.median(audited), statistics.median(plain)


def _big_log(conn: psycopg.Connection) -> dict:
    tenant, connector = _tenant(conn, "bench-log")
    _mappings(conn, tenant, connector, scaled(2_000, 200))
    for v in range(9):  # 10 versions of each mapping, through the real triggers
        conn.execute("UPDATE fieldmap.field_mappings SET notes = %s WHERE tenant_id = %s", (f"v{v}", tenant))
    have = conn.execute("SELECT count(*) FROM fieldmap.audit_log WHERE tenant_id = %s", (tenant,)).fetchone()[0]
    # the rest of the million: connector changes, older than the mapping history
    conn.execute("""INSERT INTO fieldmap.audit_log
                      (tenant_id, object_type, object_id, action, field_changed, old_value, new_value, change_reason,
                       created_at)
                    SELECT %s, 'connector', %s, 'updated', 'description', to_jsonb('d' || (g - 1)), to_jsonb('d' || g),
                           'filler', now() - make_interval(secs => g)
                      FROM generate_series(1, %s::int) g""", (tenant, connector, LOG_ROWS - have))
    conn.execute("ANALYZE fieldmap.audit_log")
    t0 = time.perf_counter()
    sealed = conn.execute("SELECT fieldmap.seal_audit_chain('bench-log')").fetchone()[0]
    seal_s = time.perf_counter() - t0
    conn.execute("ANALYZE fieldmap.audit_chain")
    conn.execute(AUDIT_TIMERS)
    last = conn.execute("SELECT pg_temp.time_last_changes(%s, 21)", (tenant,)).fetchone()[0]
    as_of = statistics.median(conn.execute("SELECT pg_temp.time_as_of(%s, 400)", (tenant,)).fetchone()[0]
                              for _ in range(3))
    verify_s = []
    for _ in range(3):
        t0 = time.perf_counter()
        ok, checked = conn.execute("SELECT ok, checked FROM fieldmap.verify_audit_chain('bench-log', false)").fetchone()
        verify_s.append(time.perf_counter() - t0)
        assert ok and checked == LOG_ROWS, (ok, checked)
    return {"sealed": sealed, "seal_s": seal_s, "last_ms": last, "as_of_p95_ms": as_of,
            "verify_s": statistics.median(verify_s)}


def run(url: str) -> list[dict]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT * FROM fieldmap.load_entities(%s::json)", (ENTITY,))
        keep, on_vs_copy, off_vs_copy = _throughput(conn, url)
        bulk_on, bulk_off = _bulk_update(conn)
        big = _big_log(conn)
    slow = bulk_on / bulk_off
    return [
        {"metric": "single-row mapping UPDATE throughput, audited / triggers disabled", "seed_target": "-",
         "goal": ">= 70%", "median": f"{keep:.1%}",
         "scale": "10k mappings, pgbench 1 client, 5 rounds x (on, off) x 8 s, each against a copy in alternation",
         "met": keep >= 0.70},
        {"metric": "  the same, each side against the unaudited copy: on / copy, off / copy (info)", "seed_target": "-",
         "goal": "-", "median": f"{on_vs_copy:.1%}, {off_vs_copy:.1%}", "scale": "as above", "met": True},
        {"metric": "100,000-row UPDATE, audited / not audited", "seed_target": "-", "goal": "<= 3x",
         "median": f"{slow:.2f}x ({bulk_on:.2f} s / {bulk_off:.2f} s)", "scale": "100k mappings, 3 runs each",
         "met": slow <= 3.0},
        {"metric": "last 1,000 changes of a tenant", "seed_target": "< 1 s", "goal": "<= 20 ms",
         "median": f"{big['last_ms']:.2f} ms", "scale": "1M audit rows", "met": big["last_ms"] <= 20},
        {"metric": "mapping_as_of p95", "seed_target": "-", "goal": "<= 5 ms",
         "median": f"{big['as_of_p95_ms']:.2f} ms", "scale": "1M audit rows, 2k mappings x 10 versions",
         "met": big["as_of_p95_ms"] <= 5},
        {"metric": "verify_audit_chain", "seed_target": "-", "goal": "<= 10 s", "median": f"{big['verify_s']:.2f} s",
         "scale": "1M chained rows", "met": big["verify_s"] <= 10},
        {"metric": "seal_audit_chain throughput (info)", "seed_target": "-", "goal": "-",
         "median": f"{big['sealed'] / big['seal_s']:,.0f} rows/s", "scale": "1M rows sealed at once", "met": True},
    ]
