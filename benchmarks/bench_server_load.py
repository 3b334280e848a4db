"""Bounded load test of the Office.js server (issue 16), on loopback only.

Starts ``sewerplan.xl_addin.server`` under uvicorn on 127.0.0.1 (a free port) in a child
process, then runs three phases while a sampler polls ``/health`` every 50 ms:

1. an unauthenticated 70 MB body (must be refused before it is read: 401);
2. an authenticated huge call: 1,000,000 cells (over the cell cap: 413), then the largest
   call the cap admits (400,000 cells of SEWER_CONVENTIONAL), which runs in the worker pool;
3. concurrent normal calls (8 clients x 25 calls, SEWER_CONVENTIONAL on 100 rows).

Prints the server's memory (resident, and peak from /proc), the /health latency during each
phase, status counts and errors. Stops by itself (every request has a timeout, the whole run a
deadline of 180 s) and always stops the server. Linux (reads /proc for memory).

Run: .venv/bin/python benchmarks/bench_server_load.py
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx

HOST = "127.0.0.1"
TOKEN = "bench-token-" + "0" * 20
DEADLINE_S = 180.0
SERVER = """
import sys, uvicorn
from sewerplan.xl_addin.server import create_app
uvicorn.run(create_app(tokens=[sys.argv[1]]), host="127.0.0.1", port=int(sys.argv[2]), log_level="error")
"""
PATH = "/xlwings/custom-functions-call"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of the server process [MB], from /proc (Linux)."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


class HealthSampler:
    """Polls /health every 50 ms in a thread; latencies [ms] per phase."""

    def __init__(self, base: str):
        self.base, self.phase, self.samples, self.stop = base, "idle", {}, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with httpx.Client(base_url=self.base, timeout=10) as c:
            while not self.stop.is_set():
                t = time.perf_counter()
                try:
                    ok = c.get("/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                ms = (time.perf_counter() - t) * 1000 if ok else float("inf")
                self.samples.setdefault(self.phase, []).append(ms)
                time.sleep(0.05)

    def summary(self, phase: str) -> str:
        xs = self.samples.get(phase, [])
        if not xs:
            return "over before the first poll"
        failed = sum(x == float("inf") for x in xs)
        ok = sorted(x for x in xs if x != float("inf"))
        p95 = ok[int(0.95 * (len(ok) - 1))] if ok else float("nan")
        return (f"{len(xs)} polls, median {statistics.median(ok) if ok else float('nan'):.1f} ms, "
                f"p95 {p95:.1f} ms, max {max(ok) if ok else float('nan'):.1f} ms, failed {failed}")


def call_body(name: str, *args) -> bytes:
    return json.dumps({"client": "Office.js", "func_name": name, "args": list(args), "version": "0.37.8",
                       "runtime": "1.4"}).encode()


def raw_post(port: int, headers: dict, body_iter, timeout: float = 30.0) -> tuple[int, float]:
    """POST with a raw socket, streaming the body; returns (status, seconds to the response)."""
    t = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        s.sendall(f"POST {PATH} HTTP/1.1\r\nHost: {HOST}\r\n{head}\r\n".encode("latin-1"))
        s.setblocking(False)
        answer = b""
        for chunk in body_iter:
            try:
                answer += s.recv(65536)  # the server may answer before the body is sent
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                s.setblocking(True)
                s.sendall(chunk)
                s.setblocking(False)
            except OSError:  # the server closed the connection after answering
                break
        s.setblocking(True)
        while b"\r\n" not in answer:
            data = s.recv(65536)
            if not data:
                break
            answer += data
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, time.perf_counter() - t


def phase_big_unauthenticated(port: int) -> str:
    size = 70 * 1024 * 1024
    chunk = b"[" + b"1," * (512 * 1024)
    chunks = (chunk for _ in range(size // len(chunk) + 1))
    status, secs = raw_post(port, {"Content-Type": "application/json", "Content-Length": str(size),
                                   "Authorization": "wrong"}, chunks)
    return f"unauthenticated 70 MB body: HTTP {status} after {secs * 1000:.0f} ms"


def huge_bodies() -> dict:
    """The huge calls' bodies, built before the phase (building them in this process would
    starve the /health sampler thread of the GIL and show as server latency)."""
    return {rows: call_body("SEWER_CONVENTIONAL", [[float(i % 300)] for i in range(rows)], [[2.6]])
            for rows in (1_000_000, 400_000)}


def phase_huge_calls(client: httpx.Client, bodies: dict) -> list[str]:
    out = []
    for rows, body in bodies.items():
        t = time.perf_counter()
        try:
            r = client.post(PATH, content=body, headers={"Authorization": TOKEN, "Content-Type": "application/json"})
            status = r.status_code
        except httpx.HTTPError as exc:
            status = f"error {type(exc).__name__}"
        out.append(f"authenticated call, {rows:,} cells ({len(body) / 1e6:.1f} MB): HTTP {status} after "
                   f"{(time.perf_counter() - t):.2f} s")
    return out


def phase_concurrent(client_factory, clients: int = 8, calls: int = 25) -> str:
    body = call_body("SEWER_CONVENTIONAL", [[float(i)] for i in range(100)], [[2.6]])
    statuses, latencies = Counter(), []

    def work(_):
        with client_factory() as c:
            for _ in range(calls):
                t = time.perf_counter()
                try:
                    r = c.post(PATH, content=body, headers={"Authorization": TOKEN, "Content-Type": "application/json"})
                    statuses[r.status_code] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - t) * 1000)

    t = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    secs = time.perf_counter() - t
    errors = sum(n for s, n in statuses.items() if s != 200)
    return (f"{clients} clients x {calls} calls in {secs:.1f} s: statuses {dict(statuses)}, errors {errors}, "
            f"latency median {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms")


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("server did not start within 60 s")


def main() -> int:
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, TOKEN, str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watchdog = threading.Timer(DEADLINE_S, proc.kill)  # the run stops by itself
    watchdog.start()
    sampler = HealthSampler(base)
    try:
        wait_ready(base, proc)
        print(f"server pid {proc.pid} on {base}; memory at start {memory_mb(proc.pid)[0]:.0f} MB")
        sampler.thread.start()
        time.sleep(0.5)
        sampler.phase = "big unauthenticated body"
        print(phase_big_unauthenticated(port), f"| memory {memory_mb(proc.pid)[0]:.0f} MB")
        sampler.phase = "(client builds the huge bodies)"
        bodies = huge_bodies()
        sampler.phase = "huge authenticated calls"
        with httpx.Client(base_url=base, timeout=120) as c:
            for line in phase_huge_calls(c, bodies):
                print(line, f"| memory {memory_mb(proc.pid)[0]:.0f} MB")
        sampler.phase = "concurrent normal calls"
        print(phase_concurrent(lambda: httpx.Client(base_url=base, timeout=60)))
        sampler.stop.set()
        sampler.thread.join(timeout=5)
        rss, peak = memory_mb(proc.pid)
        print(f"server memory: now {rss:.0f} MB, peak {peak:.0f} MB")
        for phase in ("idle", "big unauthenticated body", "huge authenticated calls", "concurrent normal calls"):
            print(f"/health during {phase}: {sampler.summary(phase)}")
    finally:
        sampler.stop.set()
        watchdog.cancel()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
