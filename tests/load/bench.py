"""Time every main page against the data generate.py made.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deal_bench python tests/load/bench.py

Starts gunicorn (deal/gunicorn.conf.py, DEBUG off, the benchmark's settings,
which add a count of database round trips to each response and a Django admin
over the same records at /bench-admin/), signs in a worker, a manager and an
admin by making their sessions directly (the sign-in page itself is timed by
the load test), then asks for every page in interleaved rounds: one request
for each page per round, so a slow moment of the machine falls on all pages
alike. Prints one table (p50, p95, queries, ratio to the floor page and to the
admin's change list) and writes it as JSON.

Environment: BENCH_ROUNDS (30), BENCH_JSON (tests/load/results/bench.json),
BENCH_PORT (a free one), REDIS_URL (sessions and the cache in Redis, as the
README deploys the service; `make bench` sets it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SETTINGS = "tests.load.bench_settings"
# Targets of issue 11.
P95_LIMIT_MS = 50
FLOOR_RATIO_LIMIT = 15
QUERY_LIMIT = 12
FAST_PAGES_P50_MS = 30
# The pages held to FAST_PAGES_P50_MS: the profile (every row of it) and the
# record form.
FAST_PAGES = ("profile", "record form")


@dataclass
class Page:
    name: str
    url: str
    who: str  # worker, manager or admin
    kind: str = "page"  # page, floor or admin
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    def p(self, q: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def p95(self) -> float:
        return self.p(0.95)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 40)
    import django

    django.setup()


def session_cookie(user) -> str:
    """A signed-in session for `user`, made as django.contrib.auth.login does."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "deal.backends.StaffBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in extra_session_state(user).items():
        store[key] = value
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def extra_session_state(user) -> dict:
    """What a completed sign-in leaves in the session besides the user: for
    staff who must use two-factor sign-in (managers, admins), a verified
    authenticator app (django-otp)."""
    try:
        from deal import two_factor
    except ImportError:
        return {}
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not two_factor.must_have_two_factor(user):
        return {two_factor.STATE: "off"}
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    return {two_factor.STATE: "verify", "otp_device_id": device.persistent_id}


