"""bench/branches.py: the copy of a training run's folder that a branch run goes on from."""
import json
import os
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def branches(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # bench's scripts import their neighbours
    import branches
    return branches


def put(path: Path, text: str, stamp: float) -> None:
    """Write `path` whole at once, dated `stamp`, as the trainer's own writes land."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.utime(tmp, (stamp, stamp))
    os.replace(tmp, path)


def fake_run(folder: Path, epochs: int, checkpoint: bool = True, best: int = 1) -> None:
    """A run folder after `epochs` epochs: a log line each, the selected model's metrics, and
    (`checkpoint`) that epoch's checkpoint written after the log line."""
    (folder / "checkpoint").mkdir(parents=True, exist_ok=True)
    stamp = time.time() - 100 + epochs  # each epoch's files later than the one before's
    put(folder / "metrics.json", json.dumps({"epoch": best}), stamp)
    put(folder / "log.jsonl", "".join(f'{{"epoch": {k}}}\n' for k in range(1, epochs + 1)),
        stamp + 0.25)
    if checkpoint:
        put(folder / "checkpoint" / "state.pt", f"after {epochs}", stamp + 0.5)


def test_the_branch_is_copied_once_the_run_stands_whole_at_its_epoch(branches, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 13)
    finished = threading.Event()
    copier = threading.Thread(target=branches.copy_at_epoch,
                              args=(source, target, 14, finished, 0.01))
    copier.start()
    time.sleep(0.1)
    assert not target.exists()  # epoch 13 is not the one
    fake_run(source, 14, checkpoint=False)
    time.sleep(0.1)
    assert not target.exists()  # epoch 14's line is there, its checkpoint not yet
    put(source / "checkpoint" / "state.pt", "after 14", time.time())
    copier.join(timeout=5)
    assert (target / "checkpoint" / "state.pt").read_text() == "after 14"
    assert len(branches.log_lines(target)) == 14
    assert not list(tmp_path.glob("*.copying"))
    branches.check_start(target, source, 14, "remake it")  # a copy: no complaint


def test_no_branch_from_a_run_past_its_epoch_or_over_an_existing_one(branches, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 15)
    assert not branches.copy_at_epoch(source, target, 14, threading.Event(), 0.01)
    fake_run(source, 14, best=15)  # died after saving epoch 15's model, before its log line
    ended = threading.Event()
    ended.set()
    assert not branches.copy_at_epoch(source, target, 14, ended, 0.01)
    assert not target.exists()
    fake_run(source, 14)
    target.mkdir()
    (target / "mine").write_text("kept")
    assert not branches.copy_at_epoch(source, target, 14, threading.Event(), 0.01)
    assert (target / "mine").read_text() == "kept"


def test_a_run_that_ends_before_the_epoch_makes_no_branch(branches, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 3)
    finished = threading.Event()
    finished.set()
    assert not branches.copy_at_epoch(source, target, 14, finished, 0.01)
    assert not target.exists()


def test_a_branch_starts_only_from_a_copy_of_its_source(branches, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    with pytest.raises(SystemExit, match="holds no checkpoint.*remake it"):
        branches.check_start(target, source, 14, "remake it")
    fake_run(target, 14)
    with pytest.raises(SystemExit, match="does not begin with"):  # its source is gone
        branches.check_start(target, source, 14, "remake it")
    fake_run(source, 20)
    (source / "log.jsonl").write_text('{"epoch": 1, "again": true}\n' * 20)  # trained again
    with pytest.raises(SystemExit, match="does not begin with"):
        branches.check_start(target, source, 14, "remake it")
