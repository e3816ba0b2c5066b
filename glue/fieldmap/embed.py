"""`fieldmap embed`: vectors for whatever the database says needs one.

The database decides (fieldmap.pending_embeddings): new mappings, mappings
whose text changed, and (for the owner) the canonical schema. This module
only encodes the texts and pushes the vectors back in one call per batch
(fieldmap.put_embeddings), which stores a vector only if its text is still
current; the next batch is encoded while the database stores the last
and hands out the next. A session advisory lock per model keeps two runs
(cron every few minutes) from doing the same work; each batch commits on
its own, so a run killed halfway leaves the rest pending and the next run
finishes it."""

from __future__ import annotations

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg

from . import migration
from .db import session_lock
from .encoder import Encoder

@dataclass
class Pushed:
    tenant: str
    stored: int = 0
    ignored: int = 0  # computed for a text that changed meanwhile: still pending
    batches: int = 0


@dataclass
class Run:
    model: str
    locked: bool = True
    tenants: list[Pushed] = field(default_factory=list)
    schema: Pushed = field(default_factory=lambda: Pushed("canonical schema"))
    schema_left: int = 0  # the canonical schema's texts still without a vector
    schema_ours: bool = True  # whether this role stores them (the owner) or leaves them to the owner


def _call(conn: psycopg.Connection, name: str, params: dict, tenant: str) -> list[dict]:
    return migration.call_in_tenant(conn, tenant, name, params, f"tenant {tenant}")


def push(conn: psycopg.Connection, encoder: Encoder, tenants: list[str], batch: int, progress: bool) -> Run:
    from pgvector.psycopg import register_vector

    register_vector(conn)
    run = Run(encoder.name)
    with session_lock(conn, f"fieldmap embed {encoder.name}") as locked:
        run.locked = locked
        if locked:
            _push_tenants(conn, encoder, tenants, batch, progress, run)
            _schema_left(conn, run)
    return run


def nothing_pending(conn: psycopg.Connection, model: str, tenants: list[str]) -> Run | None:
    """The run of a push that would find nothing to do, or None: asked of
    the database before a model is loaded."""
    if any(_call(conn, "pending_embedding_count", {"model": model}, t)[0]["pending"] for t in tenants):
        return None
    run = Run(model, tenants=[Pushed(t) for t in tenants])
    _schema_left(conn, run)
    return run


def _schema_left(conn: psycopg.Connection, run: Run) -> None:
    left = migration.call(conn, "schema_embeddings_missing", {"model": run.model}, "the canonical schema")[0]
    run.schema_left, run.schema_ours = left["missing"], left["may_store"]


def _push_tenants(conn: psycopg.Connection, encoder: Encoder, tenants: list[str], batch: int, progress: bool,
                  run: Run) -> None:
    from tqdm import tqdm

    # The model only encodes: while it encodes a batch, a worker thread
    # stores the last one and fetches the next (its texts are computed in
    # the database too). In turn on the main thread, the fetch alone cost
    # about a tenth of the run.
    with ThreadPoolExecutor(max_workers=1) as worker:
        for tenant in tenants:
            done = Pushed(tenant)
            run.tenants.append(done)
            total = _call(conn, "pending_embedding_count", {"model": encoder.name}, tenant)[0]["pending"]
            bar = tqdm(total=total, desc=f"embed {tenant}", unit="text", file=sys.stderr,
                       disable=not progress or not total, leave=False)
            in_flight: Future | None = None
            rows = _pending(conn, encoder, tenant, batch, None)
            while rows:
                # keyset: the page past this one, queued behind the store in flight
                following = worker.submit(_pending, conn, encoder, tenant, batch, rows[-1]["key"])
                vectors = encoder.encode([r["embedding_text"] for r in rows])
                if in_flight:
                    _count(run, done, in_flight.result(), bar)
                in_flight = worker.submit(_store, conn, encoder, tenant, rows, vectors)
                rows = following.result()
            if in_flight:
                _count(run, done, in_flight.result(), bar)
            bar.close()


def _pending(conn: psycopg.Connection, encoder: Encoder, tenant: str, batch: int, after: str | None) -> list[dict]:
    return _call(conn, "pending_embeddings", {"model": encoder.name, "batch_size": batch, "after": after}, tenant)


def _store(conn: psycopg.Connection, encoder: Encoder, tenant: str, rows: list[dict],
           vectors: list) -> list[tuple[bool, dict, int]]:
    """put_embeddings for the canonical schema's rows (on an owner's first
    page) and for the mappings' apart, so that each is counted as its own:
    (schema or not, stored and ignored, rows)."""
    parts = []
    for schema in (True, False):
        picked = [(r, v) for r, v in zip(rows, vectors) if (r["kind"] != "mapping") == schema]
        if picked:
            result = _call(conn, "put_embeddings", {"model": encoder.name, "kinds": [r["kind"] for r, _ in picked],
                                                    "keys": [r["key"] for r, _ in picked],
                                                    "hashes": [r["content_hash"] for r, _ in picked],
                                                    "vectors": [v for _, v in picked]}, tenant)[0]
            parts.append((schema, result, len(picked)))
    return parts


def _count(run: Run, done: Pushed, parts: list[tuple[bool, dict, int]], bar: object) -> None:
    for schema, result, rows in parts:
        counted = run.schema if schema else done
        counted.stored += result["stored"]
        counted.ignored += result["ignored"]
        counted.batches += 1
        bar.update(rows)
