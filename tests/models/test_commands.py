"""`assay extract` and `assay evaluate --model` with a trained model."""
import json

from typer.testing import CliRunner

from assay import formats
from assay.cli import app
from tests.models.conftest import SAMPLE

runner = CliRunner()


def test_extract_prints_entities_and_relations_of_a_text(trained):
    text = next(formats.read(SAMPLE, "jsonl")).text
    result = runner.invoke(app, ["extract", text, "--model", str(trained)])
    assert result.exit_code == 0, result.output
    assert "lme4" in result.output and "PlugIn" in result.output
    assert "Version_of" in result.output


def test_extract_reads_stdin(trained):
    result = runner.invoke(app, ["extract", "--model", str(trained)],
                           input="Statistics were computed in Stata 13 (StataCorp, College Station, TX).")
    assert result.exit_code == 0, result.output
    assert "StataCorp" in result.output and "Developer" in result.output


def test_extract_files_to_a_format_keeps_ids_and_replaces_annotations(trained, tmp_path):
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["extract", "--model", str(trained), "--input", str(SAMPLE),
                                 "--input-format", "jsonl", "--output", str(out),
                                 "--output-format", "jsonl"])
    assert result.exit_code == 0, result.output
    gold, pred = list(formats.read(SAMPLE, "jsonl")), list(formats.read(out, "jsonl"))
    assert [d.id for d in pred] == [d.id for d in gold]
    assert all(e.score is not None for d in pred for e in d.entities)


def test_extract_a_folder_of_plain_text(trained, tmp_path):
    (tmp_path / "in").mkdir()
    for k, doc in enumerate(formats.read(SAMPLE, "jsonl")):
        (tmp_path / "in" / f"paper{k}.txt").write_text(doc.text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", "--model", str(trained), "--input", str(tmp_path / "in"),
                                 "--output", str(out), "--output-format", "brat"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.ann")) == [f"paper{k}.ann" for k in range(4)]


def test_evaluate_runs_the_model_over_the_data(trained, tmp_path):
    out = tmp_path / "scores.json"
    result = runner.invoke(app, ["evaluate", "--model", str(trained), "--data", str(SAMPLE),
                                 "--format", "jsonl", "--protocol", "somd", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["total"]["micro_f1"] == 1.0


def test_an_unknown_model_is_named(tmp_path):
    result = runner.invoke(app, ["extract", "text", "--model", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert "no model" in result.output and "nothing" in result.output
