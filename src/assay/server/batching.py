"""Concurrent requests' documents gathered into batches on one model.

Each model has `workers` threads, each running one batch at a time (on a CPU, two threads of
one torch thread each run small batches far faster than one thread of two: PyTorch's own
threads find little to share in a batch of a few sentences). Batches with other label settings
never run at once. A request puts its documents in the model's queue and waits; while the
workers run their batches the queue fills, and when one is free it takes everything queued
(a request that finds one idle waits `wait_ms` for company). Documents that share their label
settings go to the model together, up to `max_batch` of them, in model batches of like length
(`model_batch`).
"""
from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count

from assay.doc import Document
from assay.pipeline import Pipeline

#: a request's label settings: (labels, descriptions) as hashable tuples, or None for the model's
Labels = tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None


UNSET = object()  # `current` while labels are being changed


class LabelsRefused(ValueError):
    """A request's labels that the model cannot take (too many, too long): a 422."""


@dataclass
class Job:
    documents: list[Document]
    labels: Labels
    done: asyncio.Future = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Batcher:
    """The queue in front of one model (`nlp`); `extract` is what a request awaits."""

    def __init__(self, nlp: Pipeline, wait_ms: float = 5.0, max_batch: int = 64,
                 workers: int = 1):
        self.nlp = nlp
        self.wait = wait_ms / 1000
        self.max_batch = max_batch
        self.workers = workers
        self.prompted = [e for e in nlp.extractors if e.family.takes_labels]
        self.defaults = [(list(e.labels), None) for e in self.prompted]
        self.current: Labels | object = None
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assay-model")
        self.turn = threading.Condition()  # label settings change only with no batch running
        self.active = 0  # batches on the model now
        self.pending = 0  # batches waiting for them to end, to switch label settings
        self.ids = count(1)
        self.task: asyncio.Task | None = None
        self.running: set[asyncio.Task] = set()  # batches on the model (a reference each)
        self.batches = 0  # batches run, the documents in them, and the model's seconds on them
        self.documents = 0  # (GET /health)
        self.busy = 0.0

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._gather())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        self.pool.shutdown(wait=True, cancel_futures=True)

    async def extract(self, documents: list[Document], labels: Labels = None) -> list[Document]:
        """The documents annotated by the model, in order, their ids kept."""
        job = Job(documents, labels)
        await self.queue.put(job)
        return await job.done

    @property
    def waiting(self) -> int:
        return self.queue.qsize()

    async def _gather(self) -> None:
        """Batches on the model's workers, the next gathered while they run: when a worker is
        free again it starts at once on everything that came meanwhile, shared with the other
        workers that are free too. Only a request that finds a worker idle waits for company:
        `wait` after each arrival, 4 × `wait` at most."""
        loop = asyncio.get_running_loop()
        free = asyncio.Semaphore(self.workers)
        carried: Job | None = None  # taken from the queue, but it would have overfilled a batch
        while True:
            jobs = [carried or await self.queue.get()]
            carried = None
            idle = not free.locked()
            await free.acquire()
            cap = loop.time() + 4 * self.wait
            size = len(jobs[0].documents)
            while size < self.max_batch:
                if not self.queue.empty():
                    job = self.queue.get_nowait()
                elif not idle:
                    break
                else:
                    try:
                        job = await asyncio.wait_for(
                            self.queue.get(), max(0.0, min(self.wait, cap - loop.time())))
                    except asyncio.TimeoutError:
                        break
                if size + len(job.documents) > self.max_batch:
                    carried = job
                    break
                jobs.append(job)
                size += len(job.documents)
            workers = 1  # and the others that are idle too, one job each at least
            while workers < len(jobs) and not free.locked():
                await free.acquire()
                workers += 1
            shares = split(jobs, workers)
            for _ in range(workers - len(shares)):  # a share left empty by a large job
                free.release()
            for share in shares:
                task = loop.create_task(self._dispatch(share, free))
                self.running.add(task)
                task.add_done_callback(self.running.discard)

    async def _dispatch(self, jobs: list[Job], free: asyncio.Semaphore) -> None:
        """Run one gathered batch on the model (a `pipe` for each label setting in it), give
        each request its documents or the error, and free the model."""
        loop = asyncio.get_running_loop()
        try:
            jobs = [j for j in jobs if not j.done.done()]  # timed out or gone while queued
            for labels in dict.fromkeys(j.labels for j in jobs):
                group = [j for j in jobs if j.labels == labels]
                try:
                    results = await loop.run_in_executor(self.pool, self._run, group, labels)
                except Exception as err:  # the requests get the error; the service goes on
                    for job in group:
                        if not job.done.done():
                            job.done.set_exception(err)
                    continue
                for job, docs in zip(group, results):
                    if not job.done.done():
                        job.done.set_result(docs)
        finally:
            free.release()

    def _run(self, jobs: list[Job], labels: Labels) -> list[list[Document]]:
        """In a model thread: one `pipe` over every job's documents, once no batch with other
        label settings runs."""
        with self.turn:
            waiting = False  # counted in `pending`: batches with label settings to switch to
            while self.active and (labels != self.current or self.pending - waiting):
                if not waiting and labels != self.current:
                    self.pending, waiting = self.pending + 1, True
                self.turn.wait()  # (a switch waiting holds back new batches of the current)
            self.pending -= waiting
            if labels != self.current:
                self._use(labels)
            self.active += 1
        try:
            return self._pipe(jobs)
        finally:
            with self.turn:
                self.active -= 1
                self.turn.notify_all()

    def _use(self, labels: Labels) -> None:
        """The prompted extractors set to a request's labels (no batch is running)."""
        self.current = UNSET  # until every extractor has taken them
        try:
            for extractor, default in zip(self.prompted, self.defaults):
                wanted, glosses = (list(labels[0]), dict(labels[1])) if labels else default
                extractor.use_labels(wanted, glosses)
        except ValueError as err:  # too many or too long for the model: back to its own
            for extractor, (wanted, glosses) in zip(self.prompted, self.defaults):
                extractor.use_labels(wanted, glosses)
            self.current = None
            raise LabelsRefused(str(err)) from None
        self.current = labels

    def _pipe(self, jobs: list[Job]) -> list[list[Document]]:
        # ids unique within the batch (two requests may both send `text-1`), given back after
        batch, given = [], []
        for job in jobs:
            for doc in job.documents:
                given.append(doc.id)
                doc.id = f"batch-{next(self.ids)}"
                batch.append(doc)
        began = time.perf_counter()
        out = list(self.nlp.pipe(batch, batch_size=model_batch(len(batch))))
        with self.turn:
            self.busy += time.perf_counter() - began
            self.batches += 1
            self.documents += len(out)
        for doc, name in zip(out, given):
            doc.id = name
        results, at = [], 0
        for job in jobs:
            results.append(out[at:at + len(job.documents)])
            at += len(job.documents)
        return results


