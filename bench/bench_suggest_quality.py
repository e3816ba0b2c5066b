"""Suggestion quality (issue: semantic search), with the real CLI as a user
runs it: the canonical entities loaded, the 191 legacy mappings imported
into a tenant and embedded with the packaged model, then `fieldmap
eval-suggest --json` on the development set (the weights were chosen on it)
and on the held-out set (never tuned on). Deterministic: one run each."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from synthetic import ENTITIES_YAML, LEGACY

ROOT = Path(__file__).resolve().parent.parent
EXE = ROOT / ".venv" / "bin" / "fieldmap"
SETS = {"development set": ROOT / "tests/fixtures/eval/suggest-dev.yaml",
        "held-out set": ROOT / "tests/fixtures/eval/suggest-heldout.yaml"}


def cli(url: str, *args: str) -> str:
    env = {**os.environ, "FIELDMAP_DATABASE_URL": url, "FIELDMAP_TENANT": "eval"}
    out = subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"fieldmap {' '.join(args)}: {out.stderr.strip()}")
    return out.stdout


def run(url: str) -> list[dict]:
    cli(url, "entities", "load", str(ENTITIES_YAML))
    cli(url, "tenant", "add", "eval")
    cli(url, "import", *sorted(str(p) for p in LEGACY.glob("*.yaml")))
    cli(url, "embed", "--json")
    rows = []
    for label, path in SETS.items():
        r = json.loads(cli(url, "eval-suggest", str(path), "--json"))
        a, nt = r["all"], r["non_trivial"]
        scale = (f"{a['items']} items with a target ({nt['items']} non-trivial), {r['no_target']['items']} without; "
                 "base: the 191 legacy mappings")
        rows += [
            {"metric": f"suggest top-1 / top-3 / MRR, {label}", "seed_target": "-",
             "goal": ">= 0.85 / 0.95 / 0.90", "median": f"{a['top1']} / {a['top3']} / {a['mrr']}", "scale": scale,
             "met": a["top1"] >= 0.85 and a["top3"] >= 0.95 and a["mrr"] >= 0.90},
            {"metric": f"suggest top-1 on non-trivial items, {label}", "seed_target": "-", "goal": ">= 0.75",
             "median": f"{nt['top1']}", "scale": scale, "met": nt["top1"] >= 0.75},
            {"metric": f"no-target items proposed with confidence >= 0.8, {label}", "seed_target": "-",
             "goal": "<= 10%", "median": f"{r['no_target']['proposed_confident']:.0%}", "scale": scale,
             "met": r["no_target"]["proposed_confident"] <= 0.10},
            {"metric": f"precision of proposals with confidence >= 0.8, {label}", "seed_target": "-",
             "goal": ">= 0.95", "median": f"{r['confident']['precision']} ({r['confident']['proposals']} proposals)",
             "scale": scale, "met": r["confident"]["precision"] >= 0.95},
        ]
    return rows


if __name__ == "__main__":
    for row in run(os.environ["DATABASE_URL"]):
        print(row)
