"""Crash safety (issue #15, point 1), on a cluster that flushes as a
production server does (scripts/cluster.sh with FIELDMAP_DURABLE=1: fsync,
synchronous_commit and full_page_writes on). Twenty times the server is
killed with SIGKILL at a random point of one of three workloads, taken in
turn: a large import (`fieldmap import` of a few thousand mappings), an
embedding push (`fieldmap embed`, the real MiniLM model) and a lineage grid
refresh. After each restart (crash recovery):

- every import is wholly present or wholly absent, and present whenever the
  CLI had reported it done; its audit rows are all there or none are; one
  that is absent succeeds when run again;
- every mapping's version is its last audited one, every version audited;
- every tenant's audit chain verifies and covers every audit row;
- vectors are one per mapping and model, none for an outdated text, and
  those stored before the crash are still there;
- after a grid crash the refresh runs again and the grid equals its query.

After the last crash one more push stores every pending vector. The kill
points are drawn from a seeded random.Random as fractions of each run's
expected duration, measured on this machine as the test goes. Not part of
`make test`: `make test-long` (under 4 minutes on 2 cores); the kills and where they
landed are printed (-s) and written to bench/results/crash.json."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import yaml
from support import ENTITIES_YAML, ROOT, cluster_sh, legacy_files, sqitch

pytestmark = pytest.mark.long

SEED = 15  # the number
KILLS = 20
WORKLOADS = ("import", "embed", "grid")  # in turn: 7 imports, 7 pushes, 6 refreshes
ENTITIES = ("account", "contact", "opportunity")
BASE = 500  # mappings per entity in the first import: 1,500
ADD = 150  # new mappings per entity in each later file, which changes the others' confidence
MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# a push commits a batch at a time: small batches, so that a crash can leave
# a push half done, for the next one to finish
PUSH = ("embed", "--json", "--batch", "128")
FIELDMAP = Path(sys.executable).parent / "fieldmap"
RESULTS = ROOT / "bench" / "results" / "crash.json"


@dataclass
class Server:
    """A durable cluster of scripts/cluster.sh in a directory of its own,
    beside the project's cluster (its own data, socket directory and port)."""

    root: Path
    port: int = 54339

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # which would name the other cluster
        return {**env, "FIELDMAP_DURABLE": "1", "FIELDMAP_PGDATA": str(self.data),
                "FIELDMAP_PGSOCK": str(self.root / "sock"), "FIELDMAP_PGPORT": str(self.port)}

    @property
    def url(self) -> str:
        return f"postgresql:///fieldmap?host={self.root / 'sock'}&port={self.port}&user=postgres"

    def ctl(self, action: str) -> None:
        out = cluster_sh(action, env=self.env)
        assert out.returncode == 0, f"cluster.sh {action}: {out.stderr}"

    def processes(self) -> set[int]:
        """The server's live processes: postgres runs in its data directory."""
        pids, data = set(), self.data.resolve()
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and (proc / "cwd").resolve() == data:
                    pids.add(int(proc.name))
            except OSError:  # gone meanwhile, or a zombie
                continue
        return pids

    def crash(self) -> None:
        """SIGKILL the postmaster, and its children with it: a postmaster
        killed alone lets its backends finish the statement they run, and
        even commit (an import killed so completed with exit 0), so the crash
        would not land where it was drawn. Returns once every process is
        gone, zombies reaped: a new postmaster refuses to start while the
        old one's pid, named in the socket's lock file, still exists."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        doomed = {postmaster} | self.processes()  # no new child can appear now
        for pid in doomed - {postmaster}:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 60
        while any(Path(f"/proc/{pid}").exists() for pid in doomed):
            assert time.monotonic() < deadline, f"server processes still there: {sorted(doomed)}"
            time.sleep(0.05)

    def rows(self, query: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute(query, params).fetchall()

    def value(self, query: str, params: tuple = ()) -> object:
        return self.rows(query, params)[0][0]


@pytest.fixture
def server() -> Iterator[Server]:
    """A fresh durable cluster with the schema deployed; stopped and removed
    afterwards, whatever happened (even if it was killed last)."""
    root = Path(tempfile.mkdtemp(prefix="fieldmap-crash-"))
    root.chmod(0o711)  # a root test runs the server as postgres, which must reach data/ and sock/
    s = Server(root)
    try:
        s.ctl("start")
        sqitch(s.url, "deploy")
        yield s
    finally:
        cluster_sh("stop", env=s.env)
        for pid in s.processes():  # left by a failed start or stop
            os.kill(pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)


# A workload's database work, as the server sees it: under way while this
# holds. A kill before it would only find a process starting up (an
# import's CLI reads its file first; a push loads the model, then takes its
# lock), a kill after it one printing its report.
BUSY = {
    "import": "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = 'fieldmap-glue')",
    "embed": "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory')",
    "grid": None,  # psql sends its one statement at once, and ends with it
    "cli": None,  # the set-up's commands, not killed
}


def command(s: Server, workload: str, *args: str) -> list[str]:
    """The real programs: the `fieldmap` console script, and psql for the
    refresh as pg_cron or an operator runs it (forced: it always works)."""
    if workload == "grid":
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", s.url, "-c",
                "SELECT * FROM fieldmap.refresh_lineage_grid(force => true)"]
    return [str(FIELDMAP), *args]


def start(s: Server, workload: str, *args: str) -> tuple[subprocess.Popen, float]:
    """Start a workload; it, and when its database work began (polled)."""
    # FIELDMAP_DATABASE_URL would win over DATABASE_URL and send the work to another registry
    env = {k: v for k, v in os.environ.items() if k not in ("FIELDMAP_DATABASE_URL", "FIELDMAP_READ_URL")}
    proc = subprocess.Popen(command(s, workload, *args), env={**env, "DATABASE_URL": s.url},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if BUSY[workload]:
        with psycopg.connect(s.url, autocommit=True) as conn:
            while proc.poll() is None and not conn.execute(BUSY[workload]).fetchone()[0]:
                time.sleep(0.005)
    return proc, time.monotonic()


def watch(s: Server, proc: subprocess.Popen, workload: str, until: float) -> float | None:
    """Wait, until the time given, for the workload's database work to end:
    when it ended, or None while it is under way."""
    with psycopg.connect(s.url, autocommit=True) as conn:
        while True:
            if proc.poll() is not None or (BUSY[workload] and not conn.execute(BUSY[workload]).fetchone()[0]):
                return time.monotonic()
            if time.monotonic() >= until:
                return None
            time.sleep(0.005)


def run(s: Server, workload: str, *args: str) -> tuple[float, str]:
    """Run a workload to its end, which must be success: how long its
    database work took, and its output."""
    proc, begun = start(s, workload, *args)
    took = watch(s, proc, workload, float("inf")) - begun
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, f"{workload} {' '.join(args)}: {err}"
    return took, out


def bulk_file(directory: Path, imports: int) -> tuple[Path, int, float]:
    """The connector bulk's file for its imports-th import: every mapping of
    the previous files, with a confidence of this import's own, and ADD new
    ones per entity. Its path, number of entries, and that confidence."""
    n, conf = BASE + imports * ADD, round(0.5 + imports / 100, 2)
    doc = {e: {"source_table": e.title(), "fields": {
        f"extras.attr_{i:04d}": {"source": f"custom_field_{i:04d}__c", "confidence": conf} for i in range(n)}}
        for e in ENTITIES}
    path = directory / str(imports) / "bulk.yaml"  # the file's name is the connector's
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(doc))
    return path, n * len(ENTITIES), conf


def check_registry(s: Server) -> None:
    """What must hold after every crash, whatever the workload."""
    # every mapping's version is its last audited one, and every version is audited
    unaudited = s.value("""SELECT count(*) FROM fieldmap.field_mappings f
                            WHERE f.version IS DISTINCT FROM
                                  (SELECT max(a.object_version) FROM fieldmap.audit_log a WHERE a.object_id = f.id)
                               OR f.version <> (SELECT count(DISTINCT a.object_version) FROM fieldmap.audit_log a
                                                 WHERE a.object_id = f.id)""")
    assert unaudited == 0
    # every tenant's chain verifies (as the superuser: any tenant), and covers every audit row
    chains = s.rows("""SELECT t.slug, v.ok, v.problem, v.checked + v.unsealed,
                              (SELECT count(*) FROM fieldmap.audit_log a WHERE a.tenant_id = t.id)
                         FROM fieldmap.tenants t, fieldmap.verify_audit_chain(t.slug) v ORDER BY t.slug""")
    assert [(slug, ok, problem) for slug, ok, problem, *_ in chains if not ok] == []
    assert [(slug, covered, rows) for slug, _, _, covered, rows in chains if covered != rows] == []
    # vectors: at most one per mapping and model, none for a text the mapping no longer has
    assert s.value("""SELECT count(*) FROM fieldmap.mapping_embeddings e
                        JOIN fieldmap.field_mappings f ON f.tenant_id = e.tenant_id AND f.id = e.field_mapping_id
                       WHERE e.content_hash <> md5(fieldmap.embedding_text(f.source_table, f.source_field))""") == 0
    assert s.value("""SELECT count(*) FROM (SELECT FROM fieldmap.mapping_embeddings
                                             GROUP BY field_mapping_id, embedding_model HAVING count(*) > 1) d""") == 0


def vectors(s: Server) -> int:
    return s.value("SELECT count(*) FROM fieldmap.mapping_embeddings WHERE embedding_model = %s", (MODEL,))


def bulk_mappings(s: Server) -> int:
    return s.value("""SELECT count(*) FROM fieldmap.field_mappings f
                        JOIN fieldmap.connector_definitions c ON c.tenant_id = f.tenant_id AND c.id = f.connector_id
                       WHERE c.connector_name = 'bulk' AND f.status = 'active'""")


def pending(s: Server) -> int:
    """Texts the push still has to encode, over every tenant, as the database hands them out."""
    total = 0
    with psycopg.connect(s.url, autocommit=True) as conn:
        for (slug,) in conn.execute("SELECT slug FROM fieldmap.tenants").fetchall():
            with conn.transaction():
                conn.execute("SELECT fieldmap.set_context(%s)", (slug,))
                total += conn.execute("SELECT count(*) FROM fieldmap.pending_embeddings(%s, 100000)",
                                      (MODEL,)).fetchone()[0]
    return total


def check_grid(s: Server) -> str:
    """The refresh runs again after the crash, and the grid then equals its
    own query run now (the superuser reads every tenant). Its reason."""
    reason = s.value("SELECT reason FROM fieldmap.refresh_lineage_grid()")
    assert reason in ("stale", "fresh"), reason
    query = s.value("SELECT pg_get_viewdef('fieldmap.mv_mapping_lineage_grid')").rstrip().rstrip(";")
    differ = s.value(f"""SELECT count(*) FROM ((TABLE fieldmap.mv_mapping_lineage_grid EXCEPT ALL ({query}))
                                               UNION ALL (({query}) EXCEPT ALL TABLE fieldmap.mv_mapping_lineage_grid)) d""")
    assert differ == 0, f"the grid differs from its query in {differ} rows after a crash (refresh said {reason})"
    assert s.value("SELECT stale FROM fieldmap.grid_status()") is False
    return reason


def test_kill_the_server_twenty_times_and_lose_nothing(server: Server, tmp_path: Path) -> None:
    s, rnd = server, random.Random(SEED)
    started = time.monotonic()

    # set-up: the first run of each workload, timed
    run(s, "cli", "entities", "load", str(ENTITIES_YAML))
    run(s, "cli", "tenant", "add", "demo")
    run(s, "cli", "tenant", "add", "other")
    run(s, "cli", "import", "--tenant", "other", *legacy_files())  # a tenant no workload touches
    path, n, _ = bulk_file(tmp_path, 0)
    took, _ = run(s, "import", "import", "--tenant", "demo", str(path))
    # seconds a unit of work takes (an entry imported, a vector pushed, a
    # refresh): a kill point is a drawn fraction of a run's expected time.
    # Learnt again from each run that ends before its kill (the machine's
    # load changes), so that the kills keep landing mid-work.
    pace = {"import": took / n}
    pace["embed"] = run(s, "embed", *PUSH)[0] / vectors(s)
    pace["grid"] = run(s, "grid")[0]
    check_registry(s)

    kills, imports = [], 0
    for round_no in range(KILLS):
        workload = WORKLOADS[round_no % len(WORKLOADS)]
        before = {"vectors": vectors(s), "pending": pending(s), "bulk": bulk_mappings(s)}
        if workload == "import":
            imports += 1
            path, n, conf = bulk_file(tmp_path, imports)
            reason = f"crash round {round_no}"
            proc, begun = start(s, "import", "import", "--tenant", "demo", "--reason", reason, str(path))
            units = n
        elif workload == "embed":
            proc, begun = start(s, "embed", *PUSH)
            units = before["pending"]
        else:
            proc, begun = start(s, "grid")
            units = 1
        delay = rnd.random() * units * pace[workload]
        ended = watch(s, proc, workload, begun + delay)
        if ended is not None:  # before its kill: quicker than expected
            pace[workload] = (ended - begun) / units
        s.crash()
        _, err = proc.communicate(timeout=300)
        assert "Traceback" not in err, err
        s.ctl("start")  # removes the stale postmaster.pid; the server recovers from its WAL
        # mid-work: the crash caught the work under way and failed it (not a
        # refresh or import that had committed, its program about to exit)
        kill = {"round": round_no, "workload": workload, "delay_s": round(delay, 3),
                "mid_work": ended is None and proc.returncode != 0, "exit": proc.returncode}
        check_registry(s)

        if workload == "import":
            active = bulk_mappings(s)
            changed = s.value("SELECT count(*) FROM fieldmap.field_mappings WHERE abs(confidence_score - %s) < 1e-9",
                              (conf,))
            audited = s.value("SELECT count(*) FROM fieldmap.audit_log WHERE change_reason = %s", (reason,))
            assert (active, changed, audited) in ((before["bulk"], 0, 0), (n, n, n)), (
                f"round {round_no}: a partial import: {active} active mappings (before {before['bulk']}, file {n}), "
                f"{changed} with the file's confidence, {audited} audit rows")
            kill["import"] = "present" if changed else "absent"
            if proc.returncode == 0:  # the CLI said it was done: the commit must have survived
                assert kill["import"] == "present"
            if kill["import"] == "absent":  # as its user would: run it again, which must now succeed
                run(s, "cli", "import", "--tenant", "demo", "--reason", reason, str(path))
                assert s.value("SELECT count(*) FROM fieldmap.audit_log WHERE change_reason = %s", (reason,)) == n
        elif workload == "embed":
            now = vectors(s)
            assert now >= before["vectors"], "vectors stored before the crash were lost"
            assert now + pending(s) == before["vectors"] + before["pending"]
            kill["stored"] = f"{now - before['vectors']} of {before['pending']}"
        else:
            kill["rerun"] = check_grid(s)
        kills.append(kill)
        print(f"kill {round_no + 1:>2}: {workload:<6} {delay:5.2f} s in: "
              f"{'mid-work' if kill['mid_work'] else 'too late'}  exit {proc.returncode}  "
              + "  ".join(f"{k} {kill[k]}" for k in ("import", "stored", "rerun") if k in kill))

    # the next push finishes what the crashed ones left, and nothing twice
    left = pending(s)
    _, out = run(s, "cli", "embed", "--json")
    assert sum(t["stored"] for t in json.loads(out)["tenants"]) == left
    assert pending(s) == 0
    assert vectors(s) == s.value("SELECT count(*) FROM fieldmap.field_mappings")
    check_registry(s)
    check_grid(s)

    landed = Counter(k["workload"] for k in kills if k["mid_work"])
    per_workload = Counter(k["workload"] for k in kills)
    summary = {"seed": SEED, "kills": len(kills), "seconds": round(time.monotonic() - started, 1),
               "mid_work": {w: f"{landed[w]} of {per_workload[w]}" for w in WORKLOADS},
               "imports_present": sum(k.get("import") == "present" for k in kills),
               "pace_s": {w: round(p, 5) for w, p in pace.items()},
               "final_push_stored": left, "kill_log": kills}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{len(kills)} kills in {summary['seconds']} s; mid-work: "
          + ", ".join(f"{w} {summary['mid_work'][w]}" for w in WORKLOADS) + f"; summary in {RESULTS}")
    # kills that all came too late would test nothing: each workload must have been crashed mid-work
    assert all(landed[w] >= 1 for w in WORKLOADS), summary["mid_work"]
    assert sum(landed.values()) >= len(kills) // 2, summary["mid_work"]
