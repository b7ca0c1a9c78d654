"""The load client of bench_http.py: file, queue and approve over HTTP, in separate processes.

    python benchmarks/http_client.py --port P --world world.json [--n 300] [--clients 2] [--warmup 5]

Each client process has its own applicant and reviewer (one region each, see http_world.py), so
two clients never race for the same queue task, and runs N/clients iterations of
POST /api/v1/applications/ (201), GET /api/v1/tasks/?scope=queue as the reviewer (the task of the
new application must be there) and POST /api/v1/tasks/{id}/complete/ {"outcome": "approve"} (200).

One new TCP connection per call with ``Connection: close``, as the floor's client.py does, so that
both measure the same thing. Stdlib and python-stdnum only: no Django in the client processes.
Prints one JSON line with the figures; any unexpected status ends the run with the response body.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import multiprocessing as mp
import os
import statistics
import sys
import threading
import time
import traceback

from stdnum.cn import ric

HOST = "127.0.0.1"
SQL_HEADER = "X-Bench-SQL"
PHASES = ("file", "queue", "complete")
# warm-up iterations use their own numbers, far from the measured ones, so that no two
# applications share a phone number or an ID number
WARMUP_BASE = 90_000_000


class Failure(Exception):
    pass


def resident_id(birth: datetime.date, region_code: str = "360203", seq: str = "123") -> str:
    """As tests.factories.resident_id, which cannot be imported without setting Django up."""
    body = f"{region_code}{birth:%Y%m%d}{seq}"
    return body + ric.calc_check_digit(body + "0")


def payload(i: int, region: str) -> dict:
    """bench_applications.payload(i), filed in the client's region."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=(i * 37) % 18000)
    return {
        "channel": "online",
        "region": region,
        "applicant": {
            "name": f"申请人{i}",
            "id_number": resident_id(birth, seq=f"{i % 1000:03d}"),
            "phone": f"139{i:08d}",
            "address": f"珠山区新村路{i}号",
        },
        "categories": [],
        "matter": {
            "category": "civil",
            "type": "maintenance",
            "summary": "子女拒付赡养费",
            "opposing_party": "王某",
        },
        "household": {"size": 2, "monthly_income": "1800.00", "fixed_income": True},
        "urgent_deadline": None,
        "pledge": True,
    }


def call(port: int, method: str, path: str, token: str, expected: int, body: dict | None = None):
    """One call on a new TCP connection: (decoded JSON, milliseconds, the 4 figures of X-Bench-SQL)."""
    headers = {"Authorization": f"Token {token}", "Connection": "close", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    ms = (time.perf_counter() - started) * 1000
    if response.status != expected:
        raise Failure(
            f"{method} {path}: expected {expected}, got {response.status}\n"
            f"{content.decode(errors='replace')[:4000]}"
        )
    counted = response.getheader(SQL_HEADER)
    if counted is None:
        raise Failure(f"{method} {path}: no {SQL_HEADER} header (is the server running bench_settings?)")
    figures = tuple(int(x) for x in counted.split())
    if len(figures) != 4:
        raise Failure(f"{method} {path}: {SQL_HEADER} {counted!r}: 4 figures expected (see sql_count.py)")
    return json.loads(content), ms, figures


def iteration(port: int, client: dict, i: int) -> list[tuple[str, float, int, int]]:
    """File, find in the queue, approve: one (phase, ms, total, control, after, after_control) per call."""
    filed, ms_file, sql_file = call(
        port, "POST", "/api/v1/applications/", client["applicant_token"], 201, payload(i, client["region"])
    )
    queue, ms_queue, sql_queue = call(
        port, "GET", "/api/v1/tasks/?scope=queue", client["reviewer_token"], 200
    )
    task = next((t for t in queue["results"] if t.get("application_id") == filed["id"]), None)
    if task is None:
        raise Failure(
            f"application {filed['id']} not in {client['region']}'s queue: "
            f"{json.dumps(queue, ensure_ascii=False)[:4000]}"
        )
    _, ms_done, sql_done = call(
        port,
        "POST",
        f"/api/v1/tasks/{task['id']}/complete/",
        client["reviewer_token"],
        200,
        {"outcome": "approve"},
    )
    return [("file", ms_file, *sql_file), ("queue", ms_queue, *sql_queue), ("complete", ms_done, *sql_done)]


def worker(port: int, client: dict, first: int, n: int, warmup: int, barrier, results) -> None:
    try:
        for j in range(warmup):
            iteration(port, client, WARMUP_BASE + first + j)
        barrier.wait()
        started = time.monotonic()  # system-wide clock: comparable between the client processes
        calls = [iteration(port, client, i) for i in range(first, first + n)]
        results.put({"ok": True, "start": started, "end": time.monotonic(), "iterations": calls})
    except threading.BrokenBarrierError:
        results.put({"ok": False, "region": client["region"], "error": "stopped: another client failed"})
    except Exception as exc:
        barrier.abort()  # the other clients stop waiting for this one
        detail = str(exc) if isinstance(exc, Failure) else traceback.format_exc()
        results.put({"ok": False, "region": client["region"], "error": detail})


def workers_cpu(master: int) -> dict[int, float]:
    """CPU seconds (user + system) of each process whose parent is ``master``: gunicorn's workers.

    Unlike the wall time, this hardly moves when other programs load the machine: it tells the cost
    of the server's own work per call. The database server's CPU is not in it.
    """
    tick = os.sysconf("SC_CLK_TCK")
    cpu = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:  # the process has gone
            continue
        # after the command name in parentheses: state, ppid, ... utime and stime are the 12th and 13th
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == master:
            cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    return cpu


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * fraction))]


