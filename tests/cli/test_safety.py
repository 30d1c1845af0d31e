"""Nothing lost, nothing reported that did not happen: each case was a defect (issue 21)."""
import json
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from assay import formats
from assay.cli import app
from assay.doc import Document, Entity, Relation, Section
from assay.errors import FormatError
from assay.formats.jsonl import doc_to_dict
from tests.fixtures import write_fixture

runner = CliRunner()
ALL = list(formats.FORMATS)


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps(doc_to_dict(d)) + "\n" for d in docs))
    return path


def article(doc_id: str, title: str, abstract: str, entities=()) -> Document:
    """A title-and-abstract document, as GutBrainIE and PubTator hold them."""
    return Document(doc_id, f"{title}\n{abstract}", list(entities),
                    sections=[Section("title", 0, len(title)),
                              Section("abstract", len(title) + 1, len(title) + 1 + len(abstract))])


def twins() -> list[Document]:
    return [article("a", "Aspirin helps.", "A study.", [Entity(0, 7, "Chemical", id="T1")]),
            article("a", "Ibuprofen too.", "Another.", [Entity(0, 9, "Chemical", id="T1")])]


def target_of(fmt: str, folder: Path) -> Path:
    return folder / ("train" if fmt == "somd" else "data")


def written_state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# counts that lie


@pytest.mark.parametrize("fmt", ["gutbrainie", "brat", "pubtator", "measeval"])
def test_documents_sharing_an_id_stop_a_conversion_to_an_id_keyed_format(fmt, tmp_path):
    source = jsonl(tmp_path / "twins.jsonl", twins())
    result = invoke("convert", "--from", "jsonl", "--to", fmt, source, tmp_path / "out")
    assert result.exit_code == 1 and "a second document with the id 'a'" in result.output
    assert not (tmp_path / "out").exists()
    lenient = invoke("convert", "--from", "jsonl", "--to", fmt, "--lenient", source,
                     tmp_path / "out")
    assert lenient.exit_code == 0, lenient.output
    assert "documents with a repeated id: 1 not written" in lenient.output
    assert "wrote 1 documents" in lenient.output
    assert len(list(formats.read(tmp_path / "out", fmt))) == 1


def test_a_gutbrainie_file_with_a_repeated_pmid_is_refused(tmp_path):
    article = json.loads(write_fixture("gutbrainie", tmp_path).read_text())["12345"]
    body = json.dumps(article)
    path = tmp_path / "twice.json"
    path.write_text(f'{{"12345": {body}, "12345": {body}}}')
    with pytest.raises(FormatError, match="'12345' is repeated"):
        list(formats.read(path, "gutbrainie"))


# output destroyed on failure


@pytest.mark.parametrize("fmt", ALL)
def test_a_write_that_fails_midway_leaves_the_previous_output_as_it_was(fmt, tmp_path):
    docs = list(formats.read(write_fixture(fmt, tmp_path / "in"), fmt))
    target = target_of(fmt, tmp_path / "out")
    formats.write(docs, target, fmt)
    before = written_state(tmp_path / "out")

    def failing():
        yield from docs
        raise RuntimeError("the model crashed")

    with pytest.raises(RuntimeError):
        formats.write(failing(), target, fmt)
    assert written_state(tmp_path / "out") == before  # no partial file, no temporary left


def test_a_killed_write_leaves_the_previous_file_whole(tmp_path):
    target = tmp_path / "out.jsonl"
    jsonl(target, twins())
    before = target.read_bytes()
    script = (
        "import os, signal, sys\n"
        "from assay import formats\n"
        "from assay.doc import Document\n"
        "def docs():\n"
        "    for k in range(1000):\n"
        "        if k == 500:\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "        yield Document(str(k), 'text ' * 50)\n"
        f"formats.write(docs(), {str(target)!r}, 'jsonl')\n")
    run = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert run.returncode == -signal.SIGKILL
    assert target.read_bytes() == before


