"""Suggestions for a new connector's fields, and their evaluation.

The database ranks (fieldmap.suggest_fields) and places a field list's
proposals (fieldmap.propose_mappings); this module encodes the texts the
database says to encode (fieldmap.embedding_text), reads a field list,
writes the proposal in the import format for a human to review, and
computes the evaluation's figures from the database's answers."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import psycopg
import yaml

from . import migration
from .encoder import Encoder
from .errors import InputError, Rejected
from .queries import query
from .words import plural
from .yamlio import parse_yaml

CONFIDENT = 0.8  # the evaluation's: proposals at or above it should be right 95 times in 100


LISTED_KEYS = ("table", "field", "type")  # of each field in a field list


@dataclass(frozen=True)
class SourceField:
    table: str
    field: str
    type: str | None = None
    where: str = ""  # file:line, for messages


def read_field_list(path: Path) -> list[SourceField]:
    """A connector's fields from YAML (a list of {table, field, type}) or CSV
    (columns table, field, type); every problem of the file at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    problems: list[tuple[str, str]] = []
    rows: list[tuple[str, dict]] = []
    from_csv = path.suffix.lower() in (".csv", ".tsv")
    if from_csv:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]  # Table,Field,Type too
        missing = [c for c in ("table", "field") if c not in (reader.fieldnames or [])]
        if not reader.fieldnames:
            raise InputError("the file is empty (a CSV needs a header line: table,field,type)", where=str(path))
        if missing:
            other = next((d for d in ";|\t," if d != delimiter and d in text.partition("\n")[0]), None)
            hint = f"; its header is split by {other!r}, not {delimiter!r}" if other else ""
            raise InputError(f"the CSV header lacks column {', '.join(missing)} (columns: table, field, type){hint}",
                                where=str(path))
        rows = [(f"{path}:{n}", r) for n, r in enumerate(reader, start=2)]
    else:
        doc = parse_yaml(text, str(path))
        if not isinstance(doc, list):
            raise InputError(f"{path}: a field list is a YAML list of {{table, field, type}}, or a CSV "
                             "(.csv) or TSV (.tsv) file with those columns: the suffix decides which")
        rows = [(f"{path}: item {n}", r) for n, r in enumerate(doc, start=1)]
    fields: list[SourceField] = []
    seen: set[tuple[str, str]] = set()
    for where, r in rows:
        if not isinstance(r, dict):
            problems.append((where, "not a mapping of table, field, type"))
            continue
        r = {str(k).lower(): v for k, v in r.items()}
        # a YAML key misspelt (tpye) would be dropped unseen; a CSV may carry more columns than these
        unknown = [] if from_csv else sorted(k for k in r if k not in LISTED_KEYS)
        # YAML reads yes, 1.10, 0x1F, [a, b] as other things than the name written: they must be quoted
        not_names = [k for k in LISTED_KEYS if r.get(k) is not None and not isinstance(r[k], str)]
        table, name, kind = (str(r.get(k) or "").strip() for k in LISTED_KEYS)
        if unknown:
            problems.append((where, f"unknown key {', '.join(unknown)} (a listed field has table, field and type)"))
        elif not_names:
            problems.append((where, f"{not_names[0]} must be a name: quote it (YAML read it as "
                                    f"{type(r[not_names[0]]).__name__} {r[not_names[0]]!r})"))
        elif any(ch < " " for ch in table + name + kind):
            problems.append((where, "a name with a line break or control character"))
        elif not table or not name:
            problems.append((where, " and ".join(f"no {k}" for k, v in (("table", table), ("field", name)) if not v)))
        elif (table, name) in seen:
            problems.append((where, f"{table}.{name} is listed twice"))
        else:
            seen.add((table, name))
            fields.append(SourceField(table, name, kind or None, where))
    if problems:
        raise Rejected(problems, f"{path}: {plural(len(problems), 'problem')}; nothing was suggested")
    if not fields:
        raise InputError(f"{path}: no fields listed")
    return fields