def build_pages() -> tuple[list[Page], dict[str, str]]:
    """The pages to time and the sessions to ask them with."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from conversations.models import AgreedAction, Conversation
    from deal.models import Role, User
    from people.models import Person

    busy = Person.objects.annotate(n=Count("conversations")).order_by("-n").first()
    team_id = busy.team_id
    typical = (
        Person.objects.filter(team_id=team_id)
        .exclude(pk=busy.pk)
        .annotate(n=Count("conversations"))
        .filter(n__gte=5)
        .order_by("pk")
        .first()
    )
    worker = (
        User.objects.filter(teams=team_id, role=Role.FRONTLINE, is_active=True)
        .annotate(n=Count("actions_owned"))
        .order_by("-n")
        .first()
    )
    manager = User.objects.filter(teams=team_id, role=Role.MANAGER, is_active=True).first()
    admin = User.objects.filter(is_superuser=True, is_active=True).first()
    conversation = Conversation.objects.filter(person=typical).order_by("-happened_at").first()
    action = (
        AgreedAction.objects.filter(person=typical).order_by("-created_at").first()
        or AgreedAction.objects.filter(team_id=team_id).order_by("-created_at").first()
    )
    sessions = {
        "worker": session_cookie(worker),
        "manager": session_cookie(manager),
        "admin": session_cookie(admin),
        "anonymous": "",
    }

    def url(name: str, **kwargs) -> str | None:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            return None

    candidates = [
        ("/people/?q=smith", "/people/?q=smith", "worker"),
        ("/people/?q=WN1", "/people/?q=WN1", "worker"),
        ("/ My work", url("home"), "worker"),
        ("profile, a typical person", url("people:detail", pk=typical.pk), "worker"),
        (
            f"profile, a person with {busy.n} conversations",
            url("people:detail", pk=busy.pk),
            "worker",
        ),
        ("profile, 5 pages down the timeline", url("people:detail", pk=busy.pk), "worker"),
        # Opening the form redirects to an address holding the form's key;
        # timed is the form itself, at such an address.
        (
            "record form (GET)",
            url("conversations:record_with_key", person_pk=typical.pk, key=uuid.uuid4())
            or url("conversations:record", person_pk=typical.pk),
            "worker",
        ),
        # As with the record form, the form at its keyed address.
        (
            "add a person (GET)",
            url("people:add_with_key", key=uuid.uuid4()) or url("people:add"),
            "worker",
        ),
        ("person details form (GET)", url("people:edit", pk=typical.pk), "worker"),
        ("/actions/", url("conversations:actions"), "worker"),
        ("an action", url("conversations:action", pk=action.pk), "worker"),
        ("a conversation", url("conversations:detail", pk=conversation.pk), "worker"),
        ("correct a conversation (GET)", url("conversations:edit", pk=conversation.pk), "worker"),
        ("summary for the person", url("conversations:summary", pk=conversation.pk), "worker"),
        ("positive-risk decisions", url("decisions:list"), "worker"),
        ("the learning page", url("decisions:learning"), "worker"),
        ("/directory/", url("directory:list"), "worker"),
        # The manager's pages, as a manager.
        ("manager: My work", url("home"), "manager"),
        ("manager: the team view", url("team:overview"), "manager"),
        ("manager: /actions/ of the team", url("conversations:actions"), "manager"),
        ("manager: conversations waiting for review", url("conversations:reviews"), "manager"),
        ("manager: reports", url("reports:index"), "manager"),
        ("manager: joins to confirm", url("manage:confirmations"), "manager"),
        # The service admin's pages (staff and teams), as an admin.
        ("admin: staff", url("manage:staff"), "admin"),
        ("admin: a member of staff", url("manage:staff_detail", pk=worker.pk), "admin"),
        ("admin: teams", url("manage:teams"), "admin"),
        ("admin: a team", url("manage:team_detail", pk=team_id), "admin"),
        ("admin: changes", url("manage:changes"), "admin"),
        ("/healthz (the floor)", url("healthz"), "anonymous"),
        ("Django admin: person search", "/bench-admin/people/person/?q=smith", "admin"),
        (
            "Django admin: open actions",
            "/bench-admin/conversations/agreedaction/?status__exact=open",
            "admin",
        ),
    ]
    pages = []
    for name, path, who in candidates:
        if path is None:
            continue
        if name.startswith("profile, 5 pages down"):
            path += f"?timeline_before={timeline_key(busy, pages=4)}"
        kind = "floor" if "healthz" in path else "admin" if path.startswith("/bench-") else "page"
        pages.append(Page(name=name, url=path, who=who, kind=kind))
    return pages, sessions


def fetch(port: int, path: str, cookie: str) -> tuple[int, float, int]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - start) * 1000
    queries = int(response.getheader("X-Bench-Queries") or -1)
    conn.close()
    return response.status, elapsed, queries


def run_rounds(
    pages: list[Page], sessions: dict[str, str], port: int, rounds: int, warm_up: int = 2
) -> None:
    for _ in range(warm_up):  # templates compiled, connections open, caches filled
        for page in pages:
            fetch(port, page.url, sessions[page.who])
    for _ in range(rounds):
        for page in pages:
            status, elapsed, queries = fetch(port, page.url, sessions[page.who])
            page.statuses.add(status)
            page.times.append(elapsed)
            page.queries.append(queries)


def report(pages: list[Page], meta: dict) -> dict:
    floor = next((p for p in pages if p.kind == "floor"), None)
    admin = next((p for p in pages if p.kind == "admin"), None)
    rows = []
    for page in pages:
        rows.append(
            {
                "page": page.name,
                "url": page.url,
                "as": page.who,
                "kind": page.kind,
                "status": sorted(page.statuses),
                "p50_ms": round(page.p50, 1),
                "p95_ms": round(page.p95, 1),
                "queries": max(page.queries) if page.queries else None,
                "x_floor": round(page.p50 / floor.p50, 1) if floor and floor.p50 else None,
                "x_admin": round(page.p50 / admin.p50, 2) if admin and admin.p50 else None,
            }
        )
    missed = []
    for row in rows:
        if row["kind"] != "page":
            continue
        if row["status"] != [200]:
            missed.append(f"{row['page']}: answered {row['status']}")
        if row["p95_ms"] >= P95_LIMIT_MS:
            missed.append(f"{row['page']}: p95 {row['p95_ms']} ms (target under {P95_LIMIT_MS})")
        if row["x_floor"] and row["x_floor"] > FLOOR_RATIO_LIMIT:
            missed.append(f"{row['page']}: {row['x_floor']}x the floor at p50")
        if row["page"].startswith(FAST_PAGES) and row["p50_ms"] >= FAST_PAGES_P50_MS:
            missed.append(
                f"{row['page']}: p50 {row['p50_ms']} ms (target under {FAST_PAGES_P50_MS})"
            )
        if row["queries"] is not None and row["queries"] > QUERY_LIMIT:
            missed.append(f"{row['page']}: {row['queries']} queries (at most {QUERY_LIMIT})")
    return {**meta, "rows": rows, "targets_missed": missed}


def print_table(result: dict) -> None:
    print()
    print("| page | as | p50 ms | p95 ms | queries | × floor (p50) | × admin person search (p50) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in result["rows"]:
        print(
            f"| {row['page']} | {row['as']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['queries']} | {row['x_floor']} | {row['x_admin']} |"
        )
    print()
    print(
        f"{result['rounds']} interleaved rounds, {result['machine']}, "
        f"{result['people']:,} people, {result['conversations']:,} conversations, "
        f"{result['actions']:,} actions, {result['follow_ups']:,} follow-ups"
    )
    if result["targets_missed"]:
        print("Targets missed:")
        for line in result["targets_missed"]:
            print(f"  - {line}")
    else:
        print("Every target met.")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "30")))
    parser.add_argument(
        "--json",
        default=os.environ.get(
            "BENCH_JSON", str(ROOT / "tests" / "load" / "results" / "bench.json")
        ),
    )
    parser.add_argument("--warm-up", type=int, default=2, help="rounds not counted")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres") or "bench" not in database_url:
        print("Set DATABASE_URL to the benchmark's PostgreSQL database (its name has 'bench').")
        return 2
    setup_django(database_url)
    from django.db import connection

    from conversations.models import AgreedAction, Conversation, FollowUp
    from people.models import Person
    from tests.load import bench_support as support

    pages, sessions = build_pages()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    meta = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "postgresql": pg_version,
        "server": "gunicorn, deal/gunicorn.conf.py, DEBUG off",
        # Sessions and the cache in Redis, as deployed (README), or not.
        "redis": bool(os.environ.get("REDIS_URL")),
        "rounds": args.rounds,
        # Estimates from the planner's statistics: exact counts of millions
        # of rows take seconds and say nothing more here.
        "people": Person.objects.count(),
        "conversations": Conversation.objects.count(),
        "actions": AgreedAction.objects.count(),
        "follow_ups": FollowUp.objects.count(),
    }
    connection.close()

    port = int(os.environ.get("BENCH_PORT") or support.free_port())
    env = support.server_env(database_url)
    support.collectstatic(env)
    server = support.start_gunicorn(port, env, settings=SETTINGS)
    try:
        run_rounds(pages, sessions, port, args.rounds, args.warm_up)
        meta["worker_rss_mb"] = worker_rss_mb(server.pid)
    finally:
        support.stop(server)
    result = report(pages, meta)
    print_table(result)
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Written to {path}")
    return 1 if args.check and result["targets_missed"] else 0


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master)."""
    out = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(master_pid)],  # noqa: S607 - procps
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return [round(int(kb) / 1024, 1) for kb in out.split()]


def timeline_key(person, pages: int) -> str:
    """The key of the link to the timeline's page after `pages` pages, as a
    worker following "Older" would reach it."""
    from conversations.timeline import person_timeline

    timeline = person_timeline(person)
    for _ in range(pages - 1):
        timeline = person_timeline(person, before=timeline.older)
    return timeline.older or ""


if __name__ == "__main__":
    sys.exit(main())
