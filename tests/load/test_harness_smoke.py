"""The benchmark harness keeps working: generate a tiny council in PostgreSQL
and time every page once. Runs only when the tests run on PostgreSQL (as CI
does); the full-size run is `make bench`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="the benchmark needs PostgreSQL"
)


def test_generate_and_bench_at_a_small_scale(tmp_path):
    # Making and dropping a database is the owner's to do, not the app role's.
    base = (os.environ.get("MIGRATION_DATABASE_URL") or DATABASE_URL).rsplit("/", 1)[0]
    bench_url = f"{base}/deal_bench_ci_{os.getpid()}"
    env = dict(os.environ, DATABASE_URL=bench_url, BENCH_SCALE="0.003")
    out = tmp_path / "bench.json"
    try:
        subprocess.run(
            [sys.executable, "tests/load/generate.py"], cwd=ROOT, env=env, check=True, timeout=600
        )
        subprocess.run(
            [
                sys.executable,
                "tests/load/bench.py",
                "--rounds",
                "1",
                "--warm-up",
                "0",
                "--json",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
    finally:
        drop_database(bench_url)
    result = json.loads(out.read_text())
    rows = {row["page"]: row for row in result["rows"]}
    # Every page answered for the role it was asked as, the Django admin's
    # change lists included, and the round trips were counted.
    not_answered = {name: row["status"] for name, row in rows.items() if row["status"] != [200]}
    assert not not_answered
    assert "/healthz (the floor)" in rows
    assert "Django admin: open actions" in rows
    assert result["people"] == 300
    assert all(row["queries"] >= 1 for row in rows.values() if row["kind"] != "floor")


def drop_database(url: str) -> None:
    import psycopg2

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(f"{base}/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