def _vectors(conn: psycopg.Connection, encoder: Encoder, fields: list[SourceField]) -> tuple[dict, dict]:
    """The vectors of the texts the database decides: per (table, field) and
    per table."""
    from pgvector.psycopg import register_vector

    register_vector(conn)
    tables = list(dict.fromkeys(f.table for f in fields))
    texts = [r["text"] for table in tables for r in conn.execute(
        query("embedding_texts"), {"table": table, "fields": [f.field for f in fields if f.table == table]}).fetchall()]
    words = [conn.execute(query("table_words"), {"table": table}).fetchone()["words"] for table in tables]
    vectors = encoder.encode(texts + words)  # one call: the model batches them
    listed = [(table, f.field) for table in tables for f in fields if f.table == table]  # the order of texts
    return dict(zip(listed, vectors)), dict(zip(tables, vectors[len(texts):]))


def suggest(conn: psycopg.Connection, encoder: Encoder, tenant: str, connector: str, fields: list[SourceField],
            k: int) -> dict[tuple[str, str], list[dict]]:
    """(table, field) -> ranked proposals (empty: nothing fits), table by table."""
    field_vectors, table_vectors = _vectors(conn, encoder, fields)
    out: dict[tuple[str, str], list[dict]] = {(f.table, f.field): [] for f in fields}
    for table, table_vector in table_vectors.items():
        items = [f for f in fields if f.table == table]
        rows = migration.call_in_tenant(conn, tenant, "suggest_fields", {
            "connector": connector, "table": table, "fields": [f.field for f in items], "types": [f.type for f in items],
            "vectors": [field_vectors[(table, f.field)] for f in items], "table_vector": table_vector, "k": k,
        }, f"table {table}")
        for r in rows:
            out[(table, r["source_field"])].append(r)
    return out


def why(p: dict) -> str:
    ev = p["evidence"]
    similar = ", ".join(f"{s['source_field']} ({s['connector']}) {s['similarity']}" for s in ev["similar_mappings"][:2])
    return (f"{p['confidence']:.2f}" + (f"; like {similar}" if similar else "")
            + f"; name {ev['name_similarity']}; type {ev['type']}")


def propose(conn: psycopg.Connection, encoder: Encoder, tenant: str, connector: str, fields: list[SourceField],
            k: int) -> list[dict]:
    """The database's proposal for a field list (fieldmap.propose_mappings):
    one row per field, in the list's order, with its verdict."""
    field_vectors, table_vectors = _vectors(conn, encoder, fields)
    return migration.call_in_tenant(conn, tenant, "propose_mappings", {
        "connector": connector, "tables": [f.table for f in fields], "fields": [f.field for f in fields],
        "types": [f.type for f in fields], "vectors": [field_vectors[(f.table, f.field)] for f in fields],
        "table_vectors": [table_vectors[f.table] for f in fields], "k": k,
    }, f"{len(fields)} listed fields")


WHY_NOT_PLACED = {"no_fit": "nothing fits", "unsure": "too unsure to propose (best guess {target}, {confidence:.2f})",
                  "taken": "its best target {target} ({confidence:.2f}) went to {taken_by}, more confident of it; "
                           "none of its other proposals ({candidates}) is free and 0.2 or more"}


