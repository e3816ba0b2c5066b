"""Mixed load as an application runs it: pgbench in a second process over
the local socket, logged in as a login role of fieldmap_writer that may act
for 20 tenants (row-level security in force), each transaction starting with
set_context for a random tenant. The mix: 80% lookup of a mapping by its
source key, 10% top-10 search_similar, 5% mapping update (audited), 5%
mapping_history; 1, 4 and 16 clients for 60 s each. Reported: TPS, p50/p99
transaction latency, failed transactions (must be 0), and every tenant's
audit chain verifying afterwards. Then what a reader may do of that mix
(lookup and search, 80:10; history is the writer's and auditor's, see the
privilege matrix in docs/security.md) as a login role of fieldmap_reader of
the same 20 tenants, as a read-only service connects: the same figures.
Also the audit write overhead measured the same way: a one-row update
transaction as the writer login, audit triggers on against off (the
superuser figure is bench_audit's).

100,000 mappings (20 tenants x 5,000), 20,000 of them with a 384-d vector
(synthetic; search cost does not depend on the model)."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

import psycopg
from pgbench import Load, run_load
from synthetic import QUICK, ROOT, grow, login_role, random_vectors, registry, scaled

TENANTS, CONNECTORS = 20, 10
FIELDS = scaled(5_000, 100)  # per tenant
EMBEDDED = scaled(1_000, 50)  # per tenant: Field1..FieldN have a vector
CLIENTS = (1, 4, 16)
SECONDS = scaled(60, 2)
RATIO_ROUNDS, RATIO_SECONDS = scaled(3, 1), scaled(10, 1)
APP_ROLE = "fieldmap_bench_app"  # a login role of fieldmap_writer
READER_ROLE = "fieldmap_bench_read_app"  # a login role of fieldmap_reader
READER_SCRIPTS = ("lookup", "search")  # what of the mix fieldmap_reader may run (docs/security.md)

# a mapping of the session's tenant by its source key, as an application looks it up
BY_KEY = """(SELECT fm.id FROM fieldmap.field_mappings fm
  JOIN fieldmap.connector_definitions cd ON cd.tenant_id = fm.tenant_id AND cd.id = fm.connector_id
 WHERE fm.tenant_id = fieldmap.current_tenant_id() AND cd.connector_name = 'connector_' || (:f % 10)
   AND fm.source_table = 'Table' || (:f % 50) AND fm.source_field = 'Field' || :f)"""


def _script(statement: str, fields: int) -> str:
    return (f"\\set t random(1, {TENANTS})\n\\set f random(1, {fields})\n"
            "BEGIN;\nSELECT fieldmap.set_context('bench-' || :t);\n"
            f"{' '.join(statement.split())};\nEND;\n")


SCRIPTS = {
    # a lookup that finds nothing (a wrong key, or rows hidden by RLS) divides by
    # zero: the client aborts and the benchmark fails instead of timing misses
    "lookup": (80, _script(f"SELECT 1 / ({BY_KEY} IS NOT NULL)::int", FIELDS)),
    "search": (10, _script(f"""SELECT count(*) FROM fieldmap.search_similar(
        (SELECT e.embedding_vector FROM fieldmap.mapping_embeddings e
          WHERE e.tenant_id = fieldmap.current_tenant_id() AND e.field_mapping_id = {BY_KEY}), 10)""", EMBEDDED)),
    "update": (5, _script(f"""UPDATE fieldmap.field_mappings SET confidence_score = round(random()::numeric, 3)
        WHERE tenant_id = fieldmap.current_tenant_id() AND id = {BY_KEY}""", FIELDS)),
    "history": (5, _script(f"SELECT count(*) FROM fieldmap.mapping_history({BY_KEY})", FIELDS)),
}


def _setup(conn: psycopg.Connection) -> None:
    registry(conn, TENANTS, CONNECTORS)
    grow(conn, 1, FIELDS, CONNECTORS)
    random_vectors(conn, TENANTS * EMBEDDED, f"substr(fm.source_field, 6)::int <= {int(EMBEDDED)}")
    conn.execute("VACUUM ANALYZE")


def _chains_verify(conn: psycopg.Connection) -> bool:
    conn.execute("SELECT fieldmap.seal_audit_chain()")
    return conn.execute("SELECT bool_and(v.ok) FROM fieldmap.tenants t, "
                        "fieldmap.verify_audit_chain(t.slug, false) v").fetchone()[0]


def _audit_ratio(conn: psycopg.Connection, app_url: str, tmp: Path) -> float:
    """TPS of the update transaction with the audit triggers on, as a share of
    it with them off (alternating rounds; median)."""
    script = tmp / "update_only.sql"
    script.write_text(SCRIPTS["update"][1])
    on, off = [], []
    try:
        for round_ in range(RATIO_ROUNDS):
            for audited in ((True, False) if round_ % 2 == 0 else (False, True)):
                conn.execute(f"ALTER TABLE fieldmap.field_mappings {'ENABLE' if audited else 'DISABLE'} TRIGGER USER")
                conn.execute("VACUUM fieldmap.field_mappings")
                (on if audited else off).append(run_load(app_url, {script: 1}, 1, RATIO_SECONDS, tmp).tps)
    finally:
        conn.execute("ALTER TABLE fieldmap.field_mappings ENABLE TRIGGER USER")
    return statistics.median(a / b for a, b in zip(on, off, strict=True))


def _plot(loads: list[Load], reads: list[Load]) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    clients = [x.clients for x in loads]
    left.plot(clients, [x.tps for x in loads], "o-", label="mix, writer role")
    left.plot(clients, [x.tps for x in reads], "^:", label="reads, reader role")
    left.legend(fontsize=8)
    left.set(xlabel="clients", ylabel="transactions / s", title="throughput", xscale="log", xticks=clients)
    left.set_xticklabels(clients)
    right.plot(clients, [x.p50_ms for x in loads], "o-", label="mix p50")
    right.plot(clients, [x.p99_ms for x in loads], "s--", label="mix p99")
    right.plot(clients, [x.p50_ms for x in reads], "^:", label="reads p50")
    right.plot(clients, [x.p99_ms for x in reads], "v:", label="reads p99")
    right.set(xlabel="clients", ylabel="ms", title="transaction latency", xscale="log", yscale="log",
              xticks=clients)
    right.set_xticklabels(clients)
    right.legend(fontsize=8)
    fig.suptitle("mixed load as app roles (80% lookup, 10% search, 5% update, 5% history), 2 vCPU")
    fig.tight_layout()
    out = ROOT / "docs" / "plots"
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "mixed-load.png", dpi=100)
    plt.close(fig)


def run(url: str) -> list[dict]:
    rows = []
    with psycopg.connect(url, autocommit=True) as conn, tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        _setup(conn)
        app_url = login_role(conn, url, APP_ROLE, "fieldmap_writer", "bench-%")
        reader_url = login_role(conn, url, READER_ROLE, "fieldmap_reader", "bench-%")
        scripts = {}
        for name, (weight, text) in SCRIPTS.items():
            (tmp / f"{name}.sql").write_text(text)
            scripts[tmp / f"{name}.sql"] = weight
        loads = [run_load(app_url, scripts, clients, SECONDS, tmp) for clients in CLIENTS]
        verified = _chains_verify(conn)
        read_scripts = {path: weight for path, weight in scripts.items() if path.stem in READER_SCRIPTS}
        assert len(read_scripts) == len(READER_SCRIPTS), read_scripts
        reads = [run_load(reader_url, read_scripts, clients, SECONDS, tmp) for clients in CLIENTS]
        ratio = _audit_ratio(conn, app_url, tmp)
    def scale_of(role: str, group: str) -> str:
        return (f"{TENANTS * FIELDS:,} mappings, {TENANTS * EMBEDDED:,} vectors; {role} ({group}) "
                f"for {TENANTS} tenants, RLS on; {SECONDS} s")
    scale, read_scale = scale_of(APP_ROLE, "fieldmap_writer"), scale_of(READER_ROLE, "fieldmap_reader")
    for what, runs, where in (("mixed load", loads, scale), ("lookup and search as a reader role", reads,
                                                             read_scale)):
        for load in runs:
            done = ", ".join(f"{name} {n:,}" for name, n in sorted(load.per_script.items()))
            rows.append({"metric": f"{what}, {load.clients} client{'s' if load.clients > 1 else ''}: TPS, "
                                   f"p50 / p99 latency, failed",
                         "seed_target": "-", "goal": "0 failed",
                         "median": f"{load.tps:,.0f} tps, {load.p50_ms:.2f} / {load.p99_ms:.2f} ms, "
                                   f"{load.failed} failed",
                         "scale": f"{where}; done: {done}", "met": load.failed == 0})
    rows.append({"metric": "every tenant's audit chain verifies after the mixed load", "seed_target": "-",
                 "goal": "yes", "median": "yes" if verified else "NO", "scale": scale, "met": bool(verified)})
    rows.append({"metric": "one-row update transaction as an app role, audited / triggers off (info)",
                 "seed_target": "-", "goal": "-", "median": f"{ratio:.1%}",
                 "scale": f"1 client, BEGIN; set_context; UPDATE; END, {RATIO_ROUNDS} x (on, off) x {RATIO_SECONDS} s",
                 "met": True})
    if not QUICK:
        _plot(loads, reads)
    return rows
