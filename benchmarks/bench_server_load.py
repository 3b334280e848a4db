"""Bounded load test of the Office.js server (issues 16 and 23), on loopback only.

Starts ``sewerplan.xl_addin.server`` under uvicorn on 127.0.0.1 (a free port, with the
connection limits of :func:`sewerplan.xl_addin.server.uvicorn_options`) in a child process, with
secrets in its environment (access tokens, a pseudonym key) and a data folder, then runs these
phases while a sampler polls ``/health`` every 50 ms:

1. an unauthenticated 70 MB body (must be refused before it is read: 401);
2. an authenticated huge call: 1,000,000 cells (over the cell cap: 413), then the largest
   call the cap admits (400,000 cells of SEWER_CONVENTIONAL), which runs in the worker pool;
3. concurrent normal calls (8 clients x 25 calls, SEWER_CONVENTIONAL on 100 rows);
4. secrets (issue 23 finding 1): arguments that name environment variables, home folders and
   server files (``$SEWERPLAN_SERVER_TOKENS``, ``~/``, ``/etc/passwd``, ``../``), SEWER_MODEL_INFO,
   wrong argument counts; every response is searched for the secrets and the server's folders;
5. 200 slow-body clients (a valid token, then one byte a second) and 16 heavy calls
   (100,000 cells each) at once (finding 13): /health latency meanwhile, and how the slow clients end;
6. nested-JSON clients (finding 12): 8 clients x 5 bodies nested 100,000 deep, each must be a 400.

Prints the server's memory (resident, and peak from /proc), the /health latency during each
phase (target: p95 under 200 ms in phase 5), status counts and errors, and the number of secrets
found in any response (target: 0). Stops by itself (every request has a timeout, the whole run a
deadline of 240 s) and always stops the server. Linux (reads /proc for memory).

Run: .venv/bin/python benchmarks/bench_server_load.py
"""

from __future__ import annotations

