"""apply_mappings bulk throughput (issue: mapping semantics in SQL).

20-field Salesforce Opportunity records as the REST API returns them, two
mappings of the salesforce connector:
- legacy: the legacy registry's 9 opportunity mappings as they are (direct
  copies; the other 11 fields land in extras);
- transformed: the same plus created_at and currency, with the transforms a
  real sync needs (trim, map_values for stages, to_decimal, to_number,
  to_timestamp x3, to_currency_code): 11 mapped, 8 transformed, 9 to extras.
Server-side: the records are in a table and the call is
apply_mappings(..., ARRAY(SELECT rec FROM table)), a count coming back. End
to end: the records go in from psycopg as one binary jsonb[] parameter and
the canonical records come back as Python dicts. The reference is the same
mapping applied by a plain Python dict loop, in the same run. Median of 5."""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import datetime, timezone
from decimal import Decimal

import psycopg
import yaml
from psycopg.types.json import Jsonb
from synthetic import ENTITIES_YAML, scaled

RECORDS = scaled(20_000, 500)
RUNS = scaled(5, 1)
STAGES = {"Prospecting": "prospecting", "Qualification": "qualification", "Negotiation/Review": "negotiation",
          "Closed Won": "closed_won", "Closed Lost": "closed_lost"}
CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CHF"}

MAPPING = {"opportunity": {"fields": {
    "opportunity_id": "Id", "account_id": "AccountId", "owner_id": "OwnerId",
    "name": {"source": "Name", "transform": "trim"},
    "stage": {"source": "StageName", "transform": "map_values", "values": STAGES},
    "amount": {"source": "Amount", "transform": "to_decimal"},
    "probability": {"source": "Probability", "transform": "to_number"},
    "close_date": {"source": "CloseDate", "transform": "to_timestamp"},
    "created_at": {"source": "CreatedDate", "transform": "to_timestamp"},
    "updated_at": {"source": "LastModifiedDate", "transform": "to_timestamp"},
    "currency": {"source": "CurrencyIsoCode", "transform": "to_currency_code"},
}}}


def records(n: int) -> list[dict]:
    rnd = random.Random(7)
    out = []
    for i in range(n):
        out.append({
            "Id": f"0065g{i:013d}", "AccountId": f"0015g{rnd.randrange(10**12):013d}",
            "OwnerId": f"0055g{rnd.randrange(10**6):013d}", "Name": f"  Deal {i} - Platform Renewal ",
            "StageName": rnd.choice(list(STAGES)), "Amount": round(rnd.uniform(1000, 500000), 2),
            "Probability": rnd.choice([10.0, 20.0, 60.0, 80.0, 100.0]),
            "CloseDate": f"2024-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}",
            "CreatedDate": "2024-03-06T11:00:00.000+0000", "LastModifiedDate": "2024-05-20T13:45:09.000+0000",
            "CurrencyIsoCode": rnd.choice(sorted(CURRENCIES)).lower(),
            "IsClosed": False, "IsWon": False, "ForecastCategoryName": "Pipeline", "Type": "New Business",
            "LeadSource": "Web", "NextStep": "Send the proposal", "Description": "Renewal of the data platform",
            "FiscalYear": 2024, "FiscalQuarter": 2,
        })
    return out


# --- the Python reference: the same mapping, a dict loop ------------------------------------------------------

def _timestamp(v: str) -> str:
    dt = datetime.fromisoformat(v.replace("+0000", "+00:00")) if "T" in v else datetime.fromisoformat(v)
    dt = dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
    return dt.isoformat().replace("+00:00", "Z")


def _currency(v: str) -> str:
    code = v.strip().upper()
    if code not in CURRENCIES:
        raise ValueError(v)
    return code


PY_FIELDS = {
    "opportunity_id": ("Id", None), "account_id": ("AccountId", None), "owner_id": ("OwnerId", None),
    "name": ("Name", str.strip), "stage": ("StageName", STAGES.__getitem__),
    "amount": ("Amount", lambda v: str(Decimal(str(v)))), "probability": ("Probability", float),
    "close_date": ("CloseDate", _timestamp), "created_at": ("CreatedDate", _timestamp),
    "updated_at": ("LastModifiedDate", _timestamp), "currency": ("CurrencyIsoCode", _currency),
}
MAPPED = {source for source, _ in PY_FIELDS.values()}


