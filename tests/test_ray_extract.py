"""`assay extract --engine ray`: shards cut by byte range, written whole, skipped when done,
and the same documents as one process."""
import json

import pytest

from assay import formats
from assay.doc import Document
from assay.errors import FormatError
from assay.ray_extract import claim, cut, extract, manifest, part


def test_shards_cover_the_input_byte_for_byte(tmp_path):
    lines = [json.dumps({"id": f"d{i}", "text": f"text {i}"}) + "\n" for i in range(10)]
    lines.insert(3, "\n")  # a blank line is no document
    path = tmp_path / "in.jsonl"
    path.write_text("".join(lines))
    shards = cut(path, 4)
    assert [s.documents for s in shards] == [4, 4, 2]
    data = path.read_bytes()
    assert b"".join(data[s.start:s.end] for s in shards) == data
    assert [s.first_line for s in shards] == [1, 6, 10]
    assert data[shards[1].start:].decode().splitlines()[0] == lines[5].strip()


def test_the_shards_prompt_counts_are_added_and_a_shard_without_any_is_left_out():
    from assay.pipeline import summed

    one = {"prompts": 4, "unplaced": 1, "unknown_types": 0, "cut": 2, "mended": 0}
    two = {"prompts": 3, "unplaced": 0, "unknown_types": 5, "cut": 0, "mended": 1}
    assert summed([one, None, two]) == {"prompts": 7, "unplaced": 1, "unknown_types": 5,
                                        "cut": 2, "mended": 1}
    assert summed([None, None]) is None and summed([]) is None


def test_a_folder_of_another_run_is_refused(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "x"}\n')
    claim(tmp_path / "out", manifest(source, 8, "jsonl", "software"))
    claim(tmp_path / "out", manifest(source, 8, "jsonl", "software"))  # the same run: fine
    with pytest.raises(FormatError, match="shard_size 8, not 16"):
        claim(tmp_path / "out", manifest(source, 16, "jsonl", "software"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("mine")
    with pytest.raises(FormatError, match="not empty"):
        claim(tmp_path / "other", manifest(source, 8, "jsonl", "software"))


def test_an_unknown_model_is_refused_before_the_folder_is_claimed(tmp_path):
    pytest.importorskip("ray")
    from typer.testing import CliRunner

    from assay.cli import app

    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a", "text": "x"}\n')
    result = CliRunner().invoke(app, ["extract", "--input", str(source), "--output",
                                      str(tmp_path / "out"), "--engine", "ray", "--model",
                                      "sofware"])
    assert result.exit_code == 1 and "no model 'sofware'" in result.output
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_writes_what_one_process_writes_and_skips_what_is_done(tmp_path, local_ray):
    import assay

    source = tmp_path / "in.jsonl"
    docs = [Document(id=f"d{i % 7}", text=f"We used SPSS {i} (IBM)" + " and R" * (i % 5) + ".")
            for i in range(40)]  # ids repeat: shards never key on them
    formats.write(docs, source, "jsonl")
    single = tmp_path / "single.jsonl"
    # batches of 2: a prediction chunk is 16 documents, so shards of 16 batch as one process
    formats.write(assay.load("software").pipe(formats.read(source, "jsonl"), batch_size=2),
                  single, "jsonl")
    out = tmp_path / "out"
    first = extract(source, out, "software", batch_size=2, shard_size=16, actors=2)
    shards = sorted(out.glob("part-*.jsonl"))
    assert (first.shards, first.written, first.errors, len(shards)) == (3, 40, [], 3)
    assert b"".join(p.read_bytes() for p in shards) == single.read_bytes()
    shards[1].unlink()
    (out / "part-00001.done").unlink()
    again = extract(source, out, "software", batch_size=2, shard_size=16, actors=2)
    assert (again.done_before, again.written) == (first.shards - 1, 16)
    assert b"".join(p.read_bytes() for p in sorted(out.glob("part-*.jsonl"))) == \
        single.read_bytes()


def test_a_bad_line_fails_its_shard_only_and_names_the_line(tmp_path, local_ray):
    source = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": f"We used R {i}."}) for i in range(6)]
    lines[4] = '{"id": "d4", "text": '
    source.write_text("\n".join(lines) + "\n")
    outcome = extract(source, tmp_path / "out", "software", shard_size=3, actors=1)
    assert outcome.written == 3 and len(outcome.errors) == 1
    assert "in.jsonl:5: invalid JSON" in outcome.errors[0]
    assert formats.exists(part(tmp_path / "out", 0, "jsonl"), "jsonl")
    assert (tmp_path / "out" / "part-00000.done").exists()
    assert not formats.exists(part(tmp_path / "out", 1, "jsonl"), "jsonl")
    assert not (tmp_path / "out" / "part-00001.done").exists()
