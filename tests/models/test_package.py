"""`assay package`: a trained model released into a zoo loads by path and predicts as the
trained one does, and a failed release leaves the entry that was there."""
import json

from typer.testing import CliRunner

import assay
from assay.cli import app
from tests.models.conftest import SAMPLE

runner = CliRunner()


def package(model, zoo, *extra):
    return runner.invoke(app, ["package", str(model), "--name", "tiny", "--zoo", str(zoo),
                               "--data", str(SAMPLE), "--format", "jsonl", "--protocol", "somd",
                               *extra])


def found(nlp, texts):
    return [([(e.start, e.end, e.label) for e in d.entities],
             sorted((r.head, r.tail, r.label) for r in d.relations)) for d in nlp.pipe(texts)]


def test_a_packaged_model_predicts_as_the_trained_one(trained, tmp_path):
    result = package(trained, tmp_path, "--against", trained)
    assert result.exit_code == 0, result.output
    shipped = tmp_path / "tiny"
    texts = [json.loads(line)["text"] for line in SAMPLE.read_text().splitlines()]
    assert found(assay.load(shipped), texts) == found(assay.load(trained), texts)
    report = json.loads((shipped / "shipping.json").read_text())
    assert report["float16"] == report["float32"] == report["against"]["float32"]
    assert "## As shipped" in (shipped / "README.md").read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["tiny"]  # no temporary folder left


def test_a_failed_release_leaves_the_entry_there(trained, tmp_path, monkeypatch):
    assert package(trained, tmp_path).exit_code == 0

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr("assay.packaging.card", broken)  # fails once the weights are written
    result = package(trained, tmp_path, "--against", trained)
    assert result.exit_code == 1 and "error: disk full (OSError)" in result.output
    assert "against" not in json.loads((tmp_path / "tiny" / "shipping.json").read_text())
    assert [p.name for p in tmp_path.iterdir()] == ["tiny"]


def test_as_the_issue_writes_it_run_dir_and_name_only(trained, tmp_path):
    """With no --data, the model is scored on the dev data its own recipe names."""
    result = runner.invoke(app, ["package", str(trained), "--name", "tiny", "--zoo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "tiny" / "shipping.json").read_text())
    assert report["float32"]["total"] == 1.0 and report["dev"].endswith("recipe.json")