import json
import os
import selectors
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
OTHER_TOKEN = "bench-other-team-token-" + "7" * 16  # a second team's token: must never be echoed
PSEUDONYM_KEY = "bench-pseudonym-key-9d4c1e7a5b3f2a68"  # in the server's environment only
DEADLINE_S = 240.0
SLOW_BODY_TIMEOUT_S = 5  # the server's SEWERPLAN_SERVER_BODY_TIMEOUT_S for this run (default 10 s)
SERVER = """
import sys, uvicorn
from sewerplan.xl_addin.server import ServerLimits, create_app, uvicorn_options
limits = ServerLimits.from_env()
app = create_app(tokens=[sys.argv[1], sys.argv[3]], limits=limits)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="critical", **uvicorn_options(limits))
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


def secret_texts(data_dir: str, home: str) -> list[str]:
    """What no response may contain: the tokens, the pseudonym key, the server's folders, a file's content."""
    return [TOKEN, OTHER_TOKEN, PSEUDONYM_KEY, data_dir, home, "root:x:0:0", "bench-secret-cell"]


def phase_secrets(client: httpx.Client, data_dir: str, home: str) -> tuple[str, list[str]]:
    """Calls that try to read secrets or files through the arguments; (summary, responses with a secret)."""
    probes = ["$SEWERPLAN_SERVER_TOKENS", "${SEWERPLAN_PSEUDONYM_KEY}", "%SEWERPLAN_SERVER_TOKENS%", "$PATH", "$HOME",
              "~/.bashrc", "/etc/passwd", "../../etc/passwd", f"{data_dir}/../secret.csv", "secret_cells.csv",
              "training_table.csv", "/proc/self/environ"]
    calls = [("SEWER_LOCAL_UNITLOADS", [[p]]) for p in probes]
    calls += [("SEWER_SCENARIO_CAPACITY", [["$SEWERPLAN_SERVER_TOKENS"]], [[2030]]), ("SEWER_MODEL_INFO",),
              ("SEWER_PEAK", [[1]], [[2]], [[3]], [[4]], [[5]]), ("SEWER_ML", [["a", "b"], ["c", "d"]])]
    statuses, leaks = Counter(), []
    for name, *args in calls:
        r = client.post(PATH, content=call_body(name, *args), headers={"Authorization": TOKEN,
                                                                       "Content-Type": "application/json"})
        statuses[r.status_code] += 1
        asked = json.dumps(args, ensure_ascii=False)  # the caller's own text echoed back is not a leak
        leaks += [f"{name}{args}: {s!r}" for s in secret_texts(data_dir, home) if s in r.text and s not in asked]
    return f"{len(calls)} secret-seeking calls: statuses {dict(statuses)}, secrets found in responses: {len(leaks)}", leaks


class SlowClients:
    """``n`` connections that send a valid head announcing a 100,000-byte body, then one byte a second."""

    def __init__(self, port: int, n: int = 200):
        self.port, self.n, self.ended = port, n, {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        sel = selectors.DefaultSelector()
        head = (f"POST {PATH} HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: {TOKEN}\r\n"
                "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").encode("latin-1")
        socks, started = [], time.perf_counter()
        for i in range(self.n):
            s = socket.create_connection((HOST, self.port), timeout=10)
            s.sendall(head + b"[")
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ, i)
            socks.append(s)
        while not self.stop.is_set() and len(self.ended) < self.n:
            for key, _ in sel.select(timeout=1.0):  # an answer (408) or a close ends a client
                data = b""
                try:
                    data = key.fileobj.recv(4096)
                except OSError:
                    pass
                status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else "closed"
                self.ended[key.data] = (status, time.perf_counter() - started)
                sel.unregister(key.fileobj)
            for i, s in enumerate(socks):  # one more byte a second from those still open
                if i not in self.ended:
                    try:
                        s.send(b"1")
                    except OSError:
                        self.ended[i] = ("reset", time.perf_counter() - started)
        for s in socks:
            s.close()

    def summary(self) -> str:
        statuses = Counter(str(v[0]) for v in self.ended.values())
        secs = sorted(v[1] for v in self.ended.values())
        when = f", ended after median {statistics.median(secs):.1f} s, max {secs[-1]:.1f} s" if secs else ""
        return f"{self.n} slow-body clients: {len(self.ended)} cut off {dict(statuses)}{when}"


def heavy_calls(base: str, heavy: int, rows: int, queue) -> None:
    """In a child process (so the client's own work does not delay this process's /health sampler):
    ``heavy`` concurrent calls of ``rows`` cells; puts (statuses, latencies [s], body size [bytes])."""
    body = call_body("SEWER_CONVENTIONAL", [[float(i % 300)] for i in range(rows)], [[2.6]])
    statuses, latencies = Counter(), []

    def one(_):
        t = time.perf_counter()
        try:
            with httpx.Client(base_url=base, timeout=120) as c:
                statuses[c.post(PATH, content=body, headers={"Authorization": TOKEN,
                                                             "Content-Type": "application/json"}).status_code] += 1
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
        latencies.append(time.perf_counter() - t)

    with ThreadPoolExecutor(heavy) as pool:
        list(pool.map(one, range(heavy)))
    queue.put((dict(statuses), latencies, len(body)))


def phase_slow_and_heavy(port: int, base: str, heavy: int = 16, rows: int = 100_000) -> list[str]:
    """200 slow-body clients (here) and 16 heavy calls (a child process) at once; how each ended."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    slow = SlowClients(port)
    slow.thread.start()
    time.sleep(1.0)  # every slow client connected and trickling
    child = ctx.Process(target=heavy_calls, args=(base, heavy, rows, queue), daemon=True)
    child.start()
    statuses, latencies, size = queue.get(timeout=150)
    child.join(timeout=10)
    slow.thread.join(timeout=SLOW_BODY_TIMEOUT_S * 4)
    slow.stop.set()
    return [f"{heavy} heavy calls ({rows:,} cells, {size / 1e6:.1f} MB each) at once: statuses {statuses}, "
            f"latency median {statistics.median(latencies):.1f} s, max {max(latencies):.1f} s", slow.summary()]


