"""Fill a PostgreSQL database with a large council's records, for the benchmark
and the load test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/deal_bench \
        python tests/load/generate.py [--scale 1.0]

At scale 1 (BENCH_SCALE): 100,000 people, 1,000,000 conversations, 2,000,000
agreed actions, about 2,200,000 follow-ups, 30 teams of 10 staff. The database
is dropped and made again, migrated, then the big tables are loaded with COPY
with their secondary indexes and foreign keys taken off and rebuilt afterwards.

Derived columns are filled by the app's own code (people.search.normalise_name
for the search names, the postcode's outward part, an action's team copied from
its person), so searching the generated data behaves as it does in the service.
Columns other helpers add later are filled with their default or NULL, and the
run stops if a new column has neither.

This file is part of the test harness: nothing in the product imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = os.environ.get("BENCH_PASSWORD", "bench-password-not-a-secret")
TEAMS = 30
STAFF_PER_TEAM = 10
# The profile the benchmark opens as "a person with 200 conversations".
BUSY_PERSON_CONVERSATIONS = 200

GIVEN = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James "
    "Amelia Olivia Isla Emily Poppy Ava Isabella Jessica Lily Sophie Grace Sophia Mia "
    "Margaret Dorothy Joan Betty Doris Jean Patricia Brian Peter John David Michael "
    "Zoë Siobhán Seán Aoife Chloé Renée José Ngozi Priya Arjun Fatima Aisha Mohammed"
).split()
FAMILY = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts "
    "Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris "
    "Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee "
    "King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price "
    "Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell "
    "Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh "
    "Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain "
    "Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell "
    "Barker Fisher Stevens Jenkins Murray Dixon Harvey O'Brien Ní-Bhriain Kowalski"
).split()
OUTWARD = "WN1 WN2 WN3 WN4 WN5 WN6 WN7 WN8 M46 M29 BL5 WA3 WA12".split()
TOWNS = "Wigan Leigh Hindley Ince Atherton Tyldesley Standish Ashton Golborne".split()
WORDS = (
    "garden walk friends family bus cooking church football music library grandchildren "
    "bills housing doctor pain sleep lonely dog neighbour job college money rent damp "
    "allotment choir knitting fishing swimming volunteering singing club"
).split()
OWNER_TYPES = ["staff"] * 6 + ["person"] * 2 + ["someone_in_life", "partner", "community"]
PLACES = ["home", "phone", "video", "community", "office", "other"]
KINDS = ["first", "follow_up", "crisis", "good_life"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1")),
        help="1 is a large council (100,000 people); 0.01 a quick smoke run",
    )
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args()


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-key-" + "x" * 40)
    import django

    django.setup()


def recreate_database() -> None:
    """Drop and create the database DATABASE_URL names. Refuses the names the
    CI and developers use, so a stray run cannot wipe them."""
    import psycopg2
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    if "bench" not in name:
        raise SystemExit(f"refusing to replace database {name!r}: its name must contain 'bench'")
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


class Table:
    """A table loaded by COPY: its model's columns in order, and how to fill any
    column the generator does not know (added by a later migration)."""

    def __init__(self, model, known: list[str]):
        self.model = model
        self.name = model._meta.db_table
        fields = {f.column: f for f in model._meta.concrete_fields}
        missing = [c for c in known if c not in fields]
        if missing:
            raise SystemExit(f"{self.name}: the generator fills {missing}, which no longer exist")
        self.known = known
        self.extra: list[str] = []
        self.extra_values: list[str] = []
        for column, f in fields.items():
            if column in known:
                continue
            if f.null:
                value = r"\N"
            elif f.has_default() and not callable(f.default):
                value = copy_value(f.get_prep_value(f.default))
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                # A text the app leaves empty until someone types one (why a
                # record was closed, say): empty, as the app's forms save it.
                value = ""
            else:
                raise SystemExit(
                    f"{self.name}.{column} is new and needs a value: teach tests/load/generate.py"
                )
            self.extra.append(column)
            self.extra_values.append(value)
        self.columns = known + self.extra
        self.suffix = ("\t" + "\t".join(self.extra_values)) if self.extra else ""


def copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


class RowStream(io.TextIOBase):
    """A file-like object COPY reads from, filled lazily from a generator of
    lines so that millions of rows never sit in memory at once."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self._buffer = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._buffer) < size:
            chunk = "".join(line for _, line in zip(range(2000), self._lines, strict=False))
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            out, self._buffer = self._buffer, ""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    readline = read