def proposal(connector: str, fields: list[SourceField], rows: list[dict], source: str,
             tenant: str) -> tuple[str, dict]:
    """The database's proposal written as an import file (canonical-first
    YAML, comments say why) for a human to review, and its summary; its
    header names the import command for the tenant."""
    listed = {(f.table, f.field): f for f in fields}
    placed = [(listed[(r["source_table"], r["source_field"])], r) for r in rows if r["verdict"] in ("confident", "review")]
    unplaced = [(listed[(r["source_table"], r["source_field"])], r,
                 WHY_NOT_PLACED[r["verdict"]].format(target=r["target"], confidence=r["confidence"] or 0,
                                                     taken_by=r["taken_by"],
                                                     candidates=", ".join(r["candidates"][1:]) or "none"))
                for r in rows if r["verdict"] not in ("confident", "review")]
    entities: dict[str, dict[str, tuple[SourceField, dict]]] = defaultdict(dict)
    for f, p in placed:
        entity, name = p["target"].split(".", 1)
        entities[entity][name] = (f, p)
    lines = [f"# fieldmap suggest: proposed mappings for connector {connector} (from {source})",
             "# Review every entry: those without CHECK are usually right; check the rest. Then:",
             f"#   fieldmap import --tenant {tenant} --mapping-source rag {connector}.yaml",
             "# (the file's name is the connector: save it as <connector>.yaml)"]
    for entity in sorted(entities):
        lines.append(f"{entity}:")
        lines.append("  fields:")
        for name in sorted(entities[entity]):
            f, p = entities[entity][name]
            flag = ("  CHECK" if p["verdict"] == "review" else "") + (f"  REPLACES {p['replaces']}" if p["replaces"] else "")
            lines.append(f"    {name}:  # {f.table}.{f.field}" + (f" ({f.type})" if f.type else "") + f": {why(p)}{flag}")
            lines.append(f"      source: {_yaml_scalar(f.field)}")
            lines.append(f"      source_table: {_yaml_scalar(f.table)}")
            lines.append(f"      confidence: {p['confidence']}")
    if unplaced:
        lines.append("# Not proposed, for a human (e.g. to an extras.<name> target):")
        lines += [f"#   {f.table}.{f.field}" + (f" ({f.type})" if f.type else "") + f": {reason}" for f, _, reason in unplaced]
    summary = {"connector": connector, "proposed": len(placed),
               "confident": sum(p["verdict"] == "confident" for _, p in placed),
               "not_proposed": [{"table": f.table, "field": f.field, "verdict": r["verdict"], "why": reason,
                                 "target": r["target"], "confidence": r["confidence"], "taken_by": r["taken_by"],
                                 "candidates": r["candidates"]} for f, r, reason in unplaced],
               "proposals": [{"table": f.table, "field": f.field, "target": p["target"], "confidence": p["confidence"],
                              "verdict": p["verdict"], "replaces": p["replaces"], "candidates": p["candidates"],
                              "evidence": p["evidence"]} for f, p in sorted(placed, key=lambda fp: fp[1]["target"])]}
    text = "\n".join(lines) + "\n"
    yaml.safe_load(text)  # what we write must read back
    return text, summary


def _yaml_scalar(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.\-]*", value) and value.lower() not in (
        "true", "false", "null", "yes", "no", "on", "off", "y", "n") else yaml.safe_dump(value).strip().removesuffix("...").strip()


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def read_eval_items(path: Path) -> list[dict]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    doc = parse_yaml(text, str(path))
    if not isinstance(doc, list) or not doc:
        raise InputError(f"{path}: an evaluation set is a YAML list of items "
                            "(connector, source_table, source_field, source_type, expected, also_ok)")
    problems: list[tuple[str, str]] = []
    for n, it in enumerate(doc, start=1):
        where = f"{path}: item {n}"
        if not isinstance(it, dict):
            problems.append((where, "not a mapping"))
            continue
        missing = [k for k in ("connector", "source_table", "source_field") if not it.get(k)]
        if missing or "expected" not in it:
            problems.append((where, f"lacks {', '.join(missing + ([] if 'expected' in it else ['expected']))}"))
        elif not_names := [k for k in ("connector", "source_table", "source_field", "source_type")
                           if it.get(k) is not None and not isinstance(it[k], str)]:
            problems.append((where, f"{not_names[0]} must be a name: quote it (YAML read {it[not_names[0]]!r})"))
        elif it["expected"] is not None and not re.fullmatch(r"[a-z][a-z0-9_]*\.[A-Za-z0-9_.]+", str(it["expected"])):
            problems.append((where, f"expected must be entity.field or null, not {it['expected']!r}"))
        elif not isinstance(it.get("also_ok") or [], list):
            problems.append((where, f"also_ok must be a list of entity.field, not {it['also_ok']!r}"))
    if problems:
        raise Rejected(problems, f"{path}: {plural(len(problems), 'problem')}")
    return doc