class FakeModel:
    """Stands for a loaded model: each document comes back with one entity; after `stop_at`
    documents, Ctrl-C."""
    extractors = ()  # as a Pipeline's: none of them prompts a language model

    def __init__(self, stop_at=None):
        self.stop_at = stop_at

    def pipe(self, docs, batch_size=None):
        for k, doc in enumerate(docs):
            if k == self.stop_at:
                raise KeyboardInterrupt
            yield Document(doc.id, doc.text, [Entity(0, 3, "Application", id="T1")])


def papers(folder: Path, n: int) -> Path:
    folder.mkdir()
    for k in range(n):
        (folder / f"p{k:02d}.txt").write_text(f"SPSS was used in study {k}.")
    return folder


def test_an_interrupted_extract_keeps_what_was_done_and_resume_goes_on(tmp_path, monkeypatch):
    import assay.pipeline

    source, out = papers(tmp_path / "papers", 10), tmp_path / "found.jsonl"
    out.write_text("previous complete output\n")
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel(stop_at=4))
    result = invoke("extract", "--input", source, "--output", out)
    assert result.exit_code == 130
    assert "interrupted: 4 of 10 documents written to" in result.output and "--resume" in result.output
    assert out.read_text() == "previous complete output\n"
    partial = tmp_path / "found.jsonl.partial"
    assert [d.id for d in formats.read(partial, "jsonl")] == ["p00", "p01", "p02", "p03"]
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    resumed = invoke("extract", "--input", source, "--output", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "resuming: 4 documents done" in resumed.output and "wrote 10 documents" in resumed.output
    assert [d.id for d in formats.read(out, "jsonl")] == [f"p{k:02d}" for k in range(10)]
    assert not partial.exists()


class Prompting:
    """Stands for a language-model extractor: what its answers came to so far."""
    family = SimpleNamespace(prompts=True)

    def prompt_counts(self):
        return {"prompts": 4, "unplaced": 1, "unknown_types": 2, "cut": 0, "mended": 3}


def test_an_interrupted_extract_still_says_what_the_language_model_answered(tmp_path,
                                                                            monkeypatch):
    import assay.pipeline

    model = FakeModel(stop_at=2)
    model.extractors = (Prompting(),)
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: model)
    result = invoke("extract", "--input", papers(tmp_path / "papers", 5), "--output",
                    tmp_path / "found.jsonl")
    assert result.exit_code == 130 and "interrupted: 2 of 5" in result.output
    assert "4 prompts asked: 1 answered mention not in the text" in result.output
    assert result.output.count("prompts asked") == 1
    assert "3 repaired to parse" in result.output


def test_an_extract_into_a_folder_format_goes_on_and_replaces_an_earlier_output(tmp_path, monkeypatch):
    import assay.pipeline

    source, out = papers(tmp_path / "papers", 6), tmp_path / "found"
    formats.write([Document("old", "An earlier run.")], out, "measeval")
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel(stop_at=2))
    args = ("extract", "--input", source, "--output", out, "--output-format", "measeval")
    assert invoke(*args).exit_code == 130
    assert [d.id for d in formats.read(out, "measeval")] == ["old"]
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    resumed = invoke(*args, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert [d.id for d in formats.read(out, "measeval")] == [f"p{k:02d}" for k in range(6)]


def test_an_extract_interrupted_before_any_document_leaves_nothing(tmp_path, monkeypatch):
    import assay.pipeline

    source, out = papers(tmp_path / "papers", 3), tmp_path / "found.jsonl"
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel(stop_at=0))
    result = invoke("extract", "--input", source, "--output", out)
    assert result.exit_code == 130 and "nothing written" in result.output
    assert not out.exists() and not (tmp_path / "found.jsonl.partial").exists()


