"""Released Sqitch changes keep their function bodies frozen.

Deploy scripts `\\ir` their function bodies from db/functions/ and
db/triggers/, so one body is written once; but Sqitch hashes only the deploy
script itself. After a rework, the copy of a released change
(deploy/CHANGE@TAG.sql) would still include today's body, and deploying or
reverting to the tag would run new code. The scheme:

  tag TAG NOTE     `sqitch tag TAG`, then record in db/released.txt the sha256
                   of the effective SQL (\\ir expanded) of the deploy, revert
                   and verify scripts of every change the tag releases.
  rework CHANGE NOTE
                   `sqitch rework CHANGE`, then freeze the released copies:
                   each body they include is copied from the git commit that
                   made the tag into FILE@TAG.sql next to it, and the copies
                   include that frozen file. The change's own scripts keep
                   including the live bodies, free to change; its revert
                   script becomes the released deploy (frozen), putting the
                   released version back.
  check            every change recorded in db/released.txt still has exactly
                   the effective SQL it was released with (tests run this).

The released instance of CHANGE under TAG lives in SCRIPT@TAG.sql once the
change has been reworked, in SCRIPT.sql until then."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

DB = Path(os.environ.get("FIELDMAP_DB_DIR", Path(__file__).resolve().parent.parent / "db"))
KINDS = ("deploy", "revert", "verify")
INCLUDE = re.compile(r"^\\ir\s+(\S+)\s*$", re.M)


def manifest_path(db: Path) -> Path:
    return db / "released.txt"


def effective_sql(script: Path, seen: tuple[Path, ...] = ()) -> str:
    """The script with every \\ir include expanded, recursively."""
    if script in seen:
        raise SystemExit(f"release: {script} includes itself")
    text = script.read_text()
    return INCLUDE.sub(lambda m: effective_sql((script.parent / m.group(1)).resolve(), (*seen, script)), text)


def plan(db: Path) -> list[tuple[str, str | None]]:
    """(change, tag it was released under or None) in plan order; a change
    named again after a tag (a rework) is a new instance."""
    entries: list[list] = []
    for line in (db / "sqitch.plan").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("%", "#")):
            continue
        if line.startswith("@"):
            tag = line.split()[0][1:]
            for e in entries:
                if e[1] is None:
                    e[1] = tag
            continue
        entries.append([line.split()[0], None])
    return [(c, t) for c, t in entries]


def released_script(db: Path, kind: str, change: str, tag: str) -> Path:
    frozen = db / kind / f"{change}@{tag}.sql"
    return frozen if frozen.exists() else db / kind / f"{change}.sql"


def digest(db: Path, kind: str, change: str, tag: str) -> str:
    return hashlib.sha256(effective_sql(released_script(db, kind, change, tag)).encode()).hexdigest()


def read_manifest(db: Path) -> dict[tuple[str, str, str], str]:
    path = manifest_path(db)
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, kind, sha = line.split()
            change, tag = key.split("@")
            out[(change, tag, kind)] = sha
    return out


def check(db: Path = DB) -> list[str]:
    """Released changes whose effective SQL differs from what was released."""
    problems = []
    for (change, tag, kind), sha in sorted(read_manifest(db).items()):
        if digest(db, kind, change, tag) != sha:
            problems.append(f"{kind}/{change} as released in @{tag} has changed: restore it, or rework the change "
                            f"(python scripts/release.py rework {change} 'why')")
    return problems


def _sqitch(db: Path, *args: str) -> None:
    env = {**os.environ, "SQITCH_FULLNAME": os.environ.get("SQITCH_FULLNAME", "fieldmap"),
           "SQITCH_EMAIL": os.environ.get("SQITCH_EMAIL", "dev@fieldmap.invalid")}
    out = subprocess.run(["sqitch", *args], cwd=db, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise SystemExit(f"release: sqitch {' '.join(args)} failed:\n{out.stdout}{out.stderr}")


def tag(name: str, note: str, db: Path = DB) -> None:
    _sqitch(db, "tag", name, "-n", note)
    lines = [f"{c}@{t} {k} {digest(db, k, c, t)}" for c, t in plan(db) if t == name for k in KINDS]
    header = "# change@tag script sha256-of-effective-sql  (scripts/release.py; do not edit)\n"
    old = manifest_path(db).read_text() if manifest_path(db).exists() else header
    manifest_path(db).write_text(old + "\n".join(lines) + "\n")


def _tag_commit(db: Path, name: str) -> str:
    out = subprocess.run(["git", "log", "--format=%H", "-S", f"@{name} ", "--", "sqitch.plan"], cwd=db,
                         capture_output=True, text=True, check=True).stdout.split()
    if not out:
        raise SystemExit(f"release: no commit adds tag @{name} to sqitch.plan (commit the tag first)")
    return out[-1]


def rework(change: str, note: str, db: Path = DB) -> None:
    released = [t for c, t in plan(db) if c == change and t]
    if not released:
        raise SystemExit(f"release: {change} has not been released under a tag: edit it in place instead")
    last = released[-1]
    commit = _tag_commit(db, last)
    before = (db / "sqitch.plan").read_text()
    _sqitch(db, "rework", change, "-n", note)
    # Sqitch writes the whole plan back, doubling each backslash of older
    # notes (\d+ became \\d+): keep those lines as they were, add only the new one
    added = (db / "sqitch.plan").read_text().splitlines(keepends=True)[-1]
    (db / "sqitch.plan").write_text(before + ("" if before.endswith("\n") else "\n") + added)
    top = Path(subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=db, capture_output=True, text=True,
                              check=True).stdout.strip())
    for kind in KINDS:
        copy = db / kind / f"{change}@{last}.sql"
        text = copy.read_text()
        for inc in set(INCLUDE.findall(text)):
            body = (copy.parent / inc).resolve()
            frozen = body.with_name(f"{body.stem}@{last}{body.suffix}")
            if not frozen.exists():
                at_tag = subprocess.run(["git", "show", f"{commit}:{body.relative_to(top)}"], cwd=db,
                                        capture_output=True, text=True, check=True).stdout
                frozen.write_text(at_tag)
            text = text.replace(f"\\ir {inc}", f"\\ir {Path(inc).parent / frozen.name}")
        copy.write_text(text)
    # reverting the new instance puts the released one back: its frozen deploy
    released_deploy = (db / "deploy" / f"{change}@{last}.sql").read_text()
    (db / "revert" / f"{change}.sql").write_text(
        f"-- Revert fieldmap:{change} from pg: put back the version released in @{last}\n"
        f"-- (its frozen deploy script; add what the new version created and the old one lacks)\n"
        + released_deploy)
    problems = [p for p in check(db) if f"/{change} " in p]
    if problems:
        raise SystemExit("release: the frozen copy differs from the release:\n" + "\n".join(problems))


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"] and len(argv) == 1:
        problems = check()
        print("\n".join(problems) or "release: every released change is as it was released", file=sys.stderr)
        return 1 if problems else 0
    if argv[:1] == ["tag"] and len(argv) == 3:
        tag(argv[1], argv[2])
        return 0
    if argv[:1] == ["rework"] and len(argv) == 3:
        rework(argv[1], argv[2])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
