"""The load client of bench_http.py: file, queue and approve, or run whole cases, over HTTP, in separate processes.

    python benchmarks/http_client.py --port P --world world.json [--case application|full] [--n 300]
        [--clients 2] [--warmup 5]

Each client process has its own applicant, reviewer and lawyer (one region each, see
http_world.py), so two clients never race for the same queue task, and runs N/clients iterations.

``--case application`` (the default), 3 calls: POST /api/v1/applications/ (201), GET
/api/v1/tasks/?scope=queue&name=review as the reviewer (the queue's review tasks: the task of the
new application must be among them; the approved applications' assign tasks stay in the queue)
and POST /api/v1/tasks/{id}/complete/ {"outcome": "approve"} (200).

``--case full``, a complete case in 11 calls: file; then for each of its five tasks, the list call
that finds it (GET /api/v1/tasks/?scope=queue|inbox&name=TASK&application_id=ID, exactly one task
expected) and the POST that completes it: review {"outcome": "approve"} and assign {"provider_id"}
as the reviewer from the center's queue, accept {"accept": true} (the assignment letter) and
close_report {"outcome", "summary", "hours"} as the lawyer from their inbox, review_closure
{"approve": true, "comment"} as the reviewer (a comment: the default checklist's required documents
are missing). Every call counts in calls/s; ``moving_calls_per_s`` counts only the six calls that
move the case (the filing and the five completions), as the floor's six calls per process do (the
floor's completion answers with the next task's id, ours with its name: we list to find it).

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
# the phases of each mode's iteration, in order
PHASES = {
    "application": ("file", "queue", "complete"),
    "full": (
        "file",
        "review_queue",
        "review",
        "assign_queue",
        "assign",
        "accept_inbox",
        "accept",
        "report_inbox",
        "close_report",
        "closure_queue",
        "review_closure",
    ),
}
# the calls of a complete case that move it, as the floor's six calls per process do
MOVING = ("file", "review", "assign", "accept", "close_report", "review_closure")
CLOSE_REPORT = {"outcome": "won", "summary": "经审理，法院判决被告按月支付赡养费。", "hours": "10"}
CLOSURE_COMMENT = "判决书已在案卷中纸质归档。"
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


def iteration(port: int, client: dict, i: int) -> list[tuple]:
    """File, find in the queue, approve: one (phase, ms, total, control, after, after_control) per call."""
    filed, ms_file, sql_file = call(
        port, "POST", "/api/v1/applications/", client["applicant_token"], 201, payload(i, client["region"])
    )
    # the queue's review tasks: its assign tasks, one per approved application, would push the new
    # review task off the first page (workflows.flows.assignment)
    queue, ms_queue, sql_queue = call(
        port, "GET", "/api/v1/tasks/?scope=queue&name=review", client["reviewer_token"], 200
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


def case_iteration(port: int, client: dict, i: int) -> list[tuple]:
    """A complete case, filed to closed: one (phase, ms, total, control, after, after_control) per call."""
    calls = []
    filed, ms, sql = call(
        port, "POST", "/api/v1/applications/", client["applicant_token"], 201, payload(i, client["region"])
    )
    calls.append(("file", ms, *sql))
    application_id = filed["id"]
    reviewer, lawyer = client["reviewer_token"], client["lawyer_token"]
    steps = (
        ("review_queue", "queue", "review", reviewer, {"outcome": "approve"}),
        ("assign_queue", "queue", "assign", reviewer, {"provider_id": client["provider_id"]}),
        ("accept_inbox", "inbox", "accept", lawyer, {"accept": True}),
        ("report_inbox", "inbox", "close_report", lawyer, CLOSE_REPORT),
        ("closure_queue", "queue", "review_closure", reviewer, {"approve": True, "comment": CLOSURE_COMMENT}),
    )
    for list_phase, scope, name, token, body in steps:
        listed, ms, sql = call(
            port,
            "GET",
            f"/api/v1/tasks/?scope={scope}&name={name}&application_id={application_id}",
            token,
            200,
        )
        calls.append((list_phase, ms, *sql))
        if len(listed["results"]) != 1:
            raise Failure(
                f"application {application_id}: one {name} task expected in the {scope}, got "
                f"{json.dumps(listed, ensure_ascii=False)[:4000]}"
            )
        task_id = listed["results"][0]["id"]
        _, ms, sql = call(port, "POST", f"/api/v1/tasks/{task_id}/complete/", token, 200, body)
        calls.append((name, ms, *sql))
    return calls


ITERATIONS = {"application": iteration, "full": case_iteration}


def worker(port: int, case: str, client: dict, first: int, n: int, warmup: int, barrier, results) -> None:
    run = ITERATIONS[case]
    try:
        for j in range(warmup):
            run(port, client, WARMUP_BASE + first + j)
        barrier.wait()
        started = time.monotonic()  # system-wide clock: comparable between the client processes
        calls = [run(port, client, i) for i in range(first, first + n)]
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


def phase_figures(phase_calls: list[tuple]) -> dict:
    return {
        "calls": len(phase_calls),
        "ms_median": round(statistics.median(c[1] for c in phase_calls), 2),
        "ms_mean": round(statistics.fmean(c[1] for c in phase_calls), 2),
        "sql_in_request_mean": round(sum(c[2] for c in phase_calls) / len(phase_calls), 1),
        "sql_in_request_control_mean": round(sum(c[3] for c in phase_calls) / len(phase_calls), 1),
        "sql_in_request_min": min(c[2] for c in phase_calls),
        "sql_in_request_max": max(c[2] for c in phase_calls),
    }


def summarise(
    runs: list[dict], case: str, clients: int, warmup: int, cpu_before: dict, cpu_after: dict
) -> dict:
    """The figures of a run. Per iteration: ``*_app`` for applications, ``*_case`` for complete cases."""
    unit = "app" if case == "application" else "case"
    iterations = [it for run in runs for it in run["iterations"]]
    wall = max(r["end"] for r in runs) - min(r["start"] for r in runs)
    ms = sorted(c[1] for it in iterations for c in it)
    count = len(iterations)
    calls = [c for it in iterations for c in it]
    # Statements run after a response arrive in the next response of the same server process, which
    # may belong to another iteration: only their mean per iteration is meaningful.
    in_request, in_request_control = sum(c[2] for c in calls), sum(c[3] for c in calls)
    after, after_control = sum(c[4] for c in calls), sum(c[5] for c in calls)
    per_iteration_in_request = [sum(c[2] for c in it) for it in iterations]
    by_phase = {p: [c for c in calls if c[0] == p] for p in PHASES[case]}
    result = {
        "case": case,
        "clients": clients,
        "warmup_per_client": warmup,
        "applications" if case == "application" else "cases": count,
        "http_calls": len(ms),
        f"calls_per_{unit}": round(len(ms) / count, 2),
        "wall_s": round(wall, 3),
        "calls_per_s": round(len(ms) / wall, 1),
        f"{unit}s_per_s": round(count / wall, 2),
        "call_ms_median": round(statistics.median(ms), 2),
        "call_ms_p90": round(percentile(ms, 0.9), 2),
        "call_ms_max": round(ms[-1], 2),
        f"sql_per_{unit}": round((in_request + after) / count, 1),
        f"sql_control_per_{unit}": round((in_request_control + after_control) / count, 1),
        f"sql_data_per_{unit}": round((in_request + after - in_request_control - after_control) / count, 1),
        f"sql_after_response_per_{unit}": round(after / count, 1),
        f"sql_in_request_per_{unit}_min": min(per_iteration_in_request),
        f"sql_in_request_per_{unit}_max": max(per_iteration_in_request),
        # a worker that gunicorn replaced during the run is left out: then this is an underestimate
        "server_cpu_ms_per_call": round(
            sum(cpu_after[pid] - cpu_before[pid] for pid in cpu_before if pid in cpu_after) * 1000 / len(ms),
            2,
        )
        if cpu_before
        else None,
        "server_workers_replaced": set(cpu_before) != set(cpu_after),
        "phases": {p: phase_figures(phase_calls) for p, phase_calls in by_phase.items()},
    }
    if case == "full":
        moving = [c for c in calls if c[0] in MOVING]
        listing = [c for c in calls if c[0] not in MOVING]
        result.update(
            {
                # like for like with the floor: its 6 calls per process move it, none lists
                "moving_calls_per_case": len(MOVING),
                "moving_calls_per_s": round(len(moving) / wall, 1),
                "moving_call_ms_median": round(statistics.median(c[1] for c in moving), 2),
                "list_call_ms_median": round(statistics.median(c[1] for c in listing), 2),
                # the clients' time per case: in the calls that move it and in the lists
                "moving_ms_per_case": round(sum(c[1] for c in moving) / count, 1),
                "list_ms_per_case": round(sum(c[1] for c in listing) / count, 1),
                "sql_in_request_moving_per_case": round(sum(c[2] for c in moving) / count, 1),
                "sql_in_request_list_per_case": round(sum(c[2] for c in listing) / count, 1),
            }
        )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--world", required=True, help="the JSON file written by http_world.py seed")
    parser.add_argument(
        "--case",
        choices=sorted(PHASES),
        default="application",
        help="application: file, queue, approve (3 calls); full: a complete case, filed to closed (11 calls)",
    )
    parser.add_argument(
        "--n", type=int, default=300, help="applications (or cases) in all, split between the clients"
    )
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
        ctx.Process(
            target=worker, args=(args.port, args.case, world[k], k * per, per, args.warmup, barrier, results)
        )
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
    figures = summarise(runs, args.case, args.clients, args.warmup, cpu_before, cpu_after)
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