def split(jobs: list[Job], parts: int) -> list[list[Job]]:
    """The jobs in `parts` runs of about as many documents each, in order."""
    total = sum(len(j.documents) for j in jobs) or 1  # requests of no texts: shared by count
    shares: list[list[Job]] = [[] for _ in range(parts)]
    done = 0
    for k, job in enumerate(jobs):
        # the share this job's middle falls in, but never leaving a later share empty
        at = min(int((done + len(job.documents) / 2) * parts / total), parts - 1)
        at = max(at, parts - (len(jobs) - k))
        shares[at].append(job)
        done += len(job.documents)
    return [share for share in shares if share]


def model_batch(documents: int) -> int:
    """Windows a model batch for a gathered batch of `documents`: a quarter of them, 4 to 32.
    `predict` sorts what it is given by length before it cuts batches, so several small
    batches of like length pad far less than one of every length (on SOMD sentences, 32
    documents run 1.9 × as fast in batches of 8 as in one of 32)."""
    return max(4, min(32, documents // 4))


def labels_key(labels: list[str] | None, descriptions: dict[str, str] | None) -> Labels:
    """A request's label settings as a batching key: requests with equal keys share a batch."""
    if labels is None:
        return None
    return tuple(labels), tuple(sorted((descriptions or {}).items()))