def summarise(runs: list[dict], clients: int, warmup: int, cpu_before: dict, cpu_after: dict) -> dict:
    iterations = [it for run in runs for it in run["iterations"]]
    wall = max(r["end"] for r in runs) - min(r["start"] for r in runs)
    ms = sorted(c[1] for it in iterations for c in it)
    apps = len(iterations)
    calls = [c for it in iterations for c in it]
    # Statements run after a response arrive in the next response of the same server process, which
    # may belong to another application: only their mean per application is meaningful.
    in_request, in_request_control = sum(c[2] for c in calls), sum(c[3] for c in calls)
    after, after_control = sum(c[4] for c in calls), sum(c[5] for c in calls)
    per_app_in_request = [sum(c[2] for c in it) for it in iterations]
    by_phase = {p: [c for c in calls if c[0] == p] for p in PHASES}
    return {
        "clients": clients,
        "warmup_per_client": warmup,
        "applications": apps,
        "http_calls": len(ms),
        "wall_s": round(wall, 3),
        "calls_per_s": round(len(ms) / wall, 1),
        "apps_per_s": round(apps / wall, 2),
        "call_ms_median": round(statistics.median(ms), 2),
        "call_ms_p90": round(percentile(ms, 0.9), 2),
        "call_ms_max": round(ms[-1], 2),
        "sql_per_app": round((in_request + after) / apps, 1),
        "sql_control_per_app": round((in_request_control + after_control) / apps, 1),
        "sql_data_per_app": round((in_request + after - in_request_control - after_control) / apps, 1),
        "sql_after_response_per_app": round(after / apps, 1),
        "sql_in_request_per_app_min": min(per_app_in_request),
        "sql_in_request_per_app_max": max(per_app_in_request),
        # a worker that gunicorn replaced during the run is left out: then this is an underestimate
        "server_cpu_ms_per_call": round(
            sum(cpu_after[pid] - cpu_before[pid] for pid in cpu_before if pid in cpu_after) * 1000 / len(ms),
            2,
        )
        if cpu_before
        else None,
        "server_workers_replaced": set(cpu_before) != set(cpu_after),
        "phases": {
            p: {
                "ms_median": round(statistics.median(c[1] for c in phase_calls), 2),
                "sql_in_request_mean": round(sum(c[2] for c in phase_calls) / len(phase_calls), 1),
                "sql_in_request_control_mean": round(sum(c[3] for c in phase_calls) / len(phase_calls), 1),
            }
            for p, phase_calls in by_phase.items()
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--world", required=True, help="the JSON file written by http_world.py seed")
    parser.add_argument("--n", type=int, default=300, help="applications in all, split between the clients")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5, help="iterations per client before the clock starts")
    parser.add_argument(
        "--server-pid", type=int, help="gunicorn's master: report its workers' CPU time per call"
    )
    args = parser.parse_args()
    with open(args.world, encoding="utf-8") as f:
        world = json.load(f)["clients"]
    if args.clients > len(world):
        parser.error(f"the world has {len(world)} clients, {args.clients} asked for")
    per = args.n // args.clients
    if per < 1:
        parser.error("--n must be at least --clients")
    ctx = mp.get_context("fork")
    # this process waits too, to read the server's CPU time when the clock starts
    barrier = ctx.Barrier(args.clients + 1, timeout=300)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=worker, args=(args.port, world[k], k * per, per, args.warmup, barrier, results))
        for k in range(args.clients)
    ]
    for p in processes:
        p.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass  # a client failed in its warm-up: its error is in the results
    cpu_before = workers_cpu(args.server_pid) if args.server_pid else {}
    # read before joining: a child cannot exit while its result is still in the pipe
    runs = [results.get() for _ in processes]
    cpu_after = workers_cpu(args.server_pid) if args.server_pid else {}
    for p in processes:
        p.join()
    failed = [r for r in runs if not r["ok"]]
    if failed:
        for r in failed:
            print(f"client {r['region']}: {r['error']}", file=sys.stderr)
        return 1
    print(json.dumps(summarise(runs, args.clients, args.warmup, cpu_before, cpu_after)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
