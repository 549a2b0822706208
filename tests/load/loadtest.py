"""The load test: fifty members of staff for three minutes (`make loadtest`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deal_bench python tests/load/loadtest.py

Makes the benchmark's data if the database is not there yet (generate.py at
BENCH_SCALE), starts gunicorn with the deployment's configuration
(deal/gunicorn.conf.py) on 127.0.0.1, runs Locust headless for LOAD_TIME with
LOAD_USERS simulated staff all signing in at once (tests/load/locustfile.py),
stops the server, then checks:

- no request failed, and every kind of request has p95 under 300 ms;
- every save the staff were told of exists exactly once, with all its actions;
- each gunicorn worker stayed under 150 MB resident.

Prints requests per second and p50/p95/p99 per request, writes them to
tests/load/results/loadtest.json, and exits 1 when a target is missed.
Set REDIS_URL to run the app on Redis for cache, sessions and throttling.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

P95_LIMIT_MS = 300
RSS_LIMIT_MB = 150


def database_exists(database_url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(database_url).close()
    except psycopg2.OperationalError:
        return False
    return True


def prepare(database_url: str, staff_path: Path) -> None:
    """The accounts the simulated staff sign in with, and people of their teams."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 40)
    import django

    django.setup()
    from django.db import connection
    from django.urls import NoReverseMatch, reverse

    from deal.models import Role, User
    from people.models import Person

    def accounts(role: str) -> list[dict]:
        users = User.objects.filter(role=role, is_active=True, email__endswith="@example.org")
        return [
            {"email": u.email, "team": t, "totp_key": authenticator_key(u)}
            for u in users.order_by("id")
            for t in u.team_ids()[:1]
        ]

    people: dict[str, list[int]] = {}
    for team_id in {a["team"] for a in accounts(Role.FRONTLINE)}:
        people[str(team_id)] = list(
            Person.objects.filter(team_id=team_id).order_by("id").values_list("id", flat=True)[:300]
        )
    manager_pages = []
    for name, label in (
        ("manage:confirmations", "joins to confirm (manager)"),
        ("reports:index", "reports (manager)"),
    ):
        with contextlib.suppress(NoReverseMatch):
            manager_pages.append((reverse(name), label))
    staff = {
        "workers": accounts(Role.FRONTLINE),
        "managers": accounts(Role.MANAGER),
        "people": people,
        "manager_pages": manager_pages,
    }
    staff_path.write_text(json.dumps(staff))
    connection.close()


def authenticator_key(user) -> str:
    """For staff who must use two-factor sign-in, an authenticator app whose
    key the simulated member of staff knows (hex), so that they can give a
    code as a person reads one from their phone."""
    try:
        from deal.two_factor import must_have_two_factor
    except ImportError:
        return ""
    if not must_have_two_factor(user):
        return ""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Load test", confirmed=True)
    return device.key


# How often the deployment's timer builds the managers' reports (README,
# "Deploying"): within REPORT_CACHE_SECONDS, five minutes.
WARM_REPORTS_EVERY = 240


