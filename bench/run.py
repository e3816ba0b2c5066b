"""Run every bench/bench_*.py on a scratch database and rewrite the results
table in BENCHMARKS.md.

Each benchmark module exposes run(url) -> list of result rows:
  {"metric", "seed_target", "goal", "median", "scale", "met": bool}
The runner adds the command and the machine. Exit status 1 when a goal is missed."""

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


def rewrite_table(rows: list[dict]) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    header = ("| metric | seed target | goal | measured (median) | met | scale | command | machine |\n"
              "|---|---|---|---|---|---|---|---|\n")
    body = "".join(f"| {r['metric']} | {r['seed_target']} | {r['goal']} | {r['median']} | "
                   f"{'yes' if r['met'] else '**no**'} | {r['scale']} | `{r['command']}` | {r['machine']} |\n"
                   for r in rows)
    stamp = f"\n_Last run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}._\n"
    block = f"{START}\n{header}{body}{stamp}{END}"
    text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    path.write_text(text)


def main() -> int:
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("bench: DATABASE_URL is not set (run 'make bench')")
    only = sys.argv[1:]
    modules = sorted((ROOT / "bench").glob("bench_*.py"))
    results: list[dict] = []
    where = ""
    for path in modules:
        if only and path.stem not in only:
            continue
        url = scratch_database(base)  # each benchmark on a fresh database: no bloat from the others
        where = where or machine(url)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        assert spec.loader
        spec.loader.exec_module(mod)
        print(f"bench: {path.stem} ...", file=sys.stderr, flush=True)
        for row in mod.run(url):
            row.update(command=f"make bench  # {path.name}", machine=where)
            print(f"  {row['metric']}: {row['median']} (goal {row['goal']}) {'ok' if row['met'] else 'MISSED'}",
                  file=sys.stderr)
            results.append(row)
    (ROOT / "bench" / "results").mkdir(exist_ok=True)
    (ROOT / "bench" / "results" / ("latest.json" if not only else "partial.json")).write_text(
        json.dumps(results, indent=2))
    if not only:  # a partial run would replace the whole table with its few rows
        rewrite_table(results)
    with psycopg.connect(url_for(base, "postgres"), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
