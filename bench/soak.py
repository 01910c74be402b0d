"""Soak a running amity: many connections for a while, mixing good and hostile traffic.

    python3 bench/soak.py BASE_URL SERVER_PID [SECONDS=60] [CONNECTIONS=50]

Connections have fixed jobs, so the hostile ones cannot starve the good ones by chance:
- good: gallery queries and small SPARQL queries (about 70 % of the connections);
- heavy: cross products that run into the deadline (2 connections);
- malformed: syntax errors, nesting far past the limit, unknown formats, conflicting format
  parameters, bad percent-encoding, wrong methods (about 20 %);
- oversized: bodies past the body cap (1 connection);
- slow: clients that send their headers a byte at a time and never finish (3 connections).

Prints the statuses of each kind, socket errors, p50/p99 latency of the good requests and the
server's peak RSS (VmHWM). Exits 1 if the server died or any good request failed.
"""

import http.client
import os
import random
import socket
import sys
import threading
import time
import urllib.parse
from collections import Counter

BASE = sys.argv[1].rstrip("/")
PID = int(sys.argv[2])
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
CONNECTIONS = int(sys.argv[4]) if len(sys.argv) > 4 else 50
HOST, PORT = urllib.parse.urlsplit(BASE).hostname, urllib.parse.urlsplit(BASE).port

GALLERY = [
    "/queries/partners-since",
    "/queries/agreements-signed",
    "/queries/ties-and-anniversaries",
    "/queries/events-abroad",
    "/queries/hk-macao-taiwan",
    "/queries/project-progress",
    "/queries/timeline",
    "/queries/place-profile?place=place/minsk",
]
SMALL = [
    "SELECT ?l WHERE { <https://w3id.org/amity/id/place/minsk> <http://www.w3.org/2000/01/rdf-schema#label> ?l }",
    "ASK { ?s a <https://w3id.org/amity/ns#FriendshipTie> }",
]
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = [
    ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p }"), None, {}),
    ("POST", "/sparql", "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
     {"Content-Type": "application/sparql-query"}),
    ("GET", "/sparql?query=ASK%7B%7D&format=nonsense", None, {}),
    ("GET", "/sparql?query=ASK%7B%7D&format=csv&output=json", None, {}),
    ("GET", "/sparql?query=%FF%FE", None, {}),
    ("DELETE", "/sparql", None, {}),
    ("POST", "/sparql", "INSERT DATA { <urn:a> <urn:b> 1 }", {"Content-Type": "application/sparql-update"}),
    ("GET", "/queries/no-such-query", None, {}),
    ("PUT", "/store?graph=urn:x:g", "<urn:a> <urn:b> 1 .", {"Content-Type": "text/turtle"}),
    ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }"), None, {}),
]

lock = threading.Lock()
statuses = {k: Counter() for k in ("good", "heavy", "malformed", "oversized", "slow")}
errors = Counter()
good_latencies = []
good_failures = []
stop_at = time.monotonic() + SECONDS


def record(kind, status):
    with lock:
        statuses[kind][status] += 1


def connection():
    return http.client.HTTPConnection(HOST, PORT, timeout=60)


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    r.read()
    return r.status


def worker(kind, seed):
    rnd = random.Random(seed)
    conn = connection()
    while time.monotonic() < stop_at:
        try:
            if kind == "good":
                if rnd.random() < 0.7:
                    path = rnd.choice(GALLERY)
                else:
                    path = "/sparql?query=" + urllib.parse.quote(rnd.choice(SMALL))
                t = time.perf_counter()
                status = request(conn, "GET", path, headers={"Accept": "application/sparql-results+json"})
                elapsed = time.perf_counter() - t
                record(kind, status)
                with lock:
                    good_latencies.append(elapsed)
                    if not 200 <= status < 300:
                        good_failures.append((path, status))
            elif kind == "heavy":
                record(kind, request(conn, "POST", "/sparql", HEAVY, {"Content-Type": "application/sparql-query"}))
            elif kind == "malformed":
                method, path, body, headers = rnd.choice(MALFORMED)
                record(kind, request(conn, method, path, body, headers))
            elif kind == "oversized":
                body = "SELECT * WHERE { " + "?s ?p ?o . " * 200_000 + "}"
                record(kind, request(conn, "POST", "/sparql", body, {"Content-Type": "application/sparql-query"}))
                conn.close()
                conn = connection()
            elif kind == "slow":
                s = socket.create_connection((HOST, PORT), timeout=30)
                started = time.monotonic()
                try:
                    for ch in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nX-Slow: ":
                        s.send(bytes([ch]))
                        time.sleep(0.05)
                    while time.monotonic() < stop_at:
                        s.send(b"a")
                        time.sleep(0.5)
                        if time.monotonic() - started > 30:
                            break
                    # Past 30 s the header timeout failed; otherwise the run ended first.
                    if time.monotonic() - started > 30:
                        record(kind, "never cut (30 s)")
                    else:
                        record(kind, "open when the run ended")
                except (BrokenPipeError, ConnectionResetError):
                    record(kind, f"cut after {round(time.monotonic() - started)} s")
                finally:
                    s.close()
        except (ConnectionError, socket.timeout, http.client.HTTPException, OSError) as e:
            with lock:
                errors[f"{kind}: {type(e).__name__}"] += 1
                if kind == "good":
                    good_failures.append(("socket", type(e).__name__))
            conn.close()
            conn = connection()
    conn.close()


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def peak_rss_mib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return float("nan")
    return float("nan")


def main():
    jobs = ["heavy"] * 2 + ["oversized"] + ["slow"] * 3
    malformed = max(1, CONNECTIONS // 5)
    jobs += ["malformed"] * malformed
    jobs += ["good"] * (CONNECTIONS - len(jobs))
    threads = [threading.Thread(target=worker, args=(k, i), daemon=True) for i, k in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 90)
    died = not alive(PID)
    print(f"soak: {SECONDS:.0f} s, {len(jobs)} connections ({Counter(jobs)})")
    for kind, counts in statuses.items():
        print(f"  {kind:9} " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str)))
    print("  socket errors: " + (", ".join(f"{k}: {v}" for k, v in errors.items()) or "none"))
    lat = sorted(good_latencies)
    if lat:
        p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
        print(f"  good requests: {len(lat)}, p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms")
    print(f"  server peak RSS (VmHWM): {peak_rss_mib(PID):.0f} MiB")
    if died:
        print("FAIL: the server process died")
    if good_failures:
        print(f"FAIL: {len(good_failures)} good requests failed, e.g. {good_failures[:5]}")
    sys.exit(1 if died or good_failures else 0)


if __name__ == "__main__":
    main()
