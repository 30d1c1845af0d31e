"""bench/results/serve.md: `assay serve` under load beside in-process `nlp.pipe`, and
`assay extract --engine ray` beside the single process. Made from records only
(`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, named


def client(r: dict) -> str:
    """Who sent the requests, and the CPU it took from the server's two cores."""
    top = r["levels"][-1]
    if "client_cpu_ms_per_request" not in top:  # the first record: httpx
        return "asyncio and httpx in another process on the same two cores."
    return ("asyncio streams, one keep-alive connection a client, in another process on the "
            f"same two cores; at {top['clients']} clients it took "
            f"{top['client_cpu_ms_per_request']} ms of CPU a request, and the server "
            f"{top['server_cores_used']} cores.")


def workers(r: dict) -> str:
    """How the model ran the batches."""
    batches = r["server_batches"]
    if "workers" not in batches:  # the records before --workers: one thread, two torch threads
        return ("The model ran one batch at a time and was busy about all the time under 32 "
                "clients (`GET /health` counts its seconds); what `nlp.pipe` over all the texts "
                "has that the service has not is length-sorted batches drawn from 256 documents "
                "at a time, where 32 one-text clients offer at most 32.")
    return (f"The model ran on {batches['workers']} workers (`--workers`: by default one a CPU "
            "core, each with one PyTorch thread), sharing what was queued: a batch of a few "
            "sentences gives PyTorch's own threads little to share, two batches at once keep "
            "both cores busy.")


def load(record: Record) -> list[str]:
    r = record.results
    base, e = r["in_process"], r["endurance"]
    lines = ["## `assay serve` under load", "",
             f"Model `{r['model']}`; texts: the {r['distinct_texts']} sentences of "
             f"`{r['texts_file']}`, one a request, in turn. Server: `{r['server_command']}` "
             f"(its own process, on 127.0.0.1; up in {r['server_start_s']} s). Client: "
             + client(r) + " In-process, on the same "
             f"first {base['texts']} texts, warm, measured before and after the server (this "
             "shared machine's speed drifts; the reference is the mean): `nlp.pipe` over all of "
             f"them **{base['texts_per_s']} texts/s** (before {base['before']['texts_per_s']}, "
             f"after {base['after']['texts_per_s']}); over them 32 at a time, in the server's "
             f"model batches, {base['texts_per_s_32_at_a_time']} texts/s.", "",
             "| concurrent clients | requests | texts/s | share of nlp.pipe | p50 ms | "
             "p95 ms | p99 ms | failed |", "|---|---|---|---|---|---|---|---|"]
    for level in r["levels"]:
        lines.append(f"| {level['clients']} | {level['requests']} | {level['texts_per_s']} | "
                     f"{level['texts_per_s'] / base['texts_per_s']:.2f} | {level['p50_ms']} | "
                     f"{level['p95_ms']} | {level['p99_ms']} | "
                     f"{level['outcomes']['unexpected']} |")
    target = r["ratio_32_clients_to_in_process"]
    o = e["outcomes"]
    lines += ["", f"At 32 clients the service reaches **{target:.2f} ×** in-process "
              f"throughput (the aim: at least 0.7 ×: {'met' if target >= 0.7 else 'not met'}), "
              f"and {r['ratio_32_clients_to_in_process_32_at_a_time']:.2f} × `nlp.pipe` fed 32 "
              "texts at a time. " + workers(r),
              "", f"Endurance: {e['requests']} requests from 32 clients in {e['seconds']} s "
              f"({e['texts_per_s']} texts/s; p50 {e['p50_ms']} ms, p99 {e['p99_ms']} ms). Over "
              f"the limits, mixed in: {o['over_422']} texts over `--max-chars` answered 422 and "
              f"{o['over_413']} bodies over `--max-body-bytes` answered 413, each with its JSON "
              f"error; **{o['unexpected']} requests failed or got another status**"
              + (f" ({'; '.join(e['unexpected'])})" if e["unexpected"] else "") + ". "
              f"Server memory (RSS): {e['rss_mb_started']} MB when up, "
              f"{e['rss_mb_after_1000']} MB after the first 1,000 requests, {e['rss_mb_end']} MB "
              f"after all {e['requests']} (growth after warm-up: "
              f"{e['rss_mb_end'] - e['rss_mb_after_1000']:+.1f} MB)"
              + (f"; after each 1,000: {', '.join(str(m) for m in e['rss_mb_every_1000'])} MB"
                 if "rss_mb_every_1000" in e else "") + ". The server ran "
              f"{r['server_batches']['documents']} texts in {r['server_batches']['batches']} "
              "batches in all: concurrent requests share batches.", "", record.made(), ""]
    return lines


def scale(record: Record) -> list[str]:
    r = record.results
    lines = ["## `assay extract --engine ray` beside one process", "",
             f"{r['documents']} documents (sentences of `{r['texts_file']}`, as JSON lines), "
             f"model `{r['model']}`; each command timed from start to end as a user runs it "
             "(model loading, and starting a local Ray, included). Ray: a local Ray on this "
             f"machine's CPUs, one actor a CPU with one thread each, shards of "
             f"{r['shard_size']} documents ({r['shards']} shards).", "",
             "| engine | seconds | documents/s |", "|---|---|---|",
             f"| single process (`--engine local`) | {r['single']['seconds']} | "
             f"{r['single']['documents_per_s']} |",
             f"| Ray | {r['ray']['seconds']} | {r['ray']['documents_per_s']} |",
             f"| Ray again, every shard already written | {r['ray']['rerun_all_written_seconds']}"
             " | – |", "",
             f"Ray's overhead on one machine: {r['ray_overhead_seconds']:+.1f} s "
             f"({r['ray_to_single_time']:.2f} × the single process's time). Output: "
             + ("the shards, read in order, are **byte for byte the single process's output** "
                f"({r['identical_documents']} of {r['documents']} documents)."
                if r["byte_identical"] else
                f"{r['differing_documents']} documents differ from the single process's "
                f"output; without their scores, {r['differing_documents_without_scores']} "
                f"(largest score difference {r['largest_score_difference']:.2e})."),
             "", "Commands: " + "; ".join(f"`{c}`" for c in r["commands"]) + ".", "",
             record.made(), ""]
    return lines


def serve() -> str:
    lines = ["# Serving and scaling out", "",
             "Made by `bench/report.py` from the records in `bench/results/records/serve/`. "
             "The page's browser test (`tests/server/test_page.py`, headless Chromium) saved "
             "`serve_page.png` and `serve_page_phone.png` here.", ""]
    for record in named("serve-load"):
        lines += load(record)
    for record in named("ray-scale"):
        lines += scale(record)
    return "\n".join(lines)
