"""pgbench, run from a second process over the local socket, and what it
reports: the benchmarks that load the server from several clients share it."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict


def command(url: str, *options: str) -> tuple[list[str], dict]:
    """pgbench with the connection of url (host, port, user, database) and options."""
    p = conninfo_to_dict(url)
    env = {**os.environ}
    if p.get("password"):
        env["PGPASSWORD"] = p["password"]
    cmd = ["pgbench", "-n", *options]
    for flag, key in (("-h", "host"), ("-p", "port"), ("-U", "user")):
        if p.get(key):
            cmd += [flag, str(p[key])]
    return [*cmd, p["dbname"]], env


@dataclass
class Load:
    clients: int
    tps: float
    p50_ms: float
    p99_ms: float
    transactions: int
    failed: int
    per_script: dict[str, int]


def run_load(url: str, scripts: dict[Path, int], clients: int, seconds: int, log_dir: Path) -> Load:
    """pgbench -T seconds with weighted scripts; latencies from its per-transaction log."""
    for old in log_dir.glob("mixed*"):
        old.unlink()
    options = ["-c", str(clients), "-j", str(min(clients, 2)), "-T", str(seconds), "--max-tries=1",
               "--failures-detailed", "-l", "--log-prefix", str(log_dir / "mixed")]
    for script, weight in scripts.items():
        options += ["-f", f"{script}@{weight}"]
    cmd, env = command(url, *options)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    # Serialization failures and deadlocks are counted (below) and pgbench
    # still exits 0; exit 2 means a client was aborted by another error, and
    # a load that stopped early is no figure
    if out.returncode != 0:
        raise RuntimeError(f"pgbench failed ({out.returncode}): {out.stderr.strip()[-2000:]}")
    tps = float(re.search(r"^tps = ([0-9.]+)", out.stdout, re.MULTILINE).group(1))
    failed_m = re.search(r"^number of failed transactions: (\d+)", out.stdout, re.MULTILINE)
    latencies, per_script = [], {}
    names = list(scripts)
    for log in log_dir.glob("mixed*"):
        for line in log.read_text().splitlines():
            # client_id transaction_no time_us script_no epoch epoch_us (failed: time is "failed")
            parts = line.split()
            script = names[int(parts[3])].stem
            per_script[script] = per_script.get(script, 0) + 1
            if parts[2].isdigit():
                latencies.append(int(parts[2]) / 1000)
    latencies.sort()
    return Load(clients, tps, latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)], len(latencies),
                int(failed_m.group(1)) if failed_m else 0, per_script)
