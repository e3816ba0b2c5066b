"""Run every bench/bench_*.py (or those named: bench/run.py bench_search) on
a scratch database and rewrite their rows of the results table in BENCHMARKS.md.

Each benchmark module exposes run(url) -> list of result rows:
  {"metric", "seed_target", "goal", "median", "scale", "met": bool}
The runner adds the command and the machine. Exit status 1 when a goal is missed.

With FIELDMAP_BENCH_QUICK=1 (make bench-quick) every benchmark runs at a
small scale to show it still works: the figures go to
bench/results/quick.json only, BENCHMARKS.md is left alone, and goals are
printed but do not set the exit status (at a small scale they mean little);
a benchmark that fails does."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # the benchmarks share bench/synthetic.py
from synthetic import QUICK  # noqa: E402
BENCH_DB = "fieldmap_bench"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def url_for(base: str, dbname: str) -> str:
    params = conninfo_to_dict(base)
    params["dbname"] = dbname
    return make_conninfo(**params)


def sqitch_target(url: str) -> str:
    # Sqitch wants a URI; build one from the conninfo pieces
    p = conninfo_to_dict(url)
    host = p.get("host", "")
    q = []
    if host.startswith("/"):
        q.append(f"host={host}")
        host = ""
    if p.get("port") and not host:
        q.append(f"port={p['port']}")
    auth = p.get("user", "") + (":" + p["password"] if p.get("password") else "")
    netloc = (auth + "@" if auth else "") + host + (f":{p['port']}" if p.get("port") and host else "")
    return f"db:pg://{netloc}/{p['dbname']}" + ("?" + "&".join(q) if q else "")


def scratch_database(base: str) -> str:
    with psycopg.connect(url_for(base, "postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{BENCH_DB}"')
    url = url_for(base, BENCH_DB)
    out = subprocess.run(["sqitch", "deploy", sqitch_target(url)], cwd=ROOT / "db", capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: sqitch deploy failed:\n{out.stdout}{out.stderr}")
    return url


def machine(url: str) -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor()
    with psycopg.connect(url) as c:
        pg = c.execute("SELECT current_setting('server_version')").fetchone()[0].split()[0]
    return f"{os.cpu_count()} vCPU {cpu}, PG {pg}"


def rewrite_table(rows: list[dict], ran: list[str]) -> None:
    """The results table with the rows of the benchmarks that ran replaced;
    the rows of the others (a partial run) are kept as they were, with their
    date in the run column."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    header = ("| metric | seed target | goal | measured (median) | met | scale | command | machine | run |\n"
              "|---|---|---|---|---|---|---|---|---|\n")
    today = time.strftime("%Y-%m-%d", time.gmtime())
    fresh = [f"| {r['metric']} | {r['seed_target']} | {r['goal']} | {r['median']} | "
             f"{'yes' if r['met'] else '**no**'} | {r['scale']} | `{r['command']}` | {r['machine']} | {today} |\n"
             for r in rows]
    kept = []
    old = re.search(re.escape(START) + "(.*?)" + re.escape(END), text, flags=re.S)
    stamped = re.search(r"_Last run: (\d{4}-\d\d-\d\d)", old.group(1)) if old else None
    earlier = stamped.group(1) if stamped else "earlier"
    for line in (old.group(1).splitlines() if old else []):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 8 or not cells[6].startswith("`make bench"):
            continue  # the header, its rule, the stamp
        if any(f"# {name}.py" in cells[6] for name in ran):
            continue  # replaced by this run
        kept.append("| " + " | ".join(cells[:8] + [cells[8] if len(cells) > 8 else earlier]) + " |\n")
    order = {name: i for i, name in enumerate(sorted({*ran, *(re.search(r"# (bench_\w+)\.py", k).group(1)
                                                              for k in kept)}))}
    body = "".join(sorted(kept + fresh, key=lambda line: order[re.search(r"# (bench_\w+)\.py", line).group(1)]))
    stamp = f"\n_Last run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} ({', '.join(ran)})._\n"
    block = f"{START}\n{header}{body}{stamp}{END}"
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    path.write_text(text)


def main() -> int:
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("bench: DATABASE_URL is not set (run 'make bench')")
    only = sys.argv[1:]
    known = sorted((ROOT / "bench").glob("bench_*.py"))
    unknown = sorted(set(only) - {path.stem for path in known})
    if unknown:
        sys.exit(f"bench: no benchmark {', '.join(unknown)} (there are: {', '.join(p.stem for p in known)})")
    modules = [path for path in known if not only or path.stem in only]
    results: list[dict] = []
    where = ""
    for path in modules:
        url = scratch_database(base)  # each benchmark on a fresh database: no bloat from the others
        where = where or machine(url)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        assert spec.loader
        spec.loader.exec_module(mod)
        print(f"bench: {path.stem} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        for row in mod.run(url):
            row.update(command=f"make bench  # {path.name}", machine=where)
            print(f"  {row['metric']}: {row['median']} (goal {row['goal']}) {'ok' if row['met'] else 'MISSED'}",
                  file=sys.stderr)
            results.append(row)
        print(f"bench: {path.stem} took {time.perf_counter() - started:,.0f} s", file=sys.stderr, flush=True)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    name = "quick.json" if QUICK else "partial.json" if only else "latest.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(results, indent=2))
    if not QUICK:
        rewrite_table(results, [p.stem for p in modules])
    with psycopg.connect(url_for(base, "postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    if QUICK:
        print(f"bench-quick: {len(results)} figures from {len(modules)} benchmarks, all ran "
              f"(bench/results/quick.json; goals are judged by make bench)", file=sys.stderr)
        return 0
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
