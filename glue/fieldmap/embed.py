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
from .errors import Interrupted
from .words import plural


@dataclass
class Pushed:
    scope: str  # a tenant, or the canonical schema
    stored: int = 0
    ignored: int = 0  # computed for a text that changed meanwhile: still pending
    batches: int = 0


@dataclass
class Todo:
    """What a push would do, counted before a model loads (about 10 s and
    470 MB): a cron run with nothing to do costs next to nothing."""
    schema: int  # the canonical schema's texts without a vector of the model
    schema_ours: bool  # whether this role stores them (the owner) or leaves them to the owner
    tenants: dict[str, int]  # each tenant's mappings without one

    def nothing(self) -> bool:
        return not (self.schema and self.schema_ours) and not any(self.tenants.values())


@dataclass
class Run:
    model: str
    locked: bool = True
    tenants: list[Pushed] = field(default_factory=list)
    schema: Pushed = field(default_factory=lambda: Pushed("canonical schema"))
    schema_left: int = 0  # the canonical schema's texts still without a vector
    schema_ours: bool = True  # whether this role stores them (the owner) or leaves them to the owner


def _call(conn: psycopg.Connection, name: str, params: dict, scope: str | None) -> list[dict]:
    """A named query for a tenant, or (scope None) for the canonical schema, with no tenant in context."""
    if scope is None:
        with conn.transaction():
            return migration.call(conn, name, params, "the canonical schema")
    return migration.call_in_tenant(conn, scope, name, params, f"tenant {scope}")


def count(conn: psycopg.Connection, model: str, tenants: list[str]) -> Todo:
    schema = _call(conn, "schema_embeddings_missing", {"model": model}, None)[0]
    return Todo(schema["missing"], schema["may_store"],
                {t: _call(conn, "mappings_without_vector", {"model": model}, t)[0]["pending"] for t in tenants})


def idle(model: str, todo: Todo) -> Run:
    """The run of a push with nothing to do (todo.nothing())."""
    return Run(model, tenants=[Pushed(t) for t in todo.tenants], schema_left=todo.schema, schema_ours=todo.schema_ours)


def push(conn: psycopg.Connection, encoder: Encoder, tenants: list[str], batch: int, progress: bool,
         todo: Todo | None = None) -> Run:
    from pgvector.psycopg import register_vector

    register_vector(conn)
    run = Run(encoder.name)
    with session_lock(conn, f"fieldmap embed {encoder.name}") as locked:
        run.locked = locked
        if locked:
            try:
                _push_scopes(conn, encoder, todo or count(conn, encoder.name, tenants), batch, progress, run)
            except KeyboardInterrupt:  # Ctrl-C, or SIGTERM from cron's timeout: say what stands
                stored = run.schema.stored + sum(t.stored for t in run.tenants)
                raise Interrupted(f"interrupted after storing {plural(stored, 'vector')}; the rest stays pending "
                                  "for the next 'fieldmap embed'") from None
            left = _call(conn, "schema_embeddings_missing", {"model": run.model}, None)[0]
            run.schema_left, run.schema_ours = left["missing"], left["may_store"]
    return run


def _push_scopes(conn: psycopg.Connection, encoder: Encoder, todo: Todo, batch: int, progress: bool,
                 run: Run) -> None:
    from tqdm import tqdm

    # The canonical schema first, on its own (the owner's: it needs no
    # tenant, so it is embedded before any tenant exists), then each tenant.
    # The model only encodes: while it encodes a batch, a worker thread
    # stores the last one and fetches the next (its texts are computed in
    # the database too). In turn on the main thread, the fetch alone cost
    # about a tenth of the run.
    scopes = ([(None, todo.schema)] if todo.schema and todo.schema_ours else []) + list(todo.tenants.items())
    with ThreadPoolExecutor(max_workers=1) as worker:
        for scope, total in scopes:
            if scope is not None:
                run.tenants.append(Pushed(scope))
            done = run.tenants[-1] if scope is not None else run.schema
            bar = tqdm(total=total, desc=f"embed {done.scope}", unit="text", file=sys.stderr,
                       disable=not progress or not total, leave=False)
            in_flight: Future | None = None
            try:
                rows = _pending(conn, encoder, scope, batch, None)
                while rows:
                    # keyset: the page past this one, queued behind the store in flight
                    following = worker.submit(_pending, conn, encoder, scope, batch, rows[-1]["key"])
                    vectors = encoder.encode([r["embedding_text"] for r in rows])
                    if in_flight:
                        _count(run, done, in_flight.result(), bar)
                        in_flight = None  # counted: the finally below must not count it again
                    in_flight, rows = worker.submit(_store, conn, encoder, scope, rows, vectors), following.result()
            finally:  # stopped or not, the batch being stored commits: count it
                if in_flight and not in_flight.cancelled() and in_flight.exception() is None:
                    _count(run, done, in_flight.result(), bar)
            bar.close()


def _pending(conn: psycopg.Connection, encoder: Encoder, scope: str | None, batch: int,
             after: str | None) -> list[dict]:
    return _call(conn, "pending_embeddings", {"model": encoder.name, "batch_size": batch, "after": after}, scope)


def _store(conn: psycopg.Connection, encoder: Encoder, scope: str | None, rows: list[dict],
           vectors: list) -> list[tuple[bool, dict, int]]:
    """put_embeddings for the canonical schema's rows and for the mappings'
    apart, so that each is counted as its own: (schema or not, stored and
    ignored, rows). A tenant's page holds schema rows only when the
    entities changed after the schema's own step."""
    parts = []
    for schema in (True, False):
        picked = [(r, v) for r, v in zip(rows, vectors) if (r["kind"] != "mapping") == schema]
        if picked:
            result = _call(conn, "put_embeddings", {"model": encoder.name, "kinds": [r["kind"] for r, _ in picked],
                                                    "keys": [r["key"] for r, _ in picked],
                                                    "hashes": [r["content_hash"] for r, _ in picked],
                                                    "vectors": [v for _, v in picked]}, scope)[0]
            parts.append((schema, result, len(picked)))
    return parts


def _count(run: Run, done: Pushed, parts: list[tuple[bool, dict, int]], bar: object) -> None:
    for schema, result, rows in parts:
        counted = run.schema if schema else done
        counted.stored += result["stored"]
        counted.ignored += result["ignored"]
        counted.batches += 1
        bar.update(rows)
