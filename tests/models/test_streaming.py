"""Extraction streams (documents are read as they are needed) and `assay bench speed`."""
import json
import shutil
from itertools import count, islice

from typer.testing import CliRunner

from assay import formats
from assay.cli import app
from assay.doc import Document
from assay.models.base import CHUNK
from assay.pipeline import PIPELINE, load
from assay.speed import measure
from tests.models.conftest import SAMPLE

runner = CliRunner()


def test_pipe_streams_an_endless_input(trained):
    """Results come back before the input ends: only a chunk is read ahead."""
    read = count()

    def endless():
        for k in read:
            yield f"Sentence {k} was analysed in Stata 13."

    batch_size = 2
    first = list(islice(load(trained).pipe(endless(), batch_size=batch_size), 3))
    assert [d.id for d in first] == ["text-1", "text-2", "text-3"]
    assert next(read) <= CHUNK * batch_size + 1


def test_extract_stops_at_a_bad_jsonl_line_before_writing(trained, tmp_path):
    lines = SAMPLE.read_text().splitlines()
    bad = tmp_path / "in.jsonl"
    bad.write_text("\n".join(lines[:2] + ['{"id": "x", "text": 3}'] + lines[2:]) + "\n")
    out = tmp_path / "out.jsonl"
    args = ["extract", "--model", str(trained), "--input", str(bad), "--input-format", "jsonl",
            "--output", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and f"{bad}:3" in result.output
    assert not out.exists()
    result = runner.invoke(app, args + ["--lenient"])
    assert result.exit_code == 0, result.output
    assert "1 problem(s), each record skipped" in result.output and f"{bad}:3" in result.output
    assert [d.id for d in formats.read(out, "jsonl")] == [json.loads(line)["id"] for line in lines]


def test_bench_speed_reports_throughput_ceiling_and_memory(trained, tmp_path):
    out = tmp_path / "speed.json"
    result = runner.invoke(app, ["bench", "speed", "--model", str(trained), "--data", str(SAMPLE),
                                 "-f", "jsonl", "--runs", "1", "--documents", "10",
                                 "--json", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert figures["documents"] == 10 and figures["sentences"] >= 10
    assert figures["tokens"] > figures["sentences"]
    for key in ("sentences_per_s", "ceiling_sentences_per_s", "tokens_per_s", "peak_rss_mib"):
        assert figures[key] > 0
    assert "encoder only (ceiling)" in result.output


def test_bench_speed_times_a_pipeline(request, tmp_path):
    """Each step's encoder on what the step before it found (every family alone: the contract
    suite)."""
    for step in ("span", "docre"):
        shutil.copytree(request.getfixturevalue(f"trained_{step}"), tmp_path / step)
    (tmp_path / PIPELINE).write_text(json.dumps({"steps": ["span", "docre"]}))
    nlp = load(tmp_path)
    docs = list(formats.read(SAMPLE, "jsonl"))
    figures = measure(nlp, lambda: iter(docs), runs=1)
    assert figures["sentences"] == 4 and figures["tokens"] > figures["sentences"]
    assert figures["sentences_per_s"] > 0 and figures["ceiling_sentences_per_s"] > 0


def test_cycled_documents_have_ids_of_their_own():
    from assay.speed import cycled

    docs = [Document("a", "x"), Document("b", "y")]
    assert [d.id for d in cycled(docs, 5)()] == ["a", "b", "a#1", "b#1", "a#2"]
    assert [d.id for d in cycled(docs, None)()] == ["a", "b"]
