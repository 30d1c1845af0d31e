"""Runs that branch from another (`branch = {of = "OTHER", after = K}` in
bench/experiments.toml): the two share OTHER's first K epochs, so while the runner trains OTHER
it copies OTHER's folder after epoch K (`copy_at_epoch`), and the branch resumes from that copy
once it is checked to be one (`check_start`)."""
from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

from assay.training.trainer import STATE


def log_lines(folder: Path) -> list[str]:
    log = folder / "log.jsonl"
    return log.read_text().splitlines() if log.exists() else []


def _at_epoch(source: Path, epoch: int) -> tuple[int, int] | None:
    """The checkpoint's (mtime, size) when `source` stands whole at `epoch`: its log has that many
    lines, the checkpoint is newer than the log, and the selected model is from no later epoch
    (a run that died between saving epoch K+1's best model and logging it is not at K)."""
    state, metrics = source / STATE, source / "metrics.json"
    if len(log_lines(source)) != epoch or not state.exists():
        return None
    stat = state.stat()
    if stat.st_mtime_ns < (source / "log.jsonl").stat().st_mtime_ns:
        return None
    if metrics.exists() and json.loads(metrics.read_text()).get("epoch", 0) > epoch:
        return None
    return stat.st_mtime_ns, stat.st_size


def copy_at_epoch(source: Path, target: Path, epoch: int, finished: threading.Event,
                  poll: float = 2.0) -> bool:
    """Copy the run folder `source` to `target` once it stands whole at `epoch` (see
    `_at_epoch`), looking every `poll` seconds and once more after `finished` is set. The copy
    is made beside `target`, checked to have been taken while `source` stood still at `epoch`
    (else thrown away), then renamed. Whether `target` was made: not when it is there already
    (it is never replaced), when `source` was past `epoch` or ended first, or when copying
    failed (said, and nothing partial left)."""
    partial = target.with_name(target.name + ".copying")
    try:
        while True:
            done = finished.is_set()
            if target.exists():
                print(f"{target} is there already: not replaced by {source}'s epoch {epoch}")
                return False
            before = _at_epoch(source, epoch)
            if before:
                shutil.rmtree(partial, ignore_errors=True)
                shutil.copytree(source, partial)
                if _at_epoch(source, epoch) != before:
                    raise RuntimeError(f"{source} moved on while it was copied")
                os.replace(partial, target)
                print(f"copied {source} after epoch {epoch} to {target}")
                return True
            if len(log_lines(source)) > epoch or done:
                print(f"{source} never stood whole at epoch {epoch} while this ran: {target} "
                      "not made")
                return False
            finished.wait(poll)
    except Exception as error:  # a thread's exception would go unseen: say it, leave nothing
        shutil.rmtree(partial, ignore_errors=True)
        print(f"{target} not made: copying {source} after epoch {epoch} failed: {error}")
        return False


def check_start(output: Path, source: Path, epoch: int, remake: str) -> None:
    """Stop (SystemExit, saying what to do: `remake`) unless the branch folder `output` holds a
    checkpoint and its log begins with the `epoch` lines of `source`'s: a copy of that run."""
    if not (output / STATE).exists():
        raise SystemExit(f"{output} holds no checkpoint to go on from (a copy of {source} after "
                         f"epoch {epoch}): {remake}")
    theirs = log_lines(source)
    if len(theirs) < epoch or log_lines(output)[:epoch] != theirs[:epoch]:
        raise SystemExit(f"{output} does not begin with {source}'s first {epoch} epochs "
                         f"({source} is gone or was trained again): {remake}")
