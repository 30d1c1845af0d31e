"""ONNX export: the same entities and relations as PyTorch; int8 runs too."""
import pytest
from typer.testing import CliRunner

from assay import formats, load
from assay.cli import app
from tests.models.conftest import SAMPLE
from tests.models.test_contract import key


@pytest.mark.parametrize("model", ["trained", "trained_crf", "trained_span_head"])
def test_onnx_predicts_what_torch_predicts(model, request, tmp_path):
    """Tags, tags through a BiLSTM and a CRF, and the span head: all export alike."""
    trained = request.getfixturevalue(model)
    texts = [d.text for d in formats.read(SAMPLE, "jsonl")] + ["Nothing to find here.", ""]
    texts.append(" ".join(texts))  # a longer window than the one the graphs were traced on
    result = CliRunner().invoke(app, ["export", "--onnx", str(trained), str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m" / "onnx" / "tagger.onnx").exists()
    torch_docs = list(load(trained).pipe(texts))
    onnx_docs = list(load(tmp_path / "m", runtime="onnx").pipe(texts))
    assert [key(d) for d in onnx_docs] == [key(d) for d in torch_docs]
    for a, b in zip(torch_docs, onnx_docs):
        assert all(abs(x.score - y.score) < 1e-4 for x, y in zip(a.entities, b.entities))


def test_int8_export_runs_and_finds_entities(trained, tmp_path):
    result = CliRunner().invoke(app, ["export", "--onnx", "--int8", str(trained), str(tmp_path / "q")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["extract", "--model", str(tmp_path / "q"), "--runtime", "onnx",
                                      next(formats.read(SAMPLE, "jsonl")).text])
    assert result.exit_code == 0, result.output
    assert "entities" in result.output


def test_a_model_without_graphs_says_how_to_make_them(trained):
    result = CliRunner().invoke(app, ["extract", "--model", str(trained), "--runtime", "onnx", "x"])
    assert result.exit_code == 1 and "assay export" in result.output
