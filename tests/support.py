"""Helpers shared by the tests: URLs of test databases, Sqitch, psql and the
CLI run as subprocesses exactly as a user would run them."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parent.parent
DB_DIR = ROOT / "db"
SHARED = Path(os.environ.get("FIELDMAP_SHARED", ROOT.parent / "shared")).resolve()
FIXTURES = SHARED / "fixtures"
ENTITIES_YAML = FIXTURES / "canonical-entities.yaml"


def server_params() -> dict:
    """host/port/user/password of the server under test (DATABASE_URL)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: run the tests with 'make test'")
    params = conninfo_to_dict(url)
    return {k: params.get(k) for k in ("host", "port", "user", "password")}


def url_for(dbname: str, user: str | None = None) -> str:
    """A libpq URL for another database of the same server (as another login role when given)."""
    p = server_params()
    auth = quote(user or p["user"] or "", safe="")
    if p.get("password") and not user:
        auth += ":" + quote(p["password"], safe="")
    query = []
    host = p.get("host") or ""
    if host.startswith("/"):
        query.append("host=" + quote(host, safe="/"))
        netloc = f"{auth}@" if auth else ""
    else:
        netloc = (f"{auth}@" if auth else "") + host
    if p.get("port"):
        if host.startswith("/"):
            query.append(f"port={p['port']}")
        else:
            netloc += f":{p['port']}"
    return f"postgresql://{netloc}/{quote(dbname, safe='')}" + ("?" + "&".join(query) if query else "")


def sqitch_target(url: str) -> str:
    return re.sub(r"^postgres(ql)?:", "db:pg:", url)


def sqitch(url: str, *args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    """Sqitch on url's database; env: settings added to the environment."""
    cmd = ["sqitch", args[0], *args[1:], sqitch_target(url)]
    out = subprocess.run(cmd, cwd=DB_DIR, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and out.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


def cluster_sh(*args: str, env: dict, timeout: float | None = 300) -> subprocess.CompletedProcess:
    """scripts/cluster.sh (start, stop, status, url, replica-...) with env as
    its whole environment: the tests choose its directories and port there."""
    return subprocess.run(["bash", str(ROOT / "scripts" / "cluster.sh"), *args], env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def psql(url: str, script: str, *, cwd: Path = DB_DIR) -> subprocess.CompletedProcess:
    """Run a psql script (with \\i and \\ir) as a user would, stopping at the first error."""
    return subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"],
        input=script, cwd=cwd, capture_output=True, text=True)


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (schema.py, release.py), imported from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader
    spec.loader.exec_module(module)
    return module


def pg_dump_schema(url: str) -> str:
    """The normalised schema-only dump (scripts/schema.py), without owners."""
    return load_script("schema").dump(url, owners=False)


FIELDMAP_EXE = Path(sys.executable).parent / "fieldmap"


def fieldmap_cli(url: str, *args: str, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real `fieldmap` console script of the virtualenv, on url's database
    (env: settings added to the environment)."""
    env = {**os.environ, "DATABASE_URL": url, **(env or {})}
    return subprocess.run([str(FIELDMAP_EXE), *args], capture_output=True, text=True, env=env, input=input)


def plan_changes() -> list[str]:
    """The plan's changes in deploy order; a reworked change appears once per instance."""
    names = []
    for line in (DB_DIR / "sqitch.plan").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("%", "#", "@")):
            continue
        names.append(line.split()[0])
    return names


LEGACY = FIXTURES / "legacy-yaml"


def legacy_files() -> list[str]:
    return sorted(str(p) for p in LEGACY.glob("*.yaml"))


def cli(url: str, *args: str, tenant: str = "demo") -> tuple[int, dict | None, str]:
    """The CLI with --json: (exit code, the JSON output, the error's message or stderr)."""
    out = fieldmap_cli(url, *args, "--json", "--tenant", tenant)
    assert "Traceback" not in out.stderr, out.stderr
    err = out.stderr
    if out.returncode not in (0, 5) and err.strip():
        error = json.loads(err.strip().splitlines()[-1])["error"]  # under --json, an error is one JSON object
        err = "\n".join(f"{p['where']}: {p['message']}" for p in error.get("problems", [])) or error["message"]
    return out.returncode, (json.loads(out.stdout) if out.stdout.strip() else None), err


def documented_codes() -> set[str]:
    """What the README's error table says an API call may raise: fieldmap's
    own codes and PostgreSQL's input codes; not the constraint, privilege and
    retry codes, which belong to direct table writes and concurrency."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("### Errors the SQL API raises"):]
    rows = table[:table.index("\n## ")].splitlines()
    return {code for row in rows if row.startswith("| `MR") or "input PostgreSQL cannot read" in row
            for code in re.findall(r"`([0-9A-Z]{5})`", row)}
