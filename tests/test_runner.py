"""bench/run.py's copy of a run's folder at the epoch another run branches from it."""
import os
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "bench"))  # run.py imports its neighbours so
    import run
    return run


def fake_run(folder: Path, epochs: int, checkpoint_after_log: bool = True) -> None:
    """A run folder after `epochs` epochs: a log line each and a checkpoint written after it."""
    (folder / "checkpoint").mkdir(parents=True, exist_ok=True)
    (folder / "log.jsonl").write_text("".join(f'{{"epoch": {k}}}\n' for k in range(1, epochs + 1)))
    state = folder / "checkpoint" / "state.pt"
    state.write_text(f"after {epochs}")
    stamp = time.time()
    os.utime(folder / "log.jsonl", (stamp, stamp))
    os.utime(state, (stamp + (1 if checkpoint_after_log else -1),) * 2)


def test_the_branch_is_copied_once_the_run_has_finished_its_epoch(run, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 13)
    finished = threading.Event()
    copier = threading.Thread(target=run.copy_at_epoch, args=(source, target, 14, finished, 0.01))
    copier.start()
    time.sleep(0.1)
    assert not target.exists()  # epoch 13 is not the one
    fake_run(source, 14, checkpoint_after_log=False)
    time.sleep(0.1)
    assert not target.exists()  # epoch 14's line is there, its checkpoint not yet
    fake_run(source, 14)
    copier.join(timeout=5)
    assert (target / "checkpoint" / "state.pt").read_text() == "after 14"
    assert len((target / "log.jsonl").read_text().splitlines()) == 14
    assert not list(tmp_path.glob("*.copying"))


def test_no_branch_is_made_from_a_run_past_its_epoch_or_over_an_existing_one(run, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 15)
    assert not run.copy_at_epoch(source, target, 14, threading.Event(), 0.01)
    assert not target.exists()
    fake_run(source, 14)
    target.mkdir()
    (target / "mine").write_text("kept")
    assert not run.copy_at_epoch(source, target, 14, threading.Event(), 0.01)
    assert (target / "mine").read_text() == "kept"


def test_a_run_that_ends_before_the_epoch_makes_no_branch(run, tmp_path):
    source, target = tmp_path / "full-s1", tmp_path / "noalign-s1"
    fake_run(source, 3)
    finished = threading.Event()
    finished.set()
    assert not run.copy_at_epoch(source, target, 14, finished, 0.01)
    assert not target.exists()
