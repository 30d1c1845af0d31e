"""A load test of `assay serve` on 127.0.0.1, beside in-process `nlp.pipe` on the same texts.

In-process first: `nlp.pipe` over the texts (warmed up, then timed), all at once and 32 at a
time; again after the server has gone, and the mean of the two is the reference. The server is
started as a user starts it (`python -m assay serve --model M ...`, its own process) and an
asyncio client (a keep-alive connection a client, on asyncio streams: `Connection`) sends one
text a request from 1, 8 and 32 concurrent clients: requests a second, p50 / p95 / p99 latency,
and the CPU the client and the server took, at each. Last, 10,000 requests from 32 clients with
requests over the limits mixed in (every 50th a text over --max-chars: 422; every 500th a
body over --max-body-bytes: 413): each must get its status, nothing else may fail, and the
server's resident memory is read after every 1,000 of them.

Run through the runner, nothing else busy on the machine (bench/experiments.toml: serve-load):
    .venv/bin/python bench/run.py serve-load
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from itertools import cycle, islice
from pathlib import Path

import httpx

from assay.doc import Document
from assay.pipeline import load

LEVELS = {1: 200, 8: 1000, 32: 2000}  # concurrent clients: requests sent


def in_process(model: str, texts: list[str]) -> dict:
    """`nlp.pipe` over all the texts at once (what a user runs in a script), and over them 32
    at a time in the server's model batches (what 32 one-text clients can offer a batch)."""
    from assay.server.batching import model_batch

    nlp = load(model)
    list(nlp.pipe([Document(id=f"w{i}", text=t) for i, t in enumerate(texts[:256])]))

    def rate(chunk: int, batch_size: int | None) -> float:
        start = time.perf_counter()
        for at in range(0, len(texts), chunk):
            list(nlp.pipe([Document(id=f"t{i}", text=t) for i, t in
                           enumerate(texts[at:at + chunk])], batch_size=batch_size))
        return round(len(texts) / (time.perf_counter() - start), 1)

    return {"texts": len(texts), "texts_per_s": rate(len(texts), None),
            "texts_per_s_32_at_a_time": rate(32, model_batch(32))}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """A process's CPU time so far, user and system (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


class Connection:
    """One keep-alive HTTP/1.1 connection to the server, on asyncio streams. A load generator
    on the same two cores as the server takes CPU from it: httpx costs about 4.6 ms of CPU a
    request, this about a tenth of that, so the figures are the server's, not the client's."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json"
                          b"\r\nContent-Length: %d\r\n\r\n%s" % (
                              path.encode(), self.host.encode(), len(body), body))
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {name.lower(): value for name, value in
                   (line.split(": ", 1) for line in lines[1:] if ": " in line)}
        answer = await self.reader.readexactly(int(headers["content-length"]))
        if headers.get("connection", "").lower() == "close":
            await self.close()  # the server ends the connection after a refused body
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await asyncio.gather(self.writer.wait_closed(), return_exceptions=True)
            self.reader = self.writer = None