def python_apply(recs: list[dict]) -> list[dict]:
    out = []
    for rec in recs:
        canonical: dict = {}
        errors = []
        for target, (source, fn) in PY_FIELDS.items():
            if source in rec:
                value = rec[source]
                try:
                    canonical[target] = fn(value) if fn and value is not None else value
                except (ValueError, KeyError) as exc:
                    errors.append({"field": target, "error": str(exc)})
        canonical["extras"] = {k: v for k, v in rec.items() if k not in MAPPED}
        if errors:
            canonical["_errors"] = errors
        out.append(canonical)
    return out


LEGACY = {"opportunity": {"fields": {k: (v if isinstance(v, str) else v["source"])
                                       for k, v in MAPPING["opportunity"]["fields"].items()
                                       if k not in ("created_at", "currency")}}}


def python_copy(recs: list[dict]) -> list[dict]:
    """The legacy mapping as a dict loop: copy the mapped fields, the rest to extras."""
    fields = LEGACY["opportunity"]["fields"]
    used = set(fields.values())
    out = []
    for rec in recs:
        canonical = {target: rec[source] for target, source in fields.items() if source in rec}
        canonical["extras"] = {k: v for k, v in rec.items() if k not in used}
        out.append(canonical)
    return out


def _rate(fn, n: int) -> float:
    rates = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        rates.append(n / (time.perf_counter() - t0))
    return statistics.median(rates)


SERVER = "SELECT count(*) FROM fieldmap.apply_mappings('salesforce', 'opportunity', ARRAY(SELECT rec FROM bench_records))"
END_TO_END = "SELECT canonical FROM fieldmap.apply_mappings('salesforce', 'opportunity', %b::jsonb[])"


def run(url: str) -> list[dict]:
    recs = records(RECORDS)
    param = [Jsonb(r) for r in recs]
    rows = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT * FROM fieldmap.load_entities(%s::json)", (json.dumps(yaml.safe_load(ENTITIES_YAML.read_text())),))
        conn.execute("SELECT fieldmap.create_tenant('bench')")
        conn.execute("SELECT fieldmap.set_context('bench', for_session => true)")
        conn.execute("CREATE TEMP TABLE bench_records AS SELECT rec FROM unnest(%b::jsonb[]) rec", (param,))
        for name, mapping, reference in (("legacy", LEGACY, python_copy), ("transformed", MAPPING, python_apply)):
            conn.execute("SELECT fieldmap.import_mappings('salesforce', %s::jsonb, mode => 'replace')", (json.dumps(mapping),))
            # the database and the reference agree (a benchmark of wrong output would be worthless)
            got = [r[0] for r in conn.execute(END_TO_END, (param[:200],)).fetchall()]
            want = reference(recs[:200])
            assert [g["stage"] for g in got] == [w["stage"] for w in want] and all("_errors" not in g for g in got)
            assert [sorted(g["extras"]) for g in got] == [sorted(w["extras"]) for w in want]
            server = _rate(lambda: conn.execute(SERVER).fetchall(), RECORDS)
            e2e = _rate(lambda: conn.execute(END_TO_END, (param,)).fetchall(), RECORDS)
            py = _rate(lambda: reference(recs), RECORDS)
            what = ("the legacy mapping (9 direct)" if name == "legacy"
                    else "11 mapped, 8 transformed (3 timestamps)")
            scale = f"{RECORDS:,} Opportunity records of 20 fields; {what}"
            rows += [
                {"metric": f"apply_mappings bulk, server-side ({name})", "seed_target": "-",
                 "goal": ">= 50,000 records/s", "median": f"{server:,.0f} records/s", "scale": scale,
                 "met": server >= 50_000},
                {"metric": f"apply_mappings vs a Python dict loop ({name}, same run)", "seed_target": "-",
                 "goal": "reported", "median": f"{server / py:.2f}x (Python {py:,.0f} records/s)", "scale": scale,
                 "met": True},
                {"metric": f"apply_mappings bulk, end to end from psycopg ({name})", "seed_target": "-",
                 "goal": "reported", "median": f"{e2e:,.0f} records/s", "scale": scale + "; records in and out",
                 "met": True},
            ]
    return rows
