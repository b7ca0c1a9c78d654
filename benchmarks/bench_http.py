"""Calls per second and SQL statements per application or per complete case over HTTP, against gunicorn, beside the floor.

For each backend (SQLite, PostgreSQL): runs the bare viewflow floor
(run_floor.py, a script kept outside this repository: ``--floor PATH``; six calls per process:
start, review, assign, accept, close_report, review_closure), then, for each case mode and each
database-connection setting, on a throwaway database: migrate, seed one aid center, reviewer,
applicant and lawyer per client (http_world.py), serve the project with gunicorn (2 sync workers,
DEBUG off, production settings from the environment, plus the statement-counting middleware of
bench_settings.py / sql_count.py) and drive it with --clients client processes (http_client.py);
one TCP connection per call. ``--case application``: file, find in the queue, approve (3 calls).
``--case full``: complete cases, file → review → assign → accept → close_report → review_closure,
each task found with a list call first (11 calls: the 6 that move the case, as the floor's 6, and
5 lists); ``--case both`` runs the two. The floor and ours run back to back for the same backend:
the machine is noisy, so compare the ratio, not the absolute figures; --rounds repeats the whole
and reports medians.

    .venv/bin/python benchmarks/bench_http.py [--backend sqlite|postgres|all] [--case application|full|both]
        [--n 300] [--clients 2] [--conn-max-age default 0 ...] [--rounds 1] [--worker] [--no-floor]

--conn-max-age takes values for DJANGO_DB_CONN_MAX_AGE; ``default`` leaves it unset, which is what
production gets. --worker runs a Celery worker (``celery -A config worker``, broker Redis db 15 on
127.0.0.1:6379) beside gunicorn and reports how long it takes, once the clients stop, to render
the letters still pending. Prints a table per backend and case mode, a verdict against the targets
of the project's issues (applications: ≥ 0.5× the floor's calls/s, ≤ 70 statements per
application; complete cases: ≥ 0.5× the floor's calls/s, all 11 calls counted, with the like-for-
like figure beside it, the 6 calls that move a case against the floor's 6 per process, i.e. cases/s
against the floor's processes/s), and, last, one JSON line with all the figures (the complete
cases' under each backend's "full"). Not part of the test suite; ``make bench`` runs it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
FLOOR = ROOT.parent / "shared" / "bench" / "floor" / "run_floor.py"
PG_HOST, PG_PORT, PG_USER, PG_DB = "127.0.0.1", 5432, "postgres", "legalaid_bench_http"
PG_ADMIN_URL = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CELERY_BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/15"
FLOOR_DB = {"sqlite": "sqlite", "postgres": "pg"}
# the targets of the project's issue
TARGET_RATIO = 0.5
TARGET_SQL_PER_APP = 70
CASES = {"application": ["application"], "full": ["full"], "both": ["application", "full"]}
# variables that would change what is measured if they leaked in from the caller's shell
CLEARED_PREFIXES = ("DJANGO_", "CELERY_")
CLEARED = ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT", "SITE_BASE_URL")


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_answers() -> bool:
    if not answers(PG_HOST, PG_PORT):
        return False
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception as exc:  # any failure means: no usable server
        log(f"postgres: port {PG_PORT} open but no connection as {PG_USER!r}: {exc}")
        return False


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def postgres_recreate(drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DB)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DB)))


def worker_problem() -> str | None:
    """Why --worker cannot run here, or None."""
    if not (ROOT / "config" / "celery.py").is_file():
        return "config/celery.py does not exist: the project has no Celery app yet"
    if not (BIN / "celery").is_file():
        return f"no celery in {BIN}: install the project with its Celery dependencies"
    if not redis_answers():
        return f"no Redis answers on {REDIS_HOST}:{REDIS_PORT}"
    return None


# --- one measured run -----------------------------------------------------------------------


def server_env(backend: str, tmp: Path, conn_max_age: str, settings_module: str, worker: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_PREFIXES) and k not in CLEARED}
    if backend == "sqlite":
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        database_url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"
    (tmp / "static").mkdir(exist_ok=True)  # whitenoise warns at start-up when STATIC_ROOT is missing
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(tmp / "media"),
            "STATIC_ROOT": str(tmp / "static"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Only with a worker to consume it: a broker makes the web processes queue the letters instead
    # of rendering them, so without a worker the run would skip that work.
    if worker:
        env["CELERY_BROKER_URL"] = CELERY_BROKER_URL
    if conn_max_age != "default":
        env["DJANGO_DB_CONN_MAX_AGE"] = conn_max_age
    return env


def run_json(command: list, env: dict, what: str, timeout: float = 900) -> dict:
    """Run a helper that prints one JSON line last; its other output goes to the terminal."""
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        log(line)
    if done.returncode != 0 or not lines:
        raise BenchError(f"{what} failed (exit {done.returncode})" + (f": {lines[-1]}" if lines else ""))
    return json.loads(lines[-1])


def wait_until_serving(port: int, token: str, server: subprocess.Popen, log_file: Path) -> None:
    """Up means: a worker answers an authenticated API call (DEBUG off, hosts, token all right)."""
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(
                "GET", "/api/v1/me/", headers={"Authorization": f"Token {token}", "Connection": "close"}
            )
            response = conn.getresponse()
            body = response.read()
            conn.close()
        except OSError:
            time.sleep(0.2)
            continue
        if response.status == 200 and response.getheader("X-Bench-SQL"):
            return
        raise BenchError(
            f"gunicorn answers /api/v1/me/ with {response.status}: {body[:2000]!r}\n"
            + log_file.read_text(errors="replace")[-4000:]
        )
    raise BenchError("gunicorn did not come up\n" + log_file.read_text(errors="replace")[-4000:])


def stop(process: subprocess.Popen | None, name: str) -> None:
    """SIGTERM to the process group (the master and its workers), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        log(f"{name} ignored SIGTERM: killed")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def measure(backend: str, conn_max_age: str, case: str, args) -> dict:
    label = f"{backend}, {case}, conn-max-age {conn_max_age}"
    unit = "app" if case == "application" else "case"
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="legalaid-bench-http-") as tmpdir:
        tmp = Path(tmpdir)
        env = server_env(backend, tmp, conn_max_age, args.settings, args.worker)
        server = worker = drainer = None
        try:
            if backend == "postgres":
                postgres_recreate()
            started = time.monotonic()
            done = subprocess.run(
                [py, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=env,
                check=False,
            )
            if done.returncode:
                raise BenchError(f"{label}: migrate failed (exit {done.returncode})")
            world_file = tmp / "world.json"
            settings_seen = run_json(
                [
                    py,
                    str(HERE / "http_world.py"),
                    "seed",
                    "--clients",
                    str(args.clients),
                    "--out",
                    str(world_file),
                ],
                env,
                f"{label}: seeding",
            )
            setup_s = time.monotonic() - started
            log(f"{label}: migrated and seeded in {setup_s:.1f} s; settings {json.dumps(settings_seen)}")

            port = free_port()
            server_log = tmp / "gunicorn.log"
            with open(server_log, "wb") as out:
                server = subprocess.Popen(
                    [
                        str(BIN / "gunicorn"),
                        "-w",
                        "2",
                        "-k",
                        "sync",
                        "-b",
                        f"127.0.0.1:{port}",
                        "--log-level",
                        "warning",
                        "config.wsgi:application",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if args.worker:
                worker_log = tmp / "celery.log"
                subprocess.run(
                    [str(BIN / "celery"), "-A", "config", "purge", "-f"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    check=False,
                )
                # One process at the lowest CPU priority, as a worker sharing a node with the web
                # processes is run. "after": it starts listening only to a queue nobody sends to, and
                # is told to take the letters' queue once the clients are done, as a worker on
                # another node would have rendered them meanwhile; its drain is timed either way.
                command = [
                    "/usr/bin/nice",
                    "-n",
                    str(args.worker_nice),
                    str(BIN / "celery"),
                    "-A",
                    "config",
                    "worker",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "warning",
                    "-n",
                    "bench@%h",
                ]
                if args.worker == "after":
                    command += ["-Q", "bench-idle"]
                with open(worker_log, "wb") as out:
                    worker = subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
            token = json.loads(world_file.read_text())["clients"][0]["applicant_token"]
            wait_until_serving(port, token, server, server_log)
            if args.worker:
                # started now and told when the clients are done, so that its start-up is not timed
                drainer = subprocess.Popen(
                    [py, str(HERE / "http_world.py"), "drain", "--timeout", "600"],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )

            try:
                result = run_json(
                    [
                        py,
                        str(HERE / "http_client.py"),
                        "--port",
                        str(port),
                        "--world",
                        str(world_file),
                        "--case",
                        case,
                        "--n",
                        str(args.n),
                        "--clients",
                        str(args.clients),
                        "--warmup",
                        str(args.warmup),
                        "--server-pid",
                        str(server.pid),
                    ],
                    env,
                    f"{label}: the clients",
                )
            except BenchError as exc:
                raise BenchError(
                    f"{exc}\n-- the end of gunicorn's log:\n" + server_log.read_text(errors="replace")[-4000:]
                ) from exc
            clients_done = time.monotonic()
            if args.worker == "after":
                subprocess.run(
                    [
                        str(BIN / "celery"),
                        "-A",
                        "config",
                        "control",
                        "add_consumer",
                        "celery",
                        "-d",
                        f"bench@{socket.gethostname()}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    check=True,
                )
            if drainer is not None:
                drainer.stdin.write("go\n")
                drainer.stdin.flush()
            stop(server, "gunicorn")
            if server.returncode not in (0, -signal.SIGTERM):
                log(f"{label}: gunicorn exited {server.returncode}")
            if args.worker:
                out, _ = drainer.communicate(timeout=660)
                if drainer.returncode or not out.strip():
                    raise BenchError(f"{label}: waiting for the worker failed (exit {drainer.returncode})")
                drained = json.loads(out.strip().splitlines()[-1])
                result["worker_pending_at_end"] = drained["pending_at_start"]
                result["worker_drain_s"] = round(max(0.0, drained["done_at"] - clients_done), 2)
                # what the web side's figure leaves out: the letters still to render when the clients stop
                done_count = result["applications" if case == "application" else "cases"]
                result[f"{unit}s_per_s_with_drain"] = round(
                    done_count / (result["wall_s"] + result["worker_drain_s"]), 2
                )
                if drained["pending"]:
                    raise BenchError(
                        f"{label}: {drained['pending']} documents still without a PDF after 600 s\n"
                        + worker_log.read_text(errors="replace")[-4000:]
                    )
            expected = (args.n // args.clients + args.warmup) * args.clients
            checked = run_json(
                [py, str(HERE / "http_world.py"), "check", "--expect", str(expected), "--case", case],
                env,
                f"{label}: checking that every application was "
                + ("approved" if case == "application" else "closed"),
            )
            result.update(
                backend=backend,
                conn_max_age=conn_max_age,
                settings=settings_seen,
                setup_s=round(setup_s, 1),
                checked=checked,
            )
            if case == "application":
                log(
                    f"{label}: {result['calls_per_s']} calls/s, {result['sql_per_app']} statements/application"
                )
            else:
                log(
                    f"{label}: {result['calls_per_s']} calls/s, {result['cases_per_s']} cases/s, "
                    f"{result['sql_per_case']} statements/case"
                )
            return result
        except subprocess.TimeoutExpired as exc:
            raise BenchError(f"{label}: {exc}") from exc
        finally:
            stop(server, "gunicorn")
            stop(worker, "celery worker")
            if drainer is not None and drainer.poll() is None:
                drainer.kill()
                drainer.wait()
            if backend == "postgres":
                try:
                    postgres_recreate(drop_only=True)
                except Exception as exc:  # do not hide the run's own outcome
                    log(f"{label}: could not drop {PG_DB}: {exc}")


def run_floor(backend: str, args) -> dict:
    command = [
        sys.executable,
        str(args.floor),
        "--db",
        FLOOR_DB[backend],
        "--n",
        str(args.n),
        "--concurrency",
        str(args.clients),
    ]
    log(f"{backend}: the floor: {' '.join(command[1:])}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise BenchError(f"{backend}: the floor failed (exit {done.returncode})\n{done.stderr[-4000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"{backend}: floor {result['calls_per_s']} calls/s")
    return result


# --- report ---------------------------------------------------------------------------------


def connection_label(run: dict) -> str:
    settings = run["settings"]
    if settings.get("pool"):
        return "psycopg pool"
    age = settings["conn_max_age"]
    return f"CONN_MAX_AGE={age}" + (" (default)" if run["conn_max_age"] == "default" else "")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summary_row(label: str, runs: list[dict], floor_rates: list[float]) -> str:
    ratios = [r["ratio"] for r in runs if r["ratio"] is not None]
    sql = (
        f"{median([r['sql_per_app'] for r in runs]):.1f} ({median([r['sql_data_per_app'] for r in runs]):.1f}"
        f"+{median([r['sql_control_per_app'] for r in runs]):.1f})"
    )
    floor = f"{median(floor_rates):.1f}" if floor_rates else "-"
    ratio = f"{median(ratios):.2f}" if ratios else "-"
    cpu = [r["server_cpu_ms_per_call"] for r in runs if r.get("server_cpu_ms_per_call") is not None]
    cpu_ms = f"{median(cpu):.1f}" if cpu else "-"
    return (
        f"{label:<34} {median([r['calls_per_s'] for r in runs]):>8.1f} "
        f"{median([r['apps_per_s'] for r in runs]):>7.2f} {median([r['call_ms_median'] for r in runs]):>7.1f} "
        f"{median([r['call_ms_p90'] for r in runs]):>7.1f} {cpu_ms:>8} {sql:>19} {floor:>10} {ratio:>10}"
    )


def report(backend: str, rounds: list[dict], args) -> dict:
    """One row per run, then (with several rounds) the medians; ratios pair each run with its round's floor."""
    for rnd in rounds:
        rate = rnd["floor"]["calls_per_s"] if rnd["floor"] else None
        for run in rnd["runs"]:
            run["floor_calls_per_s"] = rate
            run["ratio"] = round(run["calls_per_s"] / rate, 3) if rate else None
    floor_rates = [rnd["floor"]["calls_per_s"] for rnd in rounds if rnd["floor"]]
    settings_order = list(dict.fromkeys(run["conn_max_age"] for rnd in rounds for run in rnd["runs"]))
    by_setting = {
        age: [run for rnd in rounds for run in rnd["runs"] if run["conn_max_age"] == age]
        for age in settings_order
    }
    log("")
    log(
        f"== {backend}: {args.n // args.clients * args.clients} applications (3 calls each) per run, "
        f"{args.clients} clients, gunicorn -w 2 -k sync, DEBUG off, one TCP connection per call"
    )
    log(
        f"{'connections':<34} {'calls/s':>8} {'apps/s':>7} {'ms med':>7} {'ms p90':>7} {'cpu ms':>8} "
        f"{'SQL/app (data+ctl)':>19} {'floor c/s':>10} {'ours/floor':>10}"
    )
    for number, rnd in enumerate(rounds, 1):
        rate = [rnd["floor"]["calls_per_s"]] if rnd["floor"] else []
        prefix = f"round {number}: " if len(rounds) > 1 else ""
        for run in rnd["runs"]:
            log(summary_row(prefix + connection_label(run), [run], rate))
    if len(rounds) > 1:
        for runs in by_setting.values():
            log(summary_row(f"median: {connection_label(runs[0])}", runs, floor_rates))
    log(
        "  (ms med/p90: call latency seen by the clients; cpu ms: gunicorn workers' CPU time per call, which "
        "other load on the machine hardly moves; SQL per application: its 3 calls and what the server ran "
        "after their responses, not what a Celery worker ran)"
    )
    for runs in by_setting.values():
        run = runs[-1]
        phases = ", ".join(
            f"{p} {v['sql_in_request_mean']:.1f} stmts/{v['ms_median']:.0f} ms"
            for p, v in run["phases"].items()
        )
        log(
            f"  {connection_label(run)}: per call {phases}; per application "
            f"{run['sql_per_app'] - run['sql_after_response_per_app']:.1f} statements in the requests "
            f"({min(r['sql_in_request_per_app_min'] for r in runs)}..{max(r['sql_in_request_per_app_max'] for r in runs)})"
            f" + {run['sql_after_response_per_app']:.1f} after the responses (letters rendered on request_finished)"
        )
        drains = [
            f"{r['worker_pending_at_end']} pending PDFs drained in {r['worker_drain_s']} s "
            f"({r['apps_per_s_with_drain']} applications/s counting the drain)"
            for r in runs
            if "worker_drain_s" in r
        ]
        if drains:
            log(f"  {connection_label(run)}: Celery worker after the clients: {'; '.join(drains)}")
    for rnd in rounds:
        if floor := rnd["floor"]:
            log(
                f"  floor: {floor['calls_per_s']} calls/s, {floor['processes_per_s']} processes/s (6 calls each), "
                f"call median {floor['call_ms_median']} ms, p90 {floor['call_ms_p90']} ms"
            )

    comparison = None
    persistent, per_request = by_setting.get("default"), by_setting.get("0")
    if persistent and per_request:
        gain = (
            median([r["calls_per_s"] for r in persistent]) / median([r["calls_per_s"] for r in per_request])
            - 1
        )
        sql_difference = median([r["sql_per_app"] for r in persistent]) - median(
            [r["sql_per_app"] for r in per_request]
        )
        cpu = [
            median([r["server_cpu_ms_per_call"] for r in runs if r.get("server_cpu_ms_per_call") is not None])
            for runs in (persistent, per_request)
        ]
        comparison = {
            "calls_per_s_gain": round(gain, 3),
            "sql_per_app_difference": round(sql_difference, 1),
            "server_cpu_ms_per_call_difference": round(cpu[0] - cpu[1], 2),
        }
        log(
            f"  persistent connections ({connection_label(persistent[0])}) vs one per request: "
            f"{gain:+.1%} calls/s, {cpu[0] - cpu[1]:+.1f} ms server CPU per call, "
            f"{sql_difference:+.1f} statements/application (connection set-up statements are not counted)"
        )
    judged = persistent or by_setting[settings_order[0]]
    ratios = [r["ratio"] for r in judged if r["ratio"] is not None]
    sql_per_app = median([r["sql_per_app"] for r in judged])
    sql_ok = sql_per_app <= TARGET_SQL_PER_APP
    sql_verdict = (
        f"{sql_per_app:.1f} statements/application (target ≤ {TARGET_SQL_PER_APP}) "
        f"{'met' if sql_ok else 'NOT met'}"
    )
    if ratios:
        ratio = round(median(ratios), 3)
        speed_verdict = f"{ratio:.2f}× the floor (target ≥ {TARGET_RATIO}×) {'met' if ratio >= TARGET_RATIO else 'NOT met'}"
    else:
        ratio, speed_verdict = None, "no floor figure, ratio unknown"
    log(f"  verdict ({connection_label(judged[0])}): {speed_verdict}; {sql_verdict}")
    return {
        "backend": backend,
        "rounds": rounds,
        "persistent_vs_per_request": comparison,
        "verdict": {
            "connections": connection_label(judged[0]),
            "ratio": ratio,
            "ratio_met": bool(ratio and ratio >= TARGET_RATIO),
            "sql_per_app": sql_per_app,
            "sql_met": sql_ok,
        },
    }


def full_row(label: str, runs: list[dict], floors: list[dict]) -> str:
    """One line of the complete cases' table: ours, the floor's, the two ratios."""
    cpu = [r["server_cpu_ms_per_call"] for r in runs if r.get("server_cpu_ms_per_call") is not None]
    ratios = [r["ratio"] for r in runs if r["ratio"] is not None]
    moving = [r["moving_ratio"] for r in runs if r["moving_ratio"] is not None]
    sql = (
        f"{median([r['sql_per_case'] for r in runs]):.1f} ({median([r['sql_data_per_case'] for r in runs]):.1f}"
        f"+{median([r['sql_control_per_case'] for r in runs]):.1f})"
    )
    floor_calls = f"{median([f['calls_per_s'] for f in floors]):.1f}" if floors else "-"
    floor_processes = f"{median([f['processes_per_s'] for f in floors]):.2f}" if floors else "-"
    return (
        f"{label:<34} {median([r['calls_per_s'] for r in runs]):>8.1f} "
        f"{median([r['moving_calls_per_s'] for r in runs]):>9.1f} {median([r['cases_per_s'] for r in runs]):>8.2f} "
        f"{median([r['call_ms_median'] for r in runs]):>7.1f} {f'{median(cpu):.1f}' if cpu else '-':>7} "
        f"{sql:>20} {floor_calls:>10} {floor_processes:>9} "
        f"{f'{median(ratios):.2f}' if ratios else '-':>10} {f'{median(moving):.2f}' if moving else '-':>11}"
    )


def persistent_gain(by_setting: dict, unit: str) -> dict | None:
    """Persistent connections (the default) against one per request, when both ran."""
    persistent, per_request = by_setting.get("default"), by_setting.get("0")
    if not (persistent and per_request):
        return None
    gain = (
        median([r["calls_per_s"] for r in persistent]) / median([r["calls_per_s"] for r in per_request]) - 1
    )
    sql_difference = median([r[f"sql_per_{unit}"] for r in persistent]) - median(
        [r[f"sql_per_{unit}"] for r in per_request]
    )
    cpu = [
        median([r["server_cpu_ms_per_call"] for r in runs if r.get("server_cpu_ms_per_call") is not None])
        for runs in (persistent, per_request)
    ]
    return {
        "calls_per_s_gain": round(gain, 3),
        f"sql_per_{unit}_difference": round(sql_difference, 1),
        "server_cpu_ms_per_call_difference": round(cpu[0] - cpu[1], 2),
    }


def report_full(backend: str, rounds: list[dict], args) -> dict:
    """The complete cases: ours beside the floor's, both ratios, SQL per case and per phase."""
    for rnd in rounds:
        floor = rnd["floor"]
        for run in rnd["runs"]:
            run["floor_calls_per_s"] = floor["calls_per_s"] if floor else None
            run["floor_processes_per_s"] = floor["processes_per_s"] if floor else None
            # the figure: every HTTP call of ours (11 a case) against the floor's calls
            run["ratio"] = round(run["calls_per_s"] / floor["calls_per_s"], 3) if floor else None
            # like for like: the 6 calls that move a case against the floor's 6 per process, that is
            # cases/s against the floor's processes/s
            run["moving_ratio"] = (
                round(run["moving_calls_per_s"] / floor["calls_per_s"], 3) if floor else None
            )
    floors = [rnd["floor"] for rnd in rounds if rnd["floor"]]
    settings_order = list(dict.fromkeys(run["conn_max_age"] for rnd in rounds for run in rnd["runs"]))
    by_setting = {
        age: [run for rnd in rounds for run in rnd["runs"] if run["conn_max_age"] == age]
        for age in settings_order
    }
    first = by_setting[settings_order[0]][0]
    log("")
    log(
        f"== {backend}: {args.n // args.clients * args.clients} complete cases per run, file → review → "
        f"assign → accept → close_report → review_closure, {first['calls_per_case']:g} HTTP calls each "
        f"({first['moving_calls_per_case']} that move the case + 5 task lists), {args.clients} clients, "
        f"gunicorn -w 2 -k sync, DEBUG off, one TCP connection per call; the floor: 6 calls per process"
    )
    log(
        f"{'connections':<34} {'calls/s':>8} {'6-call/s':>9} {'cases/s':>8} {'ms med':>7} {'cpu ms':>7} "
        f"{'SQL/case (data+ctl)':>20} {'floor c/s':>10} {'floor p/s':>9} {'calls/flr':>10} {'6-call/flr':>11}"
    )
    for number, rnd in enumerate(rounds, 1):
        prefix = f"round {number}: " if len(rounds) > 1 else ""
        for run in rnd["runs"]:
            log(full_row(prefix + connection_label(run), [run], [rnd["floor"]] if rnd["floor"] else []))
    if len(rounds) > 1:
        for runs in by_setting.values():
            log(full_row(f"median: {connection_label(runs[0])}", runs, floors))
    log(
        "  (calls/s: all 11 calls of a case; 6-call/s: only the 6 that move it (file + 5 completions), "
        "like for like with the floor's 6 calls per process; calls/flr: calls/s ÷ the floor's calls/s, the "
        "issue's figure; 6-call/flr: 6-call/s ÷ the floor's calls/s = cases/s ÷ the floor's processes/s; "
        "SQL per case: its 11 calls and what the server ran after their responses)"
    )
    for runs in by_setting.values():
        run = runs[-1]
        log(f"  {connection_label(run)}, per call (median ms, mean SQL statements in the request):")
        phases = list(run["phases"].items())
        for start in range(0, len(phases), 4):
            log(
                "    "
                + "; ".join(
                    f"{p} {v['ms_median']:.0f} ms {v['sql_in_request_mean']:.1f} stmts"
                    for p, v in phases[start : start + 4]
                )
            )
        log(
            f"    per case: {run['moving_ms_per_case']:.0f} ms and {run['sql_in_request_moving_per_case']:.1f} "
            f"statements in the 6 moving calls, {run['list_ms_per_case']:.0f} ms and "
            f"{run['sql_in_request_list_per_case']:.1f} in the 5 lists, {run['sql_after_response_per_case']:.1f} "
            f"after the responses; {run['sql_per_case']:.1f} in all "
            f"({min(r['sql_in_request_per_case_min'] for r in runs)}..{max(r['sql_in_request_per_case_max'] for r in runs)} "
            f"in the requests)"
        )
        drains = [
            f"{r['worker_pending_at_end']} pending PDFs drained in {r['worker_drain_s']} s "
            f"({r['cases_per_s_with_drain']} cases/s counting the drain)"
            for r in runs
            if "worker_drain_s" in r
        ]
        if drains:
            log(f"  {connection_label(run)}: Celery worker after the clients: {'; '.join(drains)}")
    for floor in floors:
        log(
            f"  floor: {floor['calls_per_s']} calls/s, {floor['processes_per_s']} processes/s (6 calls each), "
            f"call median {floor['call_ms_median']} ms, p90 {floor['call_ms_p90']} ms"
        )
    comparison = persistent_gain(by_setting, "case")
    if comparison:
        log(
            f"  persistent connections ({connection_label(by_setting['default'][0])}) vs one per request: "
            f"{comparison['calls_per_s_gain']:+.1%} calls/s, "
            f"{comparison['server_cpu_ms_per_call_difference']:+.1f} ms server CPU per call, "
            f"{comparison['sql_per_case_difference']:+.1f} statements/case"
        )
    judged = by_setting.get("default") or by_setting[settings_order[0]]
    ratios = [r["ratio"] for r in judged if r["ratio"] is not None]
    moving = [r["moving_ratio"] for r in judged if r["moving_ratio"] is not None]
    sql_per_case = median([r["sql_per_case"] for r in judged])
    ratio = round(median(ratios), 3) if ratios else None
    moving_ratio = round(median(moving), 3) if moving else None
    if ratio is not None:
        verdict = (
            f"calls/s {ratio:.2f}× the floor's (target ≥ {TARGET_RATIO}×) "
            f"{'met' if ratio >= TARGET_RATIO else 'NOT met'}; like for like, the 6 moving calls "
            f"{moving_ratio:.2f}× ({'met' if moving_ratio >= TARGET_RATIO else 'NOT met'} against the same target)"
        )
    else:
        verdict = "no floor figure, ratios unknown"
    log(
        f"  verdict, complete cases ({connection_label(judged[0])}): {verdict}; "
        f"{median([r['cases_per_s'] for r in judged]):.2f} cases/s; {sql_per_case:.1f} statements/case"
    )
    return {
        "rounds": rounds,
        "persistent_vs_per_request": comparison,
        "verdict": {
            "connections": connection_label(judged[0]),
            "calls_per_s": median([r["calls_per_s"] for r in judged]),
            "moving_calls_per_s": median([r["moving_calls_per_s"] for r in judged]),
            "cases_per_s": median([r["cases_per_s"] for r in judged]),
            "floor_calls_per_s": median([f["calls_per_s"] for f in floors]) if floors else None,
            "floor_processes_per_s": median([f["processes_per_s"] for f in floors]) if floors else None,
            "ratio": ratio,
            "ratio_met": bool(ratio and ratio >= TARGET_RATIO),
            "moving_ratio": moving_ratio,
            "moving_ratio_met": bool(moving_ratio and moving_ratio >= TARGET_RATIO),
            "sql_per_case": sql_per_case,
        },
    }


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument(
        "--case",
        choices=sorted(CASES),
        default="application",
        help="application: file, queue, approve (3 calls; the default); full: complete cases, filed to "
        "closed (11 calls, 6 of them moving the case); both: the two, beside the same floor",
    )
    parser.add_argument(
        "--n",
        type=int,
        default=300,
        help="applications (or complete cases) per run, split between the clients (also the floor's "
        "processes; default 300)",
    )
    parser.add_argument("--clients", type=int, default=2, help="client processes (1 to 5; default 2)")
    parser.add_argument(
        "--warmup", type=int, default=5, help="iterations per client before timing (default 5)"
    )
    parser.add_argument(
        "--conn-max-age",
        nargs="+",
        default=["default", "0"],
        metavar="N",
        help="DJANGO_DB_CONN_MAX_AGE values to run, 'default' for the settings' own (default: default 0)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat floor + ours this many times and report the medians (default 1)",
    )
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=19,
        help="the worker's nice value (default 19: it yields the CPU to the web processes)",
    )
    parser.add_argument(
        "--worker",
        nargs="?",
        const="concurrent",
        choices=["concurrent", "after"],
        help="letters on a Celery worker instead of in the web processes: 'concurrent' (the default "
        "with the flag) renders them while the clients run, at the lowest CPU priority; 'after' holds "
        "them in the queue until the clients are done, as a worker on another node would; the drain "
        "is timed either way",
    )
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (quicker, no ratio)")
    parser.add_argument("--floor", type=Path, default=FLOOR, help=argparse.SUPPRESS)
    # for experiments with other settings (a connection pool ...): a module that imports bench_settings
    parser.add_argument("--settings", default="benchmarks.bench_settings", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.clients <= 5:
        parser.error("--clients must be 1 to 5: one region per client")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.n < args.clients:
        parser.error("--n must be at least --clients")
    for value in args.conn_max_age:
        if value != "default" and not value.isdigit():
            parser.error(f"--conn-max-age: {value!r} is neither 'default' nor a number of seconds")
    if args.worker and (problem := worker_problem()):
        # Still a measurement worth having: the letters are then rendered by the web processes.
        log(f"--worker: {problem}; measuring without a worker (letters rendered after each response)")
        args.worker = None
    if not (BIN / "gunicorn").is_file():
        log(f"no gunicorn in {BIN}: run this with the project's venv python (.venv/bin/python)")
        return 2
    if not args.no_floor and not args.floor.is_file():
        # A clone without the floor script still measures its own figures, without the ratio.
        log(f"no floor at {args.floor} (pass --floor PATH): measuring without it, no ratio")
        args.no_floor = True

    # a terminated run still stops its gunicorn and drops its database (the finally blocks)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    reports, failed = [], False
    for backend in backends:
        if backend == "postgres" and not postgres_answers():
            log(f"postgres: no server on {PG_HOST}:{PG_PORT}, skipped")
            failed = failed or args.backend == "postgres"
            continue
        rounds = []
        try:
            for _ in range(args.rounds):
                # the floor right before ours, for each round: the ratio pairs runs made close in time
                floor = None
                if not args.no_floor:
                    try:
                        floor = run_floor(backend, args)
                    except (BenchError, subprocess.TimeoutExpired) as exc:
                        log(f"{exc}\n{backend}: going on without the floor's figure")
                        failed = True
                runs = [
                    measure(backend, age, case, args)
                    for case in CASES[args.case]
                    for age in args.conn_max_age
                ]
                rounds.append({"floor": floor, "runs": runs})
        except BenchError as exc:
            log(str(exc))
            failed = True
            continue
        # the applications' figures at the top level, as before; the complete cases' under "full"
        entry = {"backend": backend}
        for case in CASES[args.case]:
            of_case = [
                {"floor": rnd["floor"], "runs": [r for r in rnd["runs"] if r["case"] == case]}
                for rnd in rounds
            ]
            if case == "application":
                entry.update(report(backend, of_case, args))
            else:
                entry["full"] = report_full(backend, of_case, args)
        reports.append(entry)
    print(
        json.dumps(
            {
                "n": args.n,
                "clients": args.clients,
                "warmup": args.warmup,
                "case": args.case,
                "backends": reports,
            }
        ),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