async def load_level(url: str, texts: list[str], clients: int, requests: int,
                     over_chars: int | None = None, over_bytes: int | None = None,
                     every: int | None = None, at_every=None) -> dict:
    """`requests` requests from `clients` concurrent clients, a connection each; with
    `over_chars`/`over_bytes`, every 50th / 500th request is over the limit and must get
    422 / 413."""
    host, port = url.removeprefix("http://").split(":")
    jobs = iter(enumerate(islice(cycle(texts), requests)))
    latencies: list[float] = []
    outcomes = {"ok": 0, "over_422": 0, "over_413": 0, "unexpected": 0}
    unexpected: list[str] = []
    sent = {"n": 0, "marks": []}

    async def client() -> None:
        connection = Connection(host, int(port))
        for i, text in jobs:
            expect = 200
            if over_bytes and i % 500 == 499:
                body, expect = json.dumps({"text": "x" * (over_bytes + 1)}), 413
            elif over_chars and i % 50 == 49:
                body, expect = json.dumps({"text": "y" * (over_chars + 1)}), 422
            else:
                body = json.dumps({"text": text})
            began = time.perf_counter()
            try:
                status, answer = await asyncio.wait_for(
                    connection.post("/extract", body.encode()), 120)
                ok = status == expect
                if ok and expect == 200:
                    ok = len(json.loads(answer)["documents"]) == 1
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError,
                    ValueError) as err:
                status, ok = repr(err), False
                await connection.close()
            if expect == 200 and ok:
                latencies.append(time.perf_counter() - began)
            key = {200: "ok", 422: "over_422", 413: "over_413"}[expect] if ok else "unexpected"
            outcomes[key] += 1
            if not ok and len(unexpected) < 10:
                unexpected.append(f"request {i}: expected {expect}, got {status}")
            sent["n"] += 1
            if every and sent["n"] % every == 0:
                sent["marks"].append(at_every())
        await connection.close()

    start, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"clients": clients, "requests": requests, "seconds": round(seconds, 2),
            "client_cpu_ms_per_request": round(1000 * cpu / requests, 2),
            "texts_per_s": round(outcomes["ok"] / seconds, 1),
            "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
            "p99_ms": percentile(latencies, 99), "outcomes": outcomes,
            "unexpected": unexpected, "marks": sent["marks"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="software")
    parser.add_argument("--texts", default="../shared/datasets/somd2025/train_texts.txt",
                        help="one text a line")
    parser.add_argument("--max-chars", type=int, default=20000)
    parser.add_argument("--max-body-bytes", type=int, default=200000)
    parser.add_argument("--endurance", type=int, default=10000)
    parser.add_argument("--share", type=float, default=1.0, help="send this share of the "
                        "requests (0.05: a quick check of the script, not a measurement)")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    for clients in LEVELS:
        LEVELS[clients] = max(clients, int(LEVELS[clients] * args.share))
    texts = [t for t in Path(args.texts).read_text(encoding="utf-8").splitlines() if t.strip()]
    same = list(islice(cycle(texts), LEVELS[32]))
    before = in_process(args.model, same)
    port = free_port()
    command = [sys.executable, "-m", "assay", "serve", "--model", args.model, "--port",
               str(port), "--max-chars", str(args.max_chars), "--max-body-bytes",
               str(args.max_body_bytes)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        began = time.perf_counter()
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.perf_counter() - began > 300:
                raise SystemExit(f"the server did not start ({' '.join(command)})")
            time.sleep(0.5)
        started_s = round(time.perf_counter() - began, 1)
        rss_started = rss_mb(server.pid)
        levels = []
        for clients, requests in LEVELS.items():
            began = cpu_seconds(server.pid)
            levels.append(asyncio.run(load_level(url, texts, clients, requests)))
            levels[-1]["server_cores_used"] = round(
                (cpu_seconds(server.pid) - began) / levels[-1]["seconds"], 2)
        endurance = asyncio.run(load_level(
            url, texts, 32, max(1000, int(args.endurance * args.share)), args.max_chars,
            args.max_body_bytes,
            every=1000, at_every=lambda: rss_mb(server.pid)))
        rss_end = rss_mb(server.pid)
        health = httpx.get(url + "/health").json()
    finally:
        server.terminate()
        server.wait(30)
    # the machine's speed drifts (a shared VM): in-process is measured before and after the
    # server, and the ratio is to their mean
    after = in_process(args.model, same)
    baseline = {"texts": len(same), "before": before, "after": after, **{
        key: round((before[key] + after[key]) / 2, 1)
        for key in ("texts_per_s", "texts_per_s_32_at_a_time")}}
    rss_every_1000 = endurance.pop("marks")
    for level in levels:
        del level["marks"]
    top = next(level for level in levels if level["clients"] == 32)
    results = {
        "model": args.model, "texts_file": args.texts, "distinct_texts": len(texts),
        "server_command": " ".join(["python", *command[1:]]), "server_start_s": started_s,
        "in_process": baseline, "levels": levels,
        "ratio_32_clients_to_in_process": round(top["texts_per_s"] / baseline["texts_per_s"], 3),
        "ratio_32_clients_to_in_process_32_at_a_time": round(
            top["texts_per_s"] / baseline["texts_per_s_32_at_a_time"], 3),
        "endurance": {**endurance, "rss_mb_started": rss_started,
                      "rss_mb_after_1000": rss_every_1000[0], "rss_mb_every_1000": rss_every_1000,
                      "rss_mb_end": rss_end},
        "server_batches": health["batches"][args.model],
    }
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("in_process", "ratio_32_clients_to_in_process")}))


if __name__ == "__main__":
    main()