def copy_rows(cursor, table: Table, rows) -> int:
    count = 0

    def lines():
        nonlocal count
        suffix = table.suffix
        for row in rows:
            count += 1
            yield "\t".join(row) + suffix + "\n"

    columns = ", ".join(f'"{c}"' for c in table.columns)
    cursor.copy_expert(f'COPY "{table.name}" ({columns}) FROM STDIN', RowStream(lines()), 1 << 16)
    return count


def take_off_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop secondary indexes, unique constraints and foreign keys of the big
    tables; return the statements that put them back."""
    restore: list[str] = []
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
        FROM pg_constraint c
        WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('f', 'u')
        ORDER BY c.contype DESC
        """,
        [tables],
    )
    constraints = cursor.fetchall()
    for table, name, _definition, _kind in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    cursor.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s) AND i.indexname NOT LIKE '%%_pkey'
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    for _table, name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    # Indexes first (foreign keys are checked faster with them), unique
    # constraints, then foreign keys.
    restore += [definition for _t, _n, definition in indexes]
    restore += [
        f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "u"
    ]
    restore += [
        f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d, k in constraints if k == "f"
    ]
    return restore


def nhs(rng: random.Random) -> str:
    """A valid NHS number in the synthetic range (999…), modulus 11."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def ts(moment: dt.datetime) -> str:
    return moment.isoformat()


def generate(scale: float, seed: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    from conversations.models import (
        AgreedAction,
        Conversation,
        FollowUp,
        Theme,
    )
    from deal.models import Role, Team, User
    from people.models import Person, PersonInLife, ProfileEntry, WhatMatters
    from people.search import normalise_name

    rng = random.Random(seed)
    started = time.monotonic()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        timings[name] = round(time.monotonic() - started, 1)
        print(f"  {timings[name]:7.1f}s {name}", flush=True)

    recreate_database()
    connection.close()
    call_command("migrate", verbosity=0)
    lap("migrated")

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()
    password = make_password(BENCH_PASSWORD)
    teams = Team.objects.bulk_create(
        [
            Team(
                name=f"Team {i + 1:02d} {TOWNS[i % len(TOWNS)]}",
                contact_phone=f"01942 {400000 + i}",
                contact_email=f"team{i + 1:02d}@example.org",
            )
            for i in range(TEAMS)
        ]
    )
    staff: dict[int, list[int]] = {}
    managers: dict[int, int] = {}
    for t, team in enumerate(teams):
        members = User.objects.bulk_create(
            [
                User(
                    email=f"{'manager' if s == 0 else 'worker'}{t + 1:02d}-{s:02d}@example.org",
                    full_name=f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                    role=Role.MANAGER if s == 0 else Role.FRONTLINE,
                    password=password,
                )
                for s in range(STAFF_PER_TEAM)
            ]
        )
        # Confirmed members, as a manager's confirmation leaves them.
        through = User.teams.through
        confirmed = (
            {} if through._meta.auto_created else {"through_defaults": {"confirmed_at": now}}
        )
        team.members.add(*members, **confirmed)
        staff[team.id] = [u.id for u in members]
        managers[team.id] = members[0].id
    User.objects.create(
        email="admin@example.org",
        full_name="Bench Admin",
        role=Role.ADMIN,
        is_staff=True,
        is_superuser=True,
        password=password,
        # Confirmed by a second admin, as the service requires before an
        # admin's pages open.
        admin_confirmed_at=now,
    )
    theme_ids = list(Theme.objects.values_list("id", flat=True))
    lap("teams and staff")

    n_people = max(int(100_000 * scale), 50)
    n_conversations = max(int(1_000_000 * scale), 10 * n_people // 10)
    team_ids = [t.id for t in teams]

    models = {
        "person": Person,
        "conversation": Conversation,
        "themes": Conversation.themes.through,
        "action": AgreedAction,
        "follow_up": FollowUp,
        "what_matters": WhatMatters,
        "entry": ProfileEntry,
        "in_life": PersonInLife,
    }
    big = [m._meta.db_table for m in models.values()]
    with connection.cursor() as cur:
        restore = take_off_indexes(cur.cursor, big)
    lap("indexes taken off")

    # --- People -------------------------------------------------------------
    person_table = Table(
        Person,
        [
            "id", "given_name", "family_name", "preferred_name", "pronouns", "date_of_birth",
            "nhs_number", "address_line_1", "address_line_2", "town", "postcode",
            "postcode_outward", "phone", "email", "preferred_contact", "language",
            "interpreter_needed", "communication_needs", "lawful_basis", "consent_to_share",
            "consent_notes", "team_id", "named_worker_id", "status", "search_given",
            "search_family", "search_names", "created_at", "created_by_id", "updated_at",
        ],
    )  # fmt: skip
    person_team: list[int] = [0] * (n_people + 1)
    person_created: list[dt.datetime] = [now] * (n_people + 1)

    def people():
        for pid in range(1, n_people + 1):
            team = team_ids[pid % TEAMS]
            person_team[pid] = team
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            preferred = rng.choice(GIVEN) if rng.random() < 0.1 else ""
            outward = rng.choice(OUTWARD)
            postcode = f"{outward} {rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"  # noqa: E501
            created = now - dt.timedelta(days=rng.randrange(365 * 6, 365 * 7))
            person_created[pid] = created
            # As Person.save() does.
            words = " ".join(normalise_name(n) for n in (given, family, preferred)).split()
            yield (
                str(pid), given, family, preferred, "",
                (today - dt.timedelta(days=rng.randrange(18 * 365, 95 * 365))).isoformat(),
                nhs(rng) if rng.random() < 0.8 else "",
                f"{rng.randrange(1, 200)} {rng.choice(FAMILY)} Street", "",
                rng.choice(TOWNS), postcode, postcode.split(" ")[0],
                f"07700 9{rng.randrange(10**5):05d}", "", rng.choice(["phone", "text", ""]),
                "English", "f", "", "public_task", rng.choice(["yes", "ask", "no"]), "",
                str(team), str(rng.choice(staff[team])) if rng.random() < 0.7 else r"\N",
                "open" if rng.random() < 0.9 else "closed",
                normalise_name(given), normalise_name(family), " " + " ".join(words),
                ts(created), str(rng.choice(staff[team])), ts(created),
            )  # fmt: skip

    with connection.cursor() as cur:
        copy_rows(cur.cursor, person_table, people())
    lap(f"{n_people:,} people")

    # --- Profiles: what matters, strengths/interests/needs, people in life ----
    wm_table = Table(
        WhatMatters, ["id", "person_id", "text", "recorded_by_id", "recorded_at", "conversation_id"]
    )
    entry_table = Table(
        ProfileEntry,
        [
            "id", "person_id", "kind", "text", "recorded_by_id", "recorded_at",
            "archived_at", "archived_by_id", "source_conversation_id",
        ],
    )  # fmt: skip
    life_table = Table(
        PersonInLife,
        [
            "id", "person_id", "name", "relationship", "how_they_help", "contact",
            "recorded_by_id", "recorded_at", "archived_at",
        ],
    )  # fmt: skip

    def what_matters():
        for pid in range(1, n_people + 1):
            yield (
                str(pid), str(pid), f"Being near my {rng.choice(WORDS)} and my {rng.choice(WORDS)}",
                str(staff[person_team[pid]][0]), ts(person_created[pid]), r"\N",
            )  # fmt: skip

    def entries():
        eid = 0
        for pid in range(1, n_people + 1):
            for kind in ("strength", "interest", "need"):
                eid += 1
                archived = rng.random() < 0.1
                yield (
                    str(eid), str(pid), kind, f"{kind.title()}: {rng.choice(WORDS)}",
                    str(staff[person_team[pid]][1]), ts(person_created[pid]),
                    ts(now - dt.timedelta(days=30)) if archived else r"\N",
                    str(staff[person_team[pid]][1]) if archived else r"\N", r"\N",
                )  # fmt: skip

    def in_life():
        for pid in range(1, n_people + 1):
            yield (
                str(pid), str(pid), f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                rng.choice(["daughter", "son", "neighbour", "friend", "carer"]),
                "Visits on Sundays", "", str(staff[person_team[pid]][2]),
                ts(person_created[pid]), r"\N",
            )  # fmt: skip

    with connection.cursor() as cur:
        copy_rows(cur.cursor, wm_table, what_matters())
        copy_rows(cur.cursor, entry_table, entries())
        copy_rows(cur.cursor, life_table, in_life())
    lap("profiles")

    # --- Conversations, their themes, actions and follow-ups ---------------------
    # Person 1 is the busy one; everyone else shares what is left.
    conv_table = Table(
        Conversation,
        [
            "id", "person_id", "recorded_by_id", "happened_at", "place", "kind",
            "what_matters", "others_present", "notes", "life_satisfaction", "worthwhile",
            "happiness", "anxiety", "status", "completed_at", "created_at", "updated_at",
            "version", "submission_key", "last_submission_key", "team_id",
        ],
    )  # fmt: skip
    theme_table = Table(Conversation.themes.through, ["id", "conversation_id", "theme_id"])
    action_table = Table(
        AgreedAction,
        [
            "id", "conversation_id", "person_id", "team_id", "what", "owner_type",
            "owner_user_id", "owner_name", "due", "status", "status_reason", "created_by_id",
            "created_at", "updated_at", "closed_at", "version", "responsible_id",
        ],
    )  # fmt: skip
    follow_table = Table(
        FollowUp, ["id", "action_id", "kind", "note", "from_status", "to_status", "by_id", "at"]
    )
    counts = {"conversations": 0, "themes": 0, "actions": 0, "follow_ups": 0}
    # The rows of actions and follow-ups are made while walking the
    # conversations, kept as compact tuples and loaded after them.
    actions: list[tuple] = []
    follow_ups: list[tuple] = []
    theme_rows: list[tuple] = []
    span_days = 5 * 365

    def conversations():
        cid = aid = fid = 0
        remaining = n_conversations - BUSY_PERSON_CONVERSATIONS
        others = n_people - 1
        for pid in range(1, n_people + 1):
            if pid == 1:
                n = BUSY_PERSON_CONVERSATIONS
            else:
                n = remaining // others + (1 if (pid % others) < remaining % others else 0)
            team = person_team[pid]
            members = staff[team]
            for _ in range(n):
                cid += 1
                by = rng.choice(members)
                happened = now - dt.timedelta(
                    days=rng.randrange(span_days), minutes=rng.randrange(1440)
                )
                draft = rng.random() < 0.02
                answered = rng.random() < 0.3
                wellbeing = [str(rng.randrange(11)) if answered else r"\N" for _ in range(4)]
                counts["conversations"] += 1
                yield (
                    str(cid), str(pid), str(by), ts(happened), rng.choice(PLACES),
                    rng.choice(KINDS), f"My {rng.choice(WORDS)} and my {rng.choice(WORDS)}",
                    "", "Talked about what is going well.", *wellbeing,
                    "draft" if draft else "complete",
                    r"\N" if draft else ts(happened), ts(happened), ts(happened), "1",
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)), r"\N", str(team),
                )  # fmt: skip
                theme_rows.append((cid, rng.choice(theme_ids)))
                # Two actions a conversation on average (0 to 4).
                for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                    aid += 1
                    owner_type = rng.choice(OWNER_TYPES)
                    owner = rng.choice(members) if owner_type == "staff" else 0
                    due = (happened + dt.timedelta(days=rng.randrange(7, 60))).date()
                    age = (now - happened).days
                    # Recent actions are mostly still open; old ones mostly closed.
                    is_open = rng.random() < (0.6 if age < 60 else 0.04)
                    status = "open" if is_open else rng.choice(
                        ("done", "done", "done", "not_done", "no_longer_needed")
                    )  # fmt: skip
                    closed = None if is_open else happened + dt.timedelta(days=rng.randrange(1, 40))
                    if draft:
                        # Not agreed until the conversation is completed.
                        status, closed, is_open = "draft", None, False
                    actions.append(
                        (aid, cid, pid, team, owner_type, owner, due, status, by, happened, closed)
                    )
                    if draft:
                        continue
                    # About 1.1 follow-ups an action: a note on some, a status
                    # change on every closed one.
                    if rng.random() < (0.75 if is_open else 0.15):
                        fid += 1
                        follow_ups.append(
                            (fid, aid, "note", "", "", owner or by, happened + dt.timedelta(days=3))
                        )
                    if closed is not None:
                        fid += 1
                        follow_ups.append((fid, aid, "status", "open", status, owner or by, closed))

    with connection.cursor() as cur:
        copy_rows(cur.cursor, conv_table, conversations())
    lap(f"{counts['conversations']:,} conversations")

    def themes():
        for i, (cid, theme) in enumerate(theme_rows, 1):
            yield (str(i), str(cid), str(theme))

    with connection.cursor() as cur:
        counts["themes"] = copy_rows(cur.cursor, theme_table, themes())
    theme_rows.clear()

    def action_rows():
        for aid, cid, pid, team, owner_type, owner, due, status, by, created, closed in actions:
            reason = "They moved away" if status in ("not_done", "no_longer_needed") else ""
            yield (
                str(aid), str(cid), str(pid), str(team),
                f"Help with {rng.choice(WORDS)}", owner_type,
                str(owner) if owner else r"\N",
                "" if owner_type in ("staff", "person") else f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",  # noqa: E501
                due.isoformat(), status, reason, str(by), ts(created),
                ts(closed or created), ts(closed) if closed else r"\N", "1",
                # Who answers for it: the member of staff doing it, else who
                # recorded the conversation (as conversation_save does).
                str(owner or by),
            )  # fmt: skip

    with connection.cursor() as cur:
        counts["actions"] = copy_rows(cur.cursor, action_table, action_rows())
    actions.clear()
    lap(f"{counts['actions']:,} actions")

    def follow_rows():
        for fid, aid, kind, from_status, to_status, by, at in follow_ups:
            yield (
                str(fid), str(aid), kind,
                "Rang them, going well" if kind == "note" else "", from_status, to_status,
                str(by), ts(at),
            )  # fmt: skip

    with connection.cursor() as cur:
        counts["follow_ups"] = copy_rows(cur.cursor, follow_table, follow_rows())
    follow_ups.clear()
    lap(f"{counts['follow_ups']:,} follow-ups")

    # --- Indexes back, sequences past the loaded ids, statistics ----------------
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for statement in restore:
            cur.execute(statement)
    lap("indexes and constraints rebuilt")
    with connection.cursor() as cur:
        for table in big:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table}"), 1))'
            )
    connection.close()
    # VACUUM sets the visibility map (index-only scans) and ANALYZE the
    # planner's statistics, as autovacuum would in time on a live service.
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    lap("vacuumed and analysed")
    return {"scale": scale, "people": n_people, "seconds": timings, **counts}


def main() -> None:
    args = parse_args()
    setup_django()
    print(f"Generating a council at scale {args.scale} ...", flush=True)
    summary = generate(args.scale, args.seed)
    print(summary)


if __name__ == "__main__":
    main()