def test_extract_to_a_format_that_cannot_hold_the_text_keeps_the_old_file(tmp_path, monkeypatch):
    import assay.pipeline

    source = papers(tmp_path / "papers", 2)
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    for fmt in ("gutbrainie", "pubtator"):
        (source / "p00.txt").write_text("Two\nlines of SPSS.")
        out = tmp_path / f"run.{fmt}"
        out.write_text("the previous run\n")
        result = invoke("extract", "--input", source, "--output", out, "--output-format", fmt)
        assert result.exit_code == 1 and "p00" in result.output, result.output
        assert out.read_text() == "the previous run\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["papers", *sorted(
            p.name for p in tmp_path.iterdir() if p.name.startswith("run."))]


def test_the_progress_bar_counts_documents_as_the_model_gives_them(tmp_path, monkeypatch):
    import assay.cli.extract
    import assay.pipeline

    events = []

    class Counted(FakeModel):
        def pipe(self, docs, batch_size=None):
            for doc in super().pipe(docs):
                events.append("extracted")
                yield doc

    class Recorder:  # stands for rich's Progress
        get_default_columns = staticmethod(lambda: ())

        def __init__(self, *args, **kwargs):
            self.tasks = [SimpleNamespace(speed=None)]

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def add_task(self, description, total, **fields):
            events.append(("of", total))

        def update(self, task, advance, **fields):
            events.append("counted")

    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: Counted())
    monkeypatch.setattr(assay.cli.extract, "Progress", Recorder)
    result = invoke("extract", "--input", papers(tmp_path / "p", 3), "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 0, result.output
    assert events == [("of", 3)] + ["extracted", "counted"] * 3


def test_extract_infers_jsonl_from_the_extension_and_says_so(tmp_path, monkeypatch):
    import assay.pipeline

    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    source = jsonl(tmp_path / "docs.jsonl", [Document("d1", "SPSS 25"), Document("d2", "R 4")])
    result = invoke("extract", "--input", source, "--output", tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.output
    assert "as jsonl (from its extension" in result.output and "wrote 2 documents" in result.output
    assert [d.id for d in formats.read(tmp_path / "out.jsonl", "jsonl")] == ["d1", "d2"]
    plain = invoke("extract", "--input", papers(tmp_path / "p", 1), "--output", tmp_path / "o.jsonl")
    assert "as plain text" in plain.output
    ambiguous = invoke("extract", "--input", write_fixture("dygie", tmp_path / "d").rename(
        tmp_path / "d" / "x.json"), "--output", tmp_path / "x.jsonl")
    assert ambiguous.exit_code == 1 and "give --input-format" in ambiguous.output


# writers whose files their own readers reject


def convert_twice(source, source_format: str, target, target_format: str):
    """`convert` from `source` to `target`, then again with --lenient: the two results, the
    second checked to have succeeded."""
    args = ("convert", "--from", source_format, "--to", target_format, source, target)
    strict, lenient = invoke(*args), invoke(*args[:5], "--lenient", *args[5:])
    assert lenient.exit_code == 0, lenient.output
    return strict, lenient


def test_what_measeval_cannot_hold_stops_a_conversion_or_is_counted_when_lenient(tmp_path):
    source = write_fixture("brat", tmp_path)  # WLPC-style: events, Measure relations, a T in pieces
    result, lenient = convert_twice(source, "brat", tmp_path / "x", "measeval")
    assert result.exit_code == 1 and "which is in pieces" in result.output
    assert "discontinuous entities: 1 not written" in lenient.output
    assert "relations MeasEval has no name for" in lenient.output
    [doc] = formats.read(tmp_path / "x", "measeval")
    assert len(doc.entities) == 5 and doc.relations == []


def test_relations_between_mentions_without_concepts_cannot_go_to_pubtator(tmp_path):
    source = write_fixture("gutbrainie", tmp_path)
    result = invoke("convert", "--from", "gutbrainie", "--to", "pubtator", source, tmp_path / "x")
    assert result.exit_code == 1 and "has no concept id" in result.output
    assert not (tmp_path / "x").exists()
    lenient = invoke("convert", "--from", "gutbrainie", "--to", "pubtator", "--lenient", source,
                     tmp_path / "x")
    assert lenient.exit_code == 0, lenient.output
    assert "relations between mentions without concept ids: 2 not written" in lenient.output
    assert len(list(formats.read(tmp_path / "x", "pubtator"))) == 1


def test_pubtator_concept_relations_to_dygie_are_counted_and_the_file_reads(tmp_path):
    result = invoke("convert", "--from", "pubtator", "--to", "dygie",
                    write_fixture("pubtator", tmp_path), tmp_path / "x.json")
    assert result.exit_code == 0, result.output
    assert "relations between mention groups: 1 not written" in result.output
    [doc] = formats.read(tmp_path / "x.json", "dygie")
    assert len(doc.entities) == 5 and len(doc.groups) == 3


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_converted_file_reads_back_or_nothing_is_written(source, target, tmp_path):
    from assay.formats.fit import fit

    docs = list(formats.read(write_fixture(source, tmp_path / "in"), source))
    out = target_of(target, tmp_path / "out")
    try:
        kept, _ = fit(docs, target, lenient=True)
        formats.write(kept, out, target)
    except FormatError:
        assert not (tmp_path / "out").exists() or not written_state(tmp_path / "out")
        return
    back = list(formats.read(out, target))
    assert len(back) == len(kept) and [d.id for d in back] == [d.id for d in kept] or \
        target in ("conll", "somd", "spert", "genia")  # these number documents themselves
    assert sum(len(d.entities) for d in back) == sum(len(d.entities) for d in kept)


# scores that mislead


def test_evaluate_refuses_the_same_ids_over_other_texts(tmp_path):
    gold = jsonl(tmp_path / "gold.jsonl", [Document("d", "Aspirin helps.",
                                                    [Entity(0, 7, "Chemical", id="T1")])])
    pred = jsonl(tmp_path / "pred.jsonl", [Document("d", "Aspiriq helps.",
                                                    [Entity(0, 7, "Chemical", id="T1")])])
    result = invoke("evaluate", "--gold", gold, "--pred", pred, "--format", "jsonl")
    assert result.exit_code == 1
    assert "document 'd': the predicted text differs from the gold text from character 6" in result.output


def test_evaluate_reports_missing_and_repeated_predictions(tmp_path):
    docs = [Document(i, "Aspirin helps.", [Entity(0, 7, "Chemical", id="T1")]) for i in "abc"]
    gold = jsonl(tmp_path / "gold.jsonl", docs)
    pred = jsonl(tmp_path / "pred.jsonl", [docs[0], docs[0], docs[1]])
    result = invoke("evaluate", "--gold", gold, "--pred", pred, "--format", "jsonl",
                    "--json", tmp_path / "s.json")
    assert result.exit_code == 0, result.output
    assert "1 gold document(s) have no prediction" in result.output
    assert "1 document(s) are predicted more than once" in result.output
    scores = json.loads((tmp_path / "s.json").read_text())
    assert scores["documents"] == {"gold": 3, "predicted": 2, "missing": ["c"], "repeated": ["a"]}
    assert scores["entities_strict"]["micro_r"] == pytest.approx(2 / 3)


def test_a_protocol_with_nothing_to_score_is_an_error_not_zero(tmp_path):
    gold = write_fixture("conll", tmp_path)
    result = invoke("evaluate", "--gold", gold, "--pred", gold, "--format", "conll",
                    "--protocol", "cid")
    assert result.exit_code == 1 and "holds nothing that the cid protocol scores" in result.output


# silent misreadings


def test_a_bom_is_not_part_of_the_first_entity(tmp_path):
    conll = write_fixture("conll", tmp_path)
    with_bom = tmp_path / "bom.conll"
    with_bom.write_bytes(b"\xef\xbb\xbf" + conll.read_bytes())
    assert list(formats.read(with_bom, "conll")) == list(formats.read(conll, "conll"))
    lines = write_fixture("jsonl", tmp_path / "j")
    bom_lines = tmp_path / "bom.jsonl"
    bom_lines.write_bytes(b"\xef\xbb\xbf" + lines.read_bytes())
    assert list(formats.read(bom_lines, "jsonl")) == list(formats.read(lines, "jsonl"))


@pytest.mark.parametrize("fmt", ALL)
def test_an_empty_input_is_the_same_error_in_every_format(fmt, tmp_path):
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(FormatError, match="is empty: no documents"):
        list(formats.read(tmp_path / "empty", fmt))


def test_an_annotation_given_twice_is_reported(tmp_path):
    doc = Document("d", "Aspirin helps.", [Entity(0, 7, "Chemical", id="T1"),
                                           Entity(0, 7, "Chemical", id="T2")])
    result = invoke("stats", jsonl(tmp_path / "d.jsonl", [doc]), "--format", "jsonl")
    assert result.exit_code == 0 and "1 annotation(s) repeat another exactly" in result.output
    assert "entity T2 repeats T1" in result.output


# tracebacks instead of errors


def test_wrong_paths_are_one_line_errors(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for args in [("stats", folder, "--format", "conll"),
                 ("convert", "--from", "conll", "--to", "jsonl", write_fixture("conll", tmp_path),
                  folder),
                 ("convert", "--from", "conll", "--to", "jsonl", write_fixture("conll", tmp_path),
                  tmp_path / "data.conll" / "under-a-file.jsonl")]:
        result = invoke(*args)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert result.output.startswith("error: ") and str(tmp_path) in result.output
    recipe = tmp_path / "r.toml"
    recipe.write_text('[data]\nformat = "conll"\ntrain = "missing.tsv"\n[model]\n'
                      f'family = "span"\n[train]\noutput = "{tmp_path / "o"}"\n')
    result = invoke("train", recipe)
    assert result.exit_code == 1 and "missing.tsv: no such file" in result.output
    assert "Traceback" not in result.output


def test_a_lone_surrogate_in_json_text_is_a_format_error(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "a", "text": "x\\ud800y"}\n')
    with pytest.raises(FormatError, match="lone surrogate"):
        list(formats.read(path, "jsonl"))


def test_the_python_api_names_a_bad_argument():
    from assay.pipeline import Pipeline

    class Echo:
        schema = None

        def predict(self, docs, batch_size=None):
            return iter(docs)

    nlp = Pipeline([Echo()])
    for bad in (None, 123):
        with pytest.raises(TypeError, match="must be a str or a Document"):
            nlp(bad)
    with pytest.raises(TypeError, match="not one str"):
        nlp.pipe("a string")
    with pytest.raises(TypeError, match="item 1 is a int"):
        list(nlp.pipe(["fine", 5]))
    assert nlp("fine").text == "fine"


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(monkeypatch):
    import assay.cli.stats as stats

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(stats, "read_all", broken)
    result = invoke("stats", "x", "--format", "conll")
    assert result.exit_code == 1 and "error: 'boom' (KeyError)" in result.output
    assert "--debug" in result.output and "Traceback" not in result.output
    debug = invoke("--debug", "stats", "x", "--format", "conll")
    assert isinstance(debug.exception, KeyError)


def test_a_label_with_a_space_stops_a_conversion_to_conll_or_is_left_out(tmp_path):
    source = write_fixture("gutbrainie", tmp_path)
    result, lenient = convert_twice(source, "gutbrainie", tmp_path / "x.conll", "conll")
    assert result.exit_code == 1 and "'dietary supplement'" in result.output
    assert "annotations whose label is not one word: 1 not written" in lenient.output
    [doc] = formats.read(tmp_path / "x.conll", "conll")
    assert sorted(e.label for e in doc.entities) == ["DDF", "DDF", "bacteria", "human"]


def test_writing_to_dot_and_a_bom_in_brat_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    docs = list(formats.read(write_fixture("brat", tmp_path / "in"), "brat"))
    formats.write(docs, ".", "brat")
    assert list(formats.read(".", "brat")) == docs
    text = tmp_path / "bom" / "d.txt"
    text.parent.mkdir()
    text.write_text("\ufeffHello Stata")  # BRAT's offsets count the BOM as a character
    (tmp_path / "bom" / "d.ann").write_text("T1\tSoftware 7 12\tStata\n")
    [doc] = formats.read(tmp_path / "bom", "brat")
    assert doc.mention_text(doc.entities[0]) == "Stata"


def test_extract_keeps_a_partial_run_and_a_finished_one_from_a_wrong_output(tmp_path, monkeypatch):
    import assay.pipeline

    source = papers(tmp_path / "papers", 3)
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    folder = tmp_path / "results"
    folder.mkdir()
    result = invoke("extract", "--input", source, "--output", folder)
    assert result.exit_code == 1 and "is a folder" in result.output
    partial = tmp_path / "o.jsonl.partial"
    jsonl(partial, [Document("p00", "SPSS was used in study 0.")])
    again = invoke("extract", "--input", source, "--output", tmp_path / "o.jsonl")
    assert again.exit_code == 1 and "--resume to go on" in again.output and partial.exists()
    conll = invoke("extract", "--input", source, "--output", tmp_path / "o.conll",
                   "--output-format", "conll", "--resume")
    assert conll.exit_code == 1 and "keeps document ids" in conll.output


def test_plain_texts_in_subfolders_keep_apart(tmp_path, monkeypatch):
    import assay.pipeline

    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "x.txt").write_text(f"SPSS in {sub}.")
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    result = invoke("extract", "--input", tmp_path / "in", "--output", tmp_path / "o.jsonl")
    assert result.exit_code == 0, result.output
    assert [d.id for d in formats.read(tmp_path / "o.jsonl", "jsonl")] == ["a/x", "b/x"]


def test_extract_reads_a_folder_past_a_byte_order_mark_and_hidden_files(tmp_path, monkeypatch):
    import assay.pipeline

    source = papers(tmp_path / "papers", 2)
    (source / "p00.txt").write_text("\ufeffSPSS was used.", encoding="utf-8")
    (source / ".DS_Store").write_bytes(b"\x00\x01\xff")
    out = tmp_path / "found.jsonl"
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    result = invoke("extract", "--input", source, "--output", out)
    assert result.exit_code == 0, result.output
    assert "1 hidden file(s) left out" in result.output and "wrote 2 documents" in result.output
    assert [d.text for d in formats.read(out, "jsonl")][0] == "SPSS was used."


def test_resume_goes_on_by_position_when_input_ids_repeat(tmp_path, monkeypatch):
    import assay.pipeline

    source, out = tmp_path / "in.jsonl", tmp_path / "found.jsonl"
    formats.write([Document("d0", "SPSS one."), Document("d1", "SPSS two."),
                   Document("d0", "SPSS three.")], source, "jsonl")
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel(stop_at=1))
    assert invoke("extract", "--input", source, "--output", out).exit_code == 130
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: FakeModel())
    resumed = invoke("extract", "--input", source, "--output", out, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert [d.text for d in formats.read(out, "jsonl")] == ["SPSS one.", "SPSS two.",
                                                            "SPSS three."]


class _Blank(FakeModel):
    def pipe(self, docs, batch_size=None):
        for doc in docs:
            yield Document(doc.id, doc.text, [Entity(0, 4, "Application", id="T1")]
                           if doc.text.strip() else [],
                           [Relation("T1", "T1", "self")] if doc.text.strip() else [])


def test_extract_says_what_its_output_format_cannot_hold_and_counts_what_it_wrote(
        tmp_path, monkeypatch):
    import assay.pipeline

    source = papers(tmp_path / "papers", 2)
    (source / "p02.txt").write_text("")
    out = tmp_path / "found.conll"
    monkeypatch.setattr(assay.pipeline, "load", lambda *a, **k: _Blank())
    result = invoke("extract", "--input", source, "--output", out, "--output-format", "conll")
    assert result.exit_code == 0, result.output
    assert "conll cannot hold relations: 2 not written" in result.output
    assert "documents without text: 1 not written" in result.output
    assert "wrote 2 documents" in result.output and len(list(formats.read(out, "conll"))) == 2
