"""How many CPU instructions the app runs for a page, counted by valgrind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deal_bench \\
        python tests/load/instructions.py "/ My work" "profile, a typical person"

Timings on a shared two-core machine move by a third from one hour to the
next; an instruction count does not. Each page (named as in bench.py's
table, or a part of its name) is asked for in this process, after three
requests to warm it up, N times (BENCH_REQUESTS, 5) inside a call to
functools.reduce, and valgrind's callgrind counts only what runs inside that
call (--toggle-collect). The count covers Django and the app (building
queries, drawing pages), not the database, which runs in its own process.

Needs valgrind (Debian's package). Runs itself under valgrind when started
without it. Prints the page and the instructions a request.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

UNDER_VALGRIND = "DEAL_UNDER_VALGRIND"


def count(page_name: str) -> int:
    """Run this script under callgrind for one page; the instructions it
    counted, in all the measured requests."""
    out = Path(tempfile.mkdtemp(prefix="deal-callgrind-")) / "callgrind.out"
    result = subprocess.run(
        [
            "valgrind", "--tool=callgrind", "--collect-atstart=no",
            "--toggle-collect=functools_reduce", f"--callgrind-out-file={out}",
            sys.executable, __file__, page_name,
        ],
        cwd=ROOT,
        env=dict(os.environ, **{UNDER_VALGRIND: "1"}),
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    shutil.rmtree(out.parent, ignore_errors=True)
    for line in result.stderr.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    raise SystemExit(f"valgrind counted nothing for {page_name!r}:\n{result.stderr[-2000:]}")


def requests_of(page_name: str) -> None:
    """Inside valgrind: ask for the page, warmed up, in the counted call."""
    from tests.load import bench, bench_support

    database_url = os.environ.get("DATABASE_URL", "")
    os.environ.update(bench_support.server_env(database_url))
    bench.setup_django(database_url)
    from django.test import Client

    pages, sessions = bench.build_pages()
    page = next(p for p in pages if page_name in p.name and p.kind == "page")
    client = Client(HTTP_HOST="127.0.0.1")
    if sessions[page.who]:
        name, value = sessions[page.who].split("=", 1)
        client.cookies[name] = value
    for _ in range(3):
        response = client.get(page.url)
    if response.status_code != 200:
        raise SystemExit(f"{page.name} answered {response.status_code}")
    functools.reduce(lambda _, __: client.get(page.url), range(requests()), None)


def requests() -> int:
    return int(os.environ.get("BENCH_REQUESTS", "5"))


def main() -> None:
    if os.environ.get(UNDER_VALGRIND):
        requests_of(sys.argv[1])
        return
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        raise SystemExit("Set DATABASE_URL to the benchmark's database (its name has 'bench').")
    for page_name in sys.argv[1:]:
        print(
            f"{page_name}: {count(page_name) / requests() / 1e6:.1f} million instructions a request"
        )


if __name__ == "__main__":
    main()