def warm_reports(env: dict[str, str]) -> None:
    """manage.py warm_reports, as the deployment's timer runs it."""
    subprocess.run(
        [sys.executable, "manage.py", "warm_reports"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def keep_reports_warm(env: dict[str, str], stop: threading.Event) -> None:
    """warm_reports every few minutes until the run ends (it ran once before
    the run began, as the timer would have)."""
    while not stop.wait(WARM_REPORTS_EVERY):
        warm_reports(env)


def watch_memory(master_pid: int, peak: dict, stop: threading.Event) -> None:
    """The largest resident size seen of any gunicorn worker."""
    while not stop.is_set():
        out = subprocess.run(
            ["ps", "-o", "rss=", "--ppid", str(master_pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        for kb in out.split():
            peak["mb"] = max(peak.get("mb", 0), int(kb) / 1024)
        stop.wait(2)


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def check_saves(saves_path: Path, started: dt.datetime) -> list[str]:
    """Every save the staff were told of is there exactly once, with all its
    actions; nothing was saved twice."""
    from django.db.models import Count

    from conversations.models import Conversation, FollowUp

    problems = []
    saves = (
        [json.loads(line) for line in saves_path.read_text().splitlines()]
        if saves_path.exists()
        else []
    )
    conversations = [s for s in saves if s["kind"] == "conversation"]
    follow_ups = [s for s in saves if s["kind"] == "follow_up"]
    made = {
        c.notes.removeprefix("Load test "): c
        for c in Conversation.objects.filter(
            created_at__gte=started, notes__startswith="Load test "
        ).annotate(n_actions=Count("actions"))
    }
    copies = Conversation.objects.filter(created_at__gte=started, notes__startswith="Load test ")
    if copies.count() != len(made):
        problems.append("a conversation was saved twice")
    for save in conversations:
        conversation = made.get(save["marker"])
        if conversation is None:
            problems.append(f"conversation {save['id']} was confirmed but is missing")
        elif conversation.pk != save["id"]:
            problems.append(f"conversation {save['id']} is saved as {conversation.pk}")
        elif conversation.n_actions != save["actions"]:
            problems.append(
                f"conversation {save['id']} has {conversation.n_actions} "
                f"of {save['actions']} actions"
            )
    notes = list(
        FollowUp.objects.filter(
            at__gte=started, note__startswith="Rang them: going well ("
        ).values_list("note", "action_id")
    )
    seen: dict[str, int] = {}
    for note, _action in notes:
        marker = note.rsplit("(", 1)[1].rstrip(")")
        seen[marker] = seen.get(marker, 0) + 1
    for save in follow_ups:
        if seen.get(save["marker"], 0) != 1:
            problems.append(
                f"follow-up on action {save['action']} is there {seen.get(save['marker'], 0)} times"
            )
    print(
        f"Saves checked: {len(conversations)} conversations, "
        f"{sum(s['actions'] for s in conversations)} actions, {len(follow_ups)} follow-ups"
    )
    return problems


def main() -> int:
    from tests.load import bench_support as support

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or "bench" not in database_url:
        print("Set DATABASE_URL to the benchmark's PostgreSQL database (its name has 'bench').")
        return 2
    users = int(os.environ.get("LOAD_USERS", "50"))
    run_time = os.environ.get("LOAD_TIME", "3m")
    # Fifty people signing in within ten seconds: a morning's rush, harder
    # than any real one (a council's staff arrive over an hour).
    spawn_rate = os.environ.get("LOAD_SPAWN_RATE", "5")
    out_dir = Path(os.environ.get("LOAD_RESULTS", ROOT / "tests" / "load" / "results"))
    out_dir.mkdir(parents=True, exist_ok=True)

    if os.environ.get("BENCH_REUSE") != "1" and not database_exists(database_url):
        subprocess.run([sys.executable, "tests/load/generate.py"], cwd=ROOT, check=True)

    work = Path(tempfile.mkdtemp(prefix="deal-load-"))
    staff_path, saves_path, stats_prefix = work / "staff.json", work / "saves.jsonl", work / "load"
    prepare(database_url, staff_path)
    started = dt.datetime.now(dt.UTC)

    port = int(os.environ.get("LOAD_PORT") or support.free_port())
    env = support.server_env(database_url)
    support.collectstatic(env)
    server = support.start_gunicorn(port, env, log=work / "gunicorn.log")
    peak: dict = {}
    stop_watch = threading.Event()
    watcher = threading.Thread(target=watch_memory, args=(server.pid, peak, stop_watch))
    watcher.start()
    warm_reports(env)
    timer = threading.Thread(target=keep_reports_warm, args=(env, stop_watch))
    timer.start()
    try:
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
                "--headless", "--host", f"http://127.0.0.1:{port}",
                "--users", str(users), "--spawn-rate", spawn_rate, "--run-time", run_time,
                "--stop-timeout", "10", "--csv", str(stats_prefix), "--only-summary",
                "--loglevel", "WARNING", "--exit-code-on-error", "0",
            ],
            cwd=ROOT,
            env=dict(os.environ, LOAD_STAFF=str(staff_path), LOAD_SAVES=str(saves_path)),
            check=False,
            timeout=3600,
        )  # fmt: skip
    finally:
        stop_watch.set()
        watcher.join()
        timer.join()
        support.stop(server)

    stats = read_stats(stats_prefix)
    missed = []
    rows = []
    print()
    print("| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in stats:
        name = row["Name"]
        entry = {
            "request": name,
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "p99_ms": float(row["99%"] or 0),
        }
        rows.append(entry)
        print(
            f"| {name} | {entry['count']} | {entry['failures']} | {entry['rps']} | "
            f"{entry['p50_ms']:.0f} | {entry['p95_ms']:.0f} | {entry['p99_ms']:.0f} |"
        )
        if entry["failures"]:
            missed.append(f"{name}: {entry['failures']} failures")
        if name != "Aggregated" and entry["p95_ms"] >= P95_LIMIT_MS:
            missed.append(f"{name}: p95 {entry['p95_ms']:.0f} ms (target under {P95_LIMIT_MS})")
    failures_path = Path(f"{stats_prefix}_failures.csv")
    if failures_path.exists():
        for row in list(csv.DictReader(failures_path.open()))[:10]:
            print(f"  failure: {row.get('Name')}: {row.get('Error')} ({row.get('Occurrences')})")
    rss = round(peak.get("mb", 0), 1)
    print(f"Largest gunicorn worker: {rss} MB resident")
    if rss >= RSS_LIMIT_MB:
        missed.append(f"a worker reached {rss} MB (target under {RSS_LIMIT_MB})")
    missed += check_saves(saves_path, started)

    result = {
        "when": started.isoformat(timespec="seconds"),
        "users": users,
        "run_time": run_time,
        "wait_seconds": os.environ.get("LOAD_WAIT", "1-3"),
        "server": "gunicorn, deal/gunicorn.conf.py",
        "redis": bool(os.environ.get("REDIS_URL")),
        "worker_peak_rss_mb": rss,
        "rows": rows,
        "targets_missed": missed,
    }
    (out_dir / "loadtest.json").write_text(json.dumps(result, indent=2) + "\n")
    if missed:
        print("Targets missed:")
        for line in missed:
            print(f"  - {line}")
        return 1
    print("Every target met: no failures, nothing lost or saved twice.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