def phase_nested(client_factory, clients: int = 8, calls: int = 5) -> str:
    body = b'{"func_name": "SEWER_PEAK", "args": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    statuses = Counter()

    def work(_):
        with client_factory() as c:
            for _ in range(calls):
                try:
                    statuses[c.post(PATH, content=body, headers={"Authorization": TOKEN}).status_code] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    return f"{clients} nested-JSON clients x {calls} bodies (100,000 deep): statuses {dict(statuses)}"


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


def server_folders(tmp: str) -> tuple[dict, str, str]:
    """The server's environment (secrets, folders) and its data and home folders, under ``tmp``."""
    data, home = os.path.join(tmp, "data"), os.path.join(tmp, "home")
    os.makedirs(data)
    os.makedirs(home)
    rows = ["building_id,district,main_use,floor_area_m2,households,observed_m3_per_day"]
    rows += [f"B{i},D1,업무시설,{1000 + 100 * i},0,{2.0 + 0.1 * i}" for i in range(40)]
    with open(os.path.join(data, "training_table.csv"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(rows) + "\n")
    with open(os.path.join(data, "secret_cells.csv"), "w", encoding="utf-8") as fh:
        fh.write("building_id,district,main_use,floor_area_m2\nB1,D1,업무시설,bench-secret-cell\n")
    with open(os.path.join(tmp, "secret.csv"), "w", encoding="utf-8") as fh:
        fh.write("bench-secret-cell\n")
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial", "SEWERPLAN_SERVER_TOKENS": f"{TOKEN},{OTHER_TOKEN}",
           "SEWERPLAN_PSEUDONYM_KEY": PSEUDONYM_KEY, "SEWERPLAN_DATA_DIR": data, "HOME": home,
           "SEWERPLAN_SERVER_BODY_TIMEOUT_S": str(SLOW_BODY_TIMEOUT_S)}
    return env, data, home


def main() -> int:
    import tempfile

    port = free_port()
    base = f"http://{HOST}:{port}"
    tmp = tempfile.mkdtemp(prefix="sewerplan-bench-")
    env, data_dir, home = server_folders(tmp)
    proc = subprocess.Popen([sys.executable, "-c", SERVER, TOKEN, str(port), OTHER_TOKEN], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watchdog = threading.Timer(DEADLINE_S, proc.kill)  # the run stops by itself
    watchdog.start()
    sampler = HealthSampler(base)
    try:
        wait_ready(base, proc)
        print(f"server pid {proc.pid} on {base}; memory at start {memory_mb(proc.pid)[0]:.0f} MB")
        sampler.thread.start()
        time.sleep(0.5)
        run_phases(port, base, proc, sampler, data_dir, home)
    finally:
        sampler.stop.set()
        watchdog.cancel()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return 0


PHASES = ("idle", "big unauthenticated body", "huge authenticated calls", "concurrent normal calls",
          "secret-seeking calls", "200 slow clients + 16 heavy calls", "nested-JSON clients")


def run_phases(port: int, base: str, proc, sampler: HealthSampler, data_dir: str, home: str) -> None:
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
    sampler.phase = "secret-seeking calls"
    with httpx.Client(base_url=base, timeout=60) as c:
        line, leaks = phase_secrets(c, data_dir, home)
    print(line)
    for leak in leaks:
        print("  LEAK:", leak)
    sampler.phase = "200 slow clients + 16 heavy calls"
    for line in phase_slow_and_heavy(port, base):
        print(line, f"| memory {memory_mb(proc.pid)[0]:.0f} MB")
    sampler.phase = "nested-JSON clients"
    print(phase_nested(lambda: httpx.Client(base_url=base, timeout=60)))
    sampler.stop.set()
    sampler.thread.join(timeout=5)
    rss, peak = memory_mb(proc.pid)
    print(f"server memory: now {rss:.0f} MB, peak {peak:.0f} MB; machine load average (1 min) "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for phase in PHASES:
        print(f"/health during {phase}: {sampler.summary(phase)}")


if __name__ == "__main__":
    sys.exit(main())
