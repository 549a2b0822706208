"""Faults and scale-out (`make faulttest`).

Runs against a PostgreSQL of its own (a throw-away cluster on 127.0.0.1,
FAULT_PG_PORT, 5439) so that restarting it disturbs nobody else, with Redis
on 127.0.0.1:6379 (REDIS_URL) for cache and sessions.

1. PostgreSQL restarted under load: simulated staff keep working while the
   database is stopped for a few seconds and started again. While it is down
   every page answers 503 with the friendly page (never a 500, never a trace)
   and /healthz says 503; within 10 s of its return pages are served again
   by the same gunicorn; no conversation is half-saved and every confirmed
   save is there once.
2. Two gunicorn instances behind nginx (Debian's package; installed if
   missing): signed in through one, signed in through the other; sign-in
   throttling counted across both; one instance stopped mid-run loses no
   saved work and nginx sends the traffic to the other.

Everything is started and stopped here, on 127.0.0.1 only. Exits 1 when a
check fails.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.load import bench_support as support  # noqa: E402
from tests.load import loadtest  # noqa: E402

PG_PORT = int(os.environ.get("FAULT_PG_PORT", "5439"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-not-a-secret")
RECOVERY_LIMIT_S = 10
problems: list[str] = []


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def check(ok: bool, text: str) -> None:
    say(("ok    " if ok else "FAIL  ") + text)
    if not ok:
        problems.append(text)


# --- A PostgreSQL of our own ----------------------------------------------------


class Postgres:
    def __init__(self, directory: Path, port: int):
        versions = sorted(Path("/usr/lib/postgresql").iterdir())
        self.bin = versions[-1] / "bin"
        self.dir = directory
        self.port = port
        self.log = directory.parent / "postgres.log"

    def as_postgres(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def init(self) -> None:
        self.dir.mkdir(parents=True, mode=0o700)
        if os.geteuid() == 0:
            shutil.chown(self.dir.parent, "postgres")
            shutil.chown(self.dir, "postgres")
        subprocess.run(
            self.as_postgres(
                str(self.bin / "initdb"), "-D", str(self.dir), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
            ),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def start(self) -> None:
        subprocess.run(
            self.as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-w",
                "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1", "start",
            ),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            self.as_postgres(
                str(self.bin / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop"
            ),
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/deal_bench_fault"


# --- A little HTTP client with a cookie jar -------------------------------------------


class Browser:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        head = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            head["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=head)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text, dict(response.getheaders())

    def sign_in(self, email: str, password: str = PASSWORD) -> int:
        from urllib.parse import urlencode

        status, page, _ = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": email,
                "password": password,
            }
        )
        status, _, _ = self.request(
            "POST", "/accounts/login/", body, {"Referer": f"http://127.0.0.1:{self.port}/"}
        )
        return status


def run_locust(port: int, work: Path, seconds: int, users: int = 10) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "tests/load/locustfile.py"),
            "--headless", "--host", f"http://127.0.0.1:{port}", "--users", str(users),
            "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10",
            "--csv", str(work / "locust"), "--only-summary", "--loglevel", "ERROR",
            "--exit-code-on-error", "0",
        ],
        cwd=ROOT,
        env=dict(
            os.environ, LOAD_STAFF=str(work / "staff.json"), LOAD_SAVES=str(work / "saves.jsonl")
        ),
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def probe(port: int, cookie_browser: Browser, stop: threading.Event, seen: list) -> None:
    """Ask for /healthz and a signed-in page every quarter second."""
    while not stop.is_set():
        moment = time.monotonic()
        for path in ("/healthz", "/people/?q=smith"):
            try:
                status, text, _ = cookie_browser.request("GET", path)
            except (OSError, http.client.HTTPException) as error:
                status, text = 0, str(error)
            seen.append((moment, path, status, text))
        stop.wait(0.25)


def postgres_restart(pg: Postgres, env: dict, work: Path) -> None:
    say("Part 1: PostgreSQL stopped and started again under load")
    port = support.free_port()
    server = support.start_gunicorn(port, env, log=work / "gunicorn-1.log")
    try:
        watcher = Browser(port)
        check(watcher.sign_in(staff_email()) == 302, "a worker signs in")
        locust = run_locust(port, work, 45)
        seen: list = []
        stop = threading.Event()
        prober = threading.Thread(target=probe, args=(port, watcher, stop, seen))
        prober.start()
        time.sleep(12)
        say("stopping PostgreSQL")
        pg.stop()
        down_at = time.monotonic()
        time.sleep(6)
        say("starting PostgreSQL")
        pg.start()
        up_at = time.monotonic()
        time.sleep(RECOVERY_LIMIT_S + 3)
        stop.set()
        prober.join()
        locust.wait(120)

        while_down = [s for s in seen if down_at + 1 < s[0] < up_at - 0.5]
        check(bool(while_down), f"{len(while_down)} requests were asked while it was down")
        check(
            all(s[2] == 503 for s in while_down),
            "while it was down every answer was 503: "
            + str(sorted({(p, st) for _, p, st, _ in while_down})),
        )
        pages = [s for s in while_down if s[1] != "/healthz"]
        check(
            all("Sorry, the service is unavailable" in s[3] for s in pages)
            and not any("Traceback" in s[3] or "psycopg" in s[3] for s in pages),
            "the pages were the friendly one, with no trace of the error",
        )
        back = [s for s in seen if s[0] >= up_at and s[1] != "/healthz" and s[2] == 200]
        recovered = (back[0][0] - up_at) if back else None
        check(
            recovered is not None and recovered <= RECOVERY_LIMIT_S,
            f"pages served again {recovered and round(recovered, 1)} s after it came back "
            "(same gunicorn, no restart)",
        )
        check(not any(s[2] == 500 for s in seen), "no 500 at any time")
    finally:
        support.stop(server)
    check_saved_work(work, "part 1")


def two_instances(env: dict, work: Path) -> None:
    say("Part 2: two gunicorn instances behind nginx, sharing PostgreSQL and Redis")
    ensure_nginx()
    port_a, port_b, port_nginx = support.free_port(), support.free_port(), support.free_port()
    a = support.start_gunicorn(port_a, env, log=work / "gunicorn-a.log")
    b = support.start_gunicorn(port_b, env, log=work / "gunicorn-b.log")
    nginx = start_nginx(work, port_nginx, [port_a, port_b])
    try:
        one = Browser(port_a)
        check(one.sign_in(staff_email(1)) == 302, "signed in through instance A")
        other = Browser(port_b)
        other.cookies = dict(one.cookies)
        status, page, _ = other.request("GET", "/")
        check(status == 200 and "Sign out" in page, "the same session is signed in on instance B")

        for f in work.glob("saves.jsonl"):
            f.unlink()
        locust = run_locust(port_nginx, work, 40)
        time.sleep(15)
        say("stopping instance A mid-run")
        support.stop(a)
        locust.wait(120)
        stats = {row["Name"]: row for row in loadtest.read_stats(work / "locust")}
        failures = int(stats.get("Aggregated", {}).get("Failure Count", "0") or 0)
        check(failures == 0, f"{failures} failed requests through nginx while A stopped")
        try:
            status = one.request("GET", "/healthz")[0]
        except OSError:
            status = 0
        check(status != 200, "instance A is really stopped")
        nginx_browser = Browser(port_nginx)
        nginx_browser.cookies = dict(one.cookies)
        status, page, _ = nginx_browser.request("GET", "/")
        check(status == 200 and "Sign out" in page, "nginx still serves the signed-in session")

        # Last, as it locks an account: failures counted through nginx (and
        # so through either instance) hold the account on instance B.
        victim = staff_email(2)
        for _ in range(8):
            Browser(port_nginx).sign_in(victim, "not-the-password-at-all")
        status = Browser(port_b).sign_in(victim)
        check(status != 302, f"failed sign-ins are counted across instances (B answered {status})")
    finally:
        support.stop(a)
        support.stop(b)
        support.stop(nginx)
    check_saved_work(work, "part 2")


def ensure_nginx() -> None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    say("installing nginx (Debian's nginx-light)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)


def start_nginx(work: Path, port: int, upstreams: list[int]) -> subprocess.Popen:
    prefix = work / "nginx"
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstreams
    )
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream deal {{
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://deal;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A stopped instance refuses the connection before any request
            # is sent, so even a POST is safely sent to the other one.
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        start_new_session=True,
    )
    support.wait_for(f"http://127.0.0.1:{port}/healthz", process=process)
    return process


STAFF: dict = {}


def staff_email(n: int = 0) -> str:
    return STAFF["workers"][n]["email"]


def check_saved_work(work: Path, part: str) -> None:
    """Every confirmed save once with all its actions, and no conversation
    the load test made is missing an action (nothing half-saved)."""
    from django.db.models import Count

    from conversations.models import Conversation

    missing = loadtest.check_saves(work / "saves.jsonl", STARTED)
    check(not missing, f"{part}: every confirmed save is there once with its actions {missing[:3]}")
    half = (
        Conversation.objects.filter(notes__startswith="Load test ")
        .annotate(n=Count("actions"))
        .exclude(n=2)
        .count()
    )
    check(half == 0, f"{part}: no conversation is half-saved ({half} without both actions)")


STARTED = None


def main() -> int:
    global STARTED, STAFF
    import datetime as dt
    import json

    work = Path(tempfile.mkdtemp(prefix="deal-fault-"))
    # nginx's workers (nobody) write their buffers under it.
    work.chmod(0o755)
    pg = Postgres(work / "pg" / "data", PG_PORT)
    pg.init()
    pg.start()
    try:
        scale = os.environ.get("FAULT_SCALE", "0.02")
        subprocess.run(
            [sys.executable, "tests/load/generate.py", "--scale", scale],
            cwd=ROOT,
            env=dict(os.environ, DATABASE_URL=pg.url),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        loadtest.prepare(pg.url, work / "staff.json")
        STAFF = json.loads((work / "staff.json").read_text())
        STARTED = dt.datetime.now(dt.UTC)
        env = support.server_env(
            pg.url, REDIS_URL=REDIS_URL, DATABASE_CONN_MAX_AGE="60", TRUSTED_PROXY_COUNT="0"
        )
        support.collectstatic(env)
        postgres_restart(pg, env, work)
        two_instances(env, work)
    finally:
        from django.db import connections

        connections.close_all()
        pg.stop()
    if problems:
        say(f"{len(problems)} checks failed")
        return 1
    say("Every check passed.")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
