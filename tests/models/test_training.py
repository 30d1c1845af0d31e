"""The trainer: recipes that say what is wrong, checkpoints that survive a kill."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from assay.training import RecipeError, load_recipe
from tests.models.conftest import SAMPLE, write_recipe


def test_a_bad_recipe_names_the_key(tmp_path, encoder):
    recipe = write_recipe(tmp_path, encoder, lr_encoder="fast")
    with pytest.raises(RecipeError, match=r"recipe.toml: train.lr_encoder: .*number"):
        load_recipe(recipe)
    recipe = write_recipe(tmp_path, encoder)
    recipe.write_text(recipe.read_text().replace('family = "joint"', 'family = "joint"\nwidth = 3'))
    with pytest.raises(RecipeError, match=r"model.width: Extra inputs are not permitted"):
        load_recipe(recipe)
    with pytest.raises(RecipeError, match=r"model.family: unknown model family 'nope'"):
        load_recipe(recipe, {"model.family": "nope"})


def test_an_unknown_metric_is_named_with_the_ones_there_are(tmp_path, encoder):
    from assay.training import train

    recipe = load_recipe(write_recipe(tmp_path, encoder, epochs=1), {"train.metric": "total.f2"})
    with pytest.raises(RecipeError, match=r"'total.f2' .* one of entities.*\.micro_f1"):
        train(recipe, quiet=True)
    assert not (tmp_path / "model" / "log.jsonl").exists()  # refused before any training


def _train(recipe, *flags):
    return subprocess.Popen([sys.executable, "-m", "assay", "train", str(recipe), *flags],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _epochs(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_killed_run_resumes_and_ends_as_an_uninterrupted_one(tmp_path, encoder):
    # with a weight average, which the checkpoint must carry too
    whole = tmp_path / "whole"
    whole.mkdir()
    assert _train(write_recipe(whole, encoder, epochs=6, ema=0.9)).wait() == 0

    cut = tmp_path / "cut"
    cut.mkdir()
    recipe = write_recipe(cut, encoder, epochs=6, ema=0.9)
    log = cut / "model" / "log.jsonl"
    run = _train(recipe)
    deadline = time.time() + 120
    while len(_epochs(log)) < 2 and time.time() < deadline and run.poll() is None:
        time.sleep(0.05)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    done = len(_epochs(log))
    assert 2 <= done < 6, "the run was to be killed mid-way"

    with open(log, "a") as torn:  # a line cut short by the kill does not block resuming
        torn.write('{"epoch": 9, "lo')
    again = _train(recipe)  # without --resume: refuses to overwrite the checkpoint
    assert again.wait() == 1 and "--resume" in again.stderr.read()
    assert _train(recipe, "--resume").wait() == 0

    expected, got = _epochs(whole / "model" / "log.jsonl"), _epochs(log)
    assert [r["epoch"] for r in got] == [r["epoch"] for r in expected] == list(range(1, 7))
    for a, b in zip(expected, got):
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-5)
        assert b["dev"] == a["dev"]


def test_a_checkpoint_leaves_out_the_frozen_encoder_and_resumes_from_it(tmp_path, encoder):
    import torch

    from assay.training import train
    from assay.training.trainer import STATE

    recipe = write_recipe(tmp_path, encoder, epochs=2)
    lora = {"model.lora_rank": 2}
    train(load_recipe(recipe, lora), quiet=True)
    saved = torch.load(tmp_path / "model" / STATE, weights_only=False)["module"]
    assert any("lora_" in name for name in saved)
    assert not any(name.endswith("word_embeddings.weight") for name in saved)  # frozen
    train(load_recipe(recipe, {**lora, "train.epochs": 3}), resume=True, quiet=True)
    epochs = _epochs(tmp_path / "model" / "log.jsonl")
    assert [r["epoch"] for r in epochs] == [1, 2, 3]
    scores = json.loads((tmp_path / "model" / "metrics.json").read_text())["dev"]
    logged = {k: {label: x["f1"] for label, x in v.get("per_label", {}).items()}
              for k, v in scores.items()}  # each type's F1, an epoch at a time
    assert any(logged.values())
    assert {k: v["per_label_f1"].keys() for k, v in epochs[-1]["dev"].items()} == \
        {k: v.keys() for k, v in logged.items()}


def test_a_dev_set_carved_from_training_data_by_document_id(tmp_path, encoder):
    from assay import formats
    from assay.training.data import carve

    docs = list(formats.read(SAMPLE, "jsonl"))
    ids = tmp_path / "dev-ids.txt"
    ids.write_text(f"# held out\n{docs[1].id}\n\n{docs[3].id}  # and this one\n")
    train, dev = carve(docs, ids)
    assert [d.id for d in dev] == [docs[1].id, docs[3].id]
    assert [d.id for d in train] == [docs[0].id, docs[2].id]
    ids.write_text("nobody\n")
    with pytest.raises(RecipeError, match=r"data.dev_ids: .* lists 1 ids .*'nobody'"):
        carve(docs, ids)
    with pytest.raises(RecipeError, match=r"data: .*give dev or dev_ids, not both"):
        load_recipe(write_recipe(tmp_path, encoder), {"data.dev_ids": str(ids)})


def test_the_weight_average_follows_the_weights_and_swaps_back():
    import torch

    from assay.training.trainer import WeightAverage

    module = torch.nn.Linear(2, 1)
    module.bias.requires_grad_(False)
    average = WeightAverage(module, decay=0.5)
    assert set(average.shadow) == {"weight"}
    start = module.weight.detach().clone()
    with torch.no_grad():
        module.weight.fill_(1.0)
    average.update()  # the first steps decay by 1/10 only: mostly the new weights
    expected = 0.1 * start + 0.9
    assert torch.allclose(average.shadow["weight"], expected)
    for _ in range(30):
        average.update()
    assert torch.allclose(average.shadow["weight"], torch.ones(1, 2), atol=1e-6)
    with torch.no_grad():
        module.weight.fill_(3.0)
    average.swap()
    assert torch.allclose(module.weight, torch.ones(1, 2), atol=1e-6)
    average.swap()
    assert torch.equal(module.weight, torch.full((1, 2), 3.0))
    restored = WeightAverage(torch.nn.Linear(2, 1), decay=0.5)
    restored.load_state_dict(average.state_dict())
    assert restored.steps == 31


def test_a_resumed_run_is_told_what_its_recipe_changes():
    from assay.training.trainer import _changes

    old = {"train": {"epochs": 5, "lr": 1e-3}, "model": {"family": "span"}}
    new = {"train": {"epochs": 10, "lr": 1e-3}, "model": {"family": "span", "hidden": 64}}
    assert _changes(old, new) == [("model.hidden", None, 64), ("train.epochs", 5, 10)]
    assert _changes(old, old) == []
