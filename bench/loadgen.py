"""A small closed-loop HTTP load generator: N keep-alive connections for a fixed time.

Used by bench/load.sh when wrk is not installed, and by bench/faults.py (which passes a
`check` callback to look inside each response). Only talks to 127.0.0.1.

    .venv/bin/python bench/loadgen.py --port 8000 -c 32 -d 10 -H 'Accept-Encoding: gzip' /
    ... --machine   # one line for scripts: requests rps p50_ms p99_ms errors

Each connection is one thread with one http.client.HTTPConnection (HTTP/1.1). When the server
answers `Connection: close` (gunicorn's sync workers always do), http.client reopens the
connection for the next request, so that reconnect is counted in the latency, as for wrk.
"""

import argparse
import http.client
import threading
import time
from dataclasses import dataclass, field

HOST = "127.0.0.1"
MAX_REQUESTS_PER_CONNECTION = 2_000_000  # a count bound besides the time bound


@dataclass
class Stats:
    latencies: list = field(default_factory=list)  # seconds, successful or not
    requests: int = 0
    errors: int = 0  # connection errors and status outside 2xx/3xx
    check_failures: int = 0  # responses the caller's check rejected
    error_samples: list = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def note_error(self, message: str) -> None:
        with self.lock:
            if len(self.error_samples) < 5:
                self.error_samples.append(message)


def _worker(port, paths, offset, headers, deadline, stop, stats, check, timeout):
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    latencies, requests, errors, check_failures = [], 0, 0, 0
    i = offset  # connections start at different paths so a mix is spread from the start
    try:
        while requests < MAX_REQUESTS_PER_CONNECTION and not stop.is_set():
            if time.monotonic() >= deadline:
                break
            path = paths() if callable(paths) else paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                # putrequest instead of request(): send exactly `headers`, without the
                # `Accept-Encoding: identity` http.client would otherwise add.
                conn.putrequest("GET", path, skip_accept_encoding=True)
                for name, value in headers:
                    conn.putheader(name, value)
                conn.endheaders()
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                latencies.append(time.perf_counter() - start)
                requests += 1
                errors += 1
                stats.note_error(f"{path}: {type(exc).__name__}: {exc}")
                conn.close()  # start the next request on a fresh connection
                continue
            latencies.append(time.perf_counter() - start)
            requests += 1
            if not 200 <= status < 400:
                errors += 1
                stats.note_error(f"{path}: HTTP {status}")
            elif check is not None:
                problem = check(path, body)
                if problem:
                    check_failures += 1
                    stats.note_error(f"{path}: {problem}")
    finally:
        conn.close()
        with stats.lock:
            stats.latencies.extend(latencies)
            stats.requests += requests
            stats.errors += errors
            stats.check_failures += check_failures


def run(
    port, paths, connections=32, duration=10.0, headers=(), check=None, stop=None, timeout=30.0
) -> Stats:
    """Drive `paths` (cycled) over `connections` connections for `duration` seconds.

    `paths` may instead be a function that returns the next path (for unique query strings).
    `check(path, body)` returns None for a good response or a short description of the
    problem. `stop` (a threading.Event) ends the run early.
    """
    stats, stop = Stats(), stop or threading.Event()
    start = time.monotonic()
    deadline = start + duration
    threads = [
        threading.Thread(
            target=_worker,
            args=(
                port,
                paths if callable(paths) else list(paths),
                n,
                list(headers),
                deadline,
                stop,
                stats,
                check,
                timeout,
            ),
            daemon=True,
        )
        for n in range(connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        # A request still in flight at the deadline may take up to `timeout` to end.
        t.join(timeout=duration + timeout + 5)
    stats.elapsed = time.monotonic() - start
    return stats


def summary(stats: Stats) -> str:
    return (
        f"{stats.requests} requests in {stats.elapsed:.1f} s: {stats.rps:.1f} req/s, "
        f"p50 {stats.percentile(50):.2f} ms, p99 {stats.percentile(99):.2f} ms, "
        f"{stats.errors} errors"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="paths on 127.0.0.1, e.g. / (cycled)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("-c", "--connections", type=int, default=32)
    parser.add_argument("-d", "--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("-H", "--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--machine", action="store_true", help="print one line for scripts")
    args = parser.parse_args()
    headers = [tuple(part.strip() for part in h.split(":", 1)) for h in args.header]
    stats = run(args.port, args.paths, args.connections, args.duration, headers)
    if args.machine:
        print(
            f"{stats.requests} {stats.rps:.1f} {stats.percentile(50):.2f} "
            f"{stats.percentile(99):.2f} {stats.errors}"
        )
    else:
        print(summary(stats))
        for sample in stats.error_samples:
            print("  e.g.", sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