def check_eval_labels(conn: psycopg.Connection, path: Path, items: list[dict]) -> None:
    """Refuses an evaluation set with a label that can never be right (the
    database says which: a target no canonical entity has, a connector name
    that is no handle), rather than scoring it as a miss."""
    labels = [(n, "connector", it["connector"]) for n, it in enumerate(items, start=1)]
    labels += [(n, "target", str(t)) for n, it in enumerate(items, start=1)
               for t in [it["expected"], *(it.get("also_ok") or [])] if t is not None]
    bad = conn.execute(query("eval_label_problems"), {"items": [n for n, _, _ in labels],
                                                      "kinds": [k for _, k, _ in labels],
                                                      "labels": [v for _, _, v in labels]}).fetchall()
    if bad:
        problems = [(f"{path}: item {r['n']}",
                     f"connector {r['value']!r} is not a connector name (lower case letters, digits, _ and -)"
                     if r["kind"] == "connector" else
                     f"{r['value']!r} is no canonical field" + (f" (did you mean {r['closest']}?)" if r["closest"] else ""))
                    for r in bad]
        raise Rejected(problems, f"{path}: {plural(len(problems), 'label')} can never be right; nothing was scored")


def evaluate(conn: psycopg.Connection, encoder: Encoder, tenant: str, items: list[dict]) -> dict:
    """top-1, top-3 and MRR over items with a target (all, trivial, non-trivial),
    the share of no-target items proposed with confidence >= 0.8, and the
    precision of proposals with confidence >= 0.8."""
    by_connector: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        by_connector[it["connector"]].append(it)
    answers: dict[int, list[dict]] = {}
    for connector, group in by_connector.items():
        fields = [SourceField(it["source_table"], it["source_field"], it.get("source_type")) for it in group]
        ranked = suggest(conn, encoder, tenant, connector, fields, k=10)
        for it in group:
            answers[id(it)] = ranked[(it["source_table"], it["source_field"])]
    stats = {name: {"items": 0, "top1": 0, "top3": 0, "rr": 0.0} for name in ("all", "trivial", "non_trivial")}
    nulls = nulls_confident = confident = confident_right = 0
    misses = []
    for it in items:
        props = answers[id(it)]
        ok = {it["expected"], *(it.get("also_ok") or [])} - {None}
        top = props[0] if props else None
        if top and top["confidence"] >= CONFIDENT:
            confident += 1
            confident_right += top["target"] in ok
        if it["expected"] is None:
            nulls += 1
            nulls_confident += bool(top and top["confidence"] >= CONFIDENT)
            continue
        rank = next((p["rank"] for p in props if p["target"] in ok), None)
        trivial = _norm(it["source_field"]) == _norm(it["expected"].split(".", 1)[1])
        for name in ("all", "trivial" if trivial else "non_trivial"):
            s = stats[name]
            s["items"] += 1
            s["top1"] += rank == 1
            s["top3"] += rank is not None and rank <= 3
            s["rr"] += 1 / rank if rank else 0
        if rank != 1:
            misses.append({"item": f"{it['connector']} {it['source_table']}.{it['source_field']}",
                           "expected": it["expected"], "got": top["target"] if top else None,
                           "confidence": top["confidence"] if top else None})
    report = {name: {"items": s["items"], "top1": _share(s["top1"], s["items"]), "top3": _share(s["top3"], s["items"]),
                     "mrr": _share(s["rr"], s["items"])} for name, s in stats.items()}
    report["no_target"] = {"items": nulls, "proposed_confident": _share(nulls_confident, nulls)}
    report["confident"] = {"proposals": confident, "precision": _share(confident_right, confident)}
    report["misses"] = misses
    return report


def _share(part: float, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
