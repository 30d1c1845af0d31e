"""The llm family's own behaviour: the paper's templates word for word, answers read from real
model output, mentions placed only where they occur, long sentences asked about to their end,
prompts that cannot fit refused, demonstrations drawn and kept, cut answers said."""
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from assay import formats, load
from assay.doc import Document, Entity
from assay.models.contract import Annotated
from assay.models.llm import answers, templates
from assay.models.registry import load_model
from tests.models.conftest import SAMPLE

FIXTURES = Path(__file__).parent / "fixtures" / "llm_answers.jsonl"
LABELS = ["Task", "Method"]


@pytest.fixture(scope="module")
def llm(tiny_model):
    return tiny_model("llm")


def test_templates_are_the_papers_word_for_word():
    text = "We parse text."
    iepile, = templates.questions("iepile", text, LABELS, {}, "scientific")
    assert iepile.messages == [{"role": "user", "content": (
        "You are an expert in named entity recognition. Please extract entities that match the "
        "schema definition from the input. Return an empty list if the entity type does not "
        "exist. Please respond in the format of a JSON string., schema: ['Task', 'Method'], "
        "input: We parse text.")}]
    yayi, = templates.questions("yayi", text, LABELS, {}, "scientific")
    assert yayi.messages[0]["content"] == (
        "Text: We parse text.\nFrom the given text, extract all the entities and types. Please "
        "format the answer in JSON {Task, Method: [entities]}")
    general, = templates.questions("general", text, LABELS, {}, "computer science")
    assert "\n\nYour output format is only [{'E'" in general.messages[0]["content"]
    assert general.messages[0]["content"].startswith(
        "You are a highly intelligent and accurate computer science domain Named-entity "
        "recognition(NER) system.")
    assert "[{'E': type of entity from predefined entity types, 'W': entity in the input " \
           "text},...] form, no other form.\n\nInput: We parse text." in general.messages[0]["content"]
    task, method = templates.questions("uninner", text, LABELS, {"Task": "a goal"}, "scientific")
    assert [m["content"] for m in task.messages] == [
        "Text: We parse text.", "I've read this text.", "What describes Task (a goal) in the text?"]
    assert (task.label, method.label) == ("Task", "Method")
    assert [m["role"] for m in task.messages] == ["user", "assistant", "user"]


@pytest.mark.parametrize("template", templates.TEMPLATES)
def test_a_demonstration_is_an_earlier_turn_in_the_templates_own_format(template):
    shot = ("Parsing uses CRFs.", [("Task", "Parsing"), ("Method", "CRFs")])
    asked = templates.questions(template, "We parse text.", LABELS, {}, "scientific", [shot])
    plain = templates.questions(template, "We parse text.", LABELS, {}, "scientific")
    for with_shot, without in zip(asked, plain):
        earlier = with_shot.messages[:len(with_shot.messages) - len(without.messages)]
        assert with_shot.messages[len(earlier):] == without.messages
        reply = earlier[-1]
        assert reply["role"] == "assistant"
        assert answers.parse(reply["content"], LABELS, with_shot.label).pairs == \
            [p for p in shot[1] if with_shot.label in (None, p[0])]


@pytest.mark.parametrize("template", templates.TEMPLATES)
def test_the_answer_trained_on_reads_back_to_its_pairs(template):
    found = [("Task", "parsing"), ("Method", "CRF"), ("Task", "it's \"quoted\""),
             ("Task", "parsing")]
    expected = [("Task", "parsing"), ("Method", "CRF"), ("Task", "it's \"quoted\"")]
    for label in (LABELS if template == "uninner" else [None]):
        text = templates.answer(template, found, LABELS, label)
        # in text order, or (answers keyed by type) type by type
        assert sorted(answers.parse(text, LABELS, label).pairs) == \
            sorted(p for p in expected if label in (None, p[0]))
    if template == "iepile":  # every type of the schema, an empty list where none is found
        assert json.loads(templates.answer(template, [], LABELS)) == {"Task": [], "Method": []}


def fixtures() -> list[dict]:
    return [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("case", fixtures(), ids=lambda c: c["id"])
def test_real_model_answers_are_read_as_a_person_would(case):
    """Answers SmolLM2-135M-Instruct gave zero-shot to SciERC dev sentences (target_length
    128, so most are cut), each with the pairs a person reads in it."""
    parsed = answers.parse(case["answer"], case["labels"], case.get("label"))
    assert parsed.pairs == [tuple(p) for p in case["pairs"]]
    if "unknown" in case:
        assert parsed.unknown == [tuple(p) for p in case["unknown"]]


def test_cut_and_broken_answers_keep_what_was_whole():
    cut = "```json\n[{'E': 'Task', 'W': 'parsing'}, {'E': 'Method', 'W': 'CR"
    parsed = answers.parse(cut, LABELS)
    assert parsed.pairs == [("Task", "parsing")] and parsed.mended
    assert answers.parse('{"Task": ["parsing", "tagg', LABELS).pairs == [("Task", "parsing")]
    assert answers.parse("Sure! Here they are: [\"a\", 'b'] and more prose", LABELS, "Task"
                         ).pairs == [("Task", "a"), ("Task", "b")]
    assert answers.parse("No entities here.", LABELS).pairs == []
    assert answers.parse("", LABELS, "Task").pairs == []
    unknown = answers.parse("[{'E': 'Dataset', 'W': 'WSJ'}, {'E': 'task', 'W': 'tagging'}]",
                            LABELS)
    assert unknown.pairs == [("Task", "tagging")] and unknown.unknown == [("Dataset", "WSJ")]
    assert answers.complete("[{'E': 'Task', 'W': 'x'}] and then") and \
        not answers.complete("[{'E': 'Task', 'W': 'x'}")
    # two entities in one object, as small models write them, in Python's quotes too
    assert answers.parse("[{'E': 'Task', 'W': 'a', 'E': 'Method', 'W': 'b'}]", LABELS).pairs == \
        [("Task", "a"), ("Method", "b")]
    # the prompt's type list echoed first is not the answer, nor the end of generation
    echo = "The types are ['Task', 'Method']. Answer: [{'E': 'Task', 'W': 'x'}"
    assert not answers.complete(echo) and answers.complete(echo + "]")
    assert answers.parse(echo + "]", LABELS).pairs == [("Task", "x")]
    assert answers.complete("[]") and answers.complete('{"Task": [], "Method": []}')
    assert answers.parse('[{"E": "Task", "W": "a"}, {"E": "Method", "W": "CR', LABELS).unknown == []


def test_apostrophes_echoed_formats_deep_nesting_and_listed_words_are_read_as_meant():
    assert answers.parse("[{'E': 'Method', 'W': 'Dijkstra's algorithm'}]", LABELS).pairs == \
        [("Method", "Dijkstra's algorithm")]
    assert answers.parse("['Dijkstra's algorithm', 'A*']", LABELS, "Method").pairs == \
        [("Method", "Dijkstra's algorithm"), ("Method", "A*")]
    echo = "Format: [{'E': 'type', 'W': 'entity'}]\nAnswer: [{'E': 'Task', 'W': 'parsing'}]"
    assert answers.parse(echo, LABELS).pairs == [("Task", "parsing")]
    assert answers.parse('{"a": ' * 600 + "1" + "}" * 600, LABELS).pairs == []  # no recursion
    assert answers.parse('{"a":1,"b":' * 600, LABELS).pairs == []
    assert answers.parse('{"E": "Task", "W": ["MT", "parsing"]}', LABELS).pairs == \
        [("Task", "MT"), ("Task", "parsing")]
    assert answers.parse('[{"E": "Foo", "W": "a"}, {"E": "foo ", "W": "a"}]', LABELS
                         ).unknown == [("Foo", "a")]  # one unknown type, counted once


def test_a_mention_is_never_placed_inside_a_number_or_an_identifier():
    assert answers.occurrences("a width of 2.5 mm", "5 mm") == []
    assert answers.occurrences("1,000 cells", "000") == []
    assert answers.occurrences("word_embeddings", "word") == []
    assert answers.occurrences("a 2.5 mm gap, 3 mm", "2.5 mm") == [(2, 8)]
    assert answers.occurrences("took 5 min, not 0.5", "5") == [(5, 6)]


def test_mentions_are_placed_only_where_they_occur_as_whole_words():
    text = "R 4.3.2 (R Core Team) runs lme4; Rcpp too. lme4 again."
    spans, missing = answers.locate(text, [("PE", "R"), ("Dev", "R Core Team"),
                                           ("PlugIn", "lme4"), ("PlugIn", "ggplot2")])
    assert [(text[s:e], t) for s, e, t in spans] == [
        ("R", "PE"), ("R Core Team", "Dev"), ("lme4", "PlugIn"), ("lme4", "PlugIn")]
    assert missing == [("PlugIn", "ggplot2")]  # reported, never forced onto a span
    first, _ = answers.locate(text, [("PlugIn", "lme4")], every=False)
    assert [(s, e) for s, e, _ in first] == [(27, 31)]
    assert answers.locate("We used LME4.", [("PlugIn", "lme4")])[0] == [(8, 12, "PlugIn")]


def test_a_sentence_longer_than_source_length_is_asked_about_to_its_end(llm):
    model = load_model(llm)
    sample = list(formats.read(SAMPLE, "jsonl"))[0]
    doc = Document("long", " ".join(["data"] * 300) + " " + sample.text)
    pieces = model.pieces(doc)
    assert len(pieces) > 1 and pieces[0][0] == 0 and pieces[-1][1] == len(doc.text)
    assert all(a[1] < b[0] for a, b in zip(pieces, pieces[1:]))  # in order, apart
    assert doc.text[pieces[-1][1] - len("(R Core Team)."):pieces[-1][1]] == "(R Core Team)."
    covered = " ".join(doc.text[s:e] for s, e in pieces)
    assert covered.split() == doc.text.split()  # every word in one piece
    assert all(model._tokens(doc.text[s:e]) <= model.config.source_length + 2
               for s, e in pieces)


def test_a_prompt_that_cannot_fit_the_context_says_so(llm):
    model = load_model(llm)
    with pytest.raises(ValueError, match=r"past the context of 1024 \(the model's "
                                         r"max_position_embeddings\)"):
        model.use_labels([f"type number {k} with a long name" for k in range(200)])


def test_demonstrations_are_drawn_from_training_sentences_and_kept(llm, tmp_path):
    model = load_model(llm)
    model.config = model.config.model_copy(update={"shots": 2})
    docs = list(formats.read(SAMPLE, "jsonl"))
    model.examples(docs, [Annotated()] * len(docs))
    shots = model.shots
    assert len(shots) == 2 and all(pairs for _, pairs in shots)
    assert all(text in {d.text for d in docs} for text, _ in shots)
    model.examples(docs, [Annotated()] * len(docs))
    assert model.shots == shots  # seeded
    model.save(tmp_path / "m")
    assert load_model(tmp_path / "m").shots == shots
    prompt = model.prediction_inputs([Document("x", "We used SPSS.")])[0]
    assert prompt.question.messages[0]["content"].endswith(shots[0][0])


def test_a_source_is_asked_only_for_the_types_it_annotates(llm):
    model = load_model(llm)
    docs = list(formats.read(SAMPLE, "jsonl"))
    made = model.examples(docs, [Annotated(entities=frozenset({"Version"}))] * len(docs))
    for p in made:
        assert "['Version']" in p.question.messages[0]["content"]
        assert "Application" not in p.target
    assert any("Version" in p.target for p in made)


def test_an_answer_cut_at_target_length_is_said_in_the_documents_meta(llm):
    model = load_model(llm)
    model.config = model.config.model_copy(update={"target_length": 8})
    doc = list(formats.read(SAMPLE, "jsonl"))[1]
    predicted = next(model.predict([Document(doc.id, doc.text)]))
    assert predicted.meta == {"llm": {"cut": 1}} and model.counts["cut"] == 1


def test_show_prompts_writes_each_prompt_and_what_was_made_of_it(llm, tmp_path):
    nlp = load(llm)
    doc = list(formats.read(SAMPLE, "jsonl"))[1]
    with open(tmp_path / "prompts.jsonl", "w") as stream:
        nlp.extractors[0].show_prompts(stream)
        predicted = nlp(Document(doc.id, doc.text))
    line, = [json.loads(x) for x in (tmp_path / "prompts.jsonl").read_text().splitlines()]
    assert line["doc"] == doc.id and line["messages"][-1]["content"].endswith(doc.text)
    assert [tuple(e) for e in line["entities"]] == [(e.start, e.end, e.label)
                                                    for e in predicted.entities]
    assert line["answer"] and line["cut"] is False


def test_training_targets_past_target_length_are_left_out_and_counted(llm):
    model = load_model(llm)
    model.config = model.config.model_copy(update={"target_length": 10})
    docs = list(formats.read(SAMPLE, "jsonl"))
    made = model.examples(docs, [Annotated()] * len(docs))
    assert len(made) < len(docs) and model.skipped > 0


def test_extract_shows_prompts_of_a_trained_llm_and_asks_an_untrained_one(llm, lm, tmp_path):
    from typer.testing import CliRunner

    from assay.cli import app

    runner = CliRunner()
    text = list(formats.read(SAMPLE, "jsonl"))[2].text
    shown = tmp_path / "prompts.jsonl"
    result = runner.invoke(app, ["extract", text, "--model", str(llm), "--show-prompts",
                                 str(shown)])
    assert result.exit_code == 0, result.output
    assert "StataCorp" in result.output and "Developer" in result.output
    assert json.loads(shown.read_text().splitlines()[0])["answer"]
    said = re.search(r"(\d+) prompts? asked: (\d+) answered mentions? not in the text",
                     result.output)
    unplaced = sum(len(json.loads(line)["not_in_text"]) for line in shown.read_text().splitlines())
    assert said and int(said[1]) == len(shown.read_text().splitlines())
    assert int(said[2]) == unplaced
    result = runner.invoke(app, ["extract", text, "--llm", str(lm), "--labels", "Developer",
                                 "--template", "uninner"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["extract", text, "--llm", str(lm)])
    assert result.exit_code != 0 and "--llm needs --labels" in result.output
    result = runner.invoke(app, ["extract", text, "--model", "software", "--show-prompts",
                                 str(shown)])
    assert result.exit_code != 0 and "prompts no language model" in result.output


def test_a_ray_shard_says_what_the_language_model_answered(llm, tmp_path):
    from assay.ray_extract import ShardWorker, cut

    source = tmp_path / "in.jsonl"
    formats.write([Document(d.id, d.text) for d in formats.read(SAMPLE, "jsonl")][:3], source,
                  "jsonl")
    shard, = cut(source, 8)
    worker = type("Worker", (ShardWorker,), {"settings": dict(
        model=str(llm), runtime="torch", labels=None, input=str(source),
        folder=str(tmp_path), format="jsonl", batch_size=None, lenient=False, threads=1)})()
    shown = tmp_path / "prompts.jsonl"
    with open(shown, "w", encoding="utf-8") as transcript:
        worker.nlp.extractors[0].show_prompts(transcript)
        out = worker({k: [v] for k, v in vars(shard).items()})
    assert out["documents"] == [3] and out["error"] == [""]
    counts = json.loads(out["prompt_counts"][0])
    lines = [json.loads(line) for line in shown.read_text().splitlines()]
    assert counts["prompts"] == len(lines) >= 3
    assert counts["unplaced"] == sum(len(line["not_in_text"]) for line in lines)


from hypothesis import given, settings, strategies as st  # noqa: E402

ANSWERISH = st.text(alphabet=st.sampled_from(list("[]{}'\",: \\\nEWTaskMethod`json")) | st.characters(),
                    max_size=80)


@settings(max_examples=300, deadline=None)
@given(raw=ANSWERISH, text=st.text(max_size=40))
def test_any_answer_is_read_without_error_and_placed_only_inside_the_text(raw, text):
    for label in (None, "Task"):
        parsed = answers.parse(raw, LABELS, label)
        assert all(t in LABELS and w and w.strip() == w for t, w in parsed.pairs)
        spans, missing = answers.locate(text, parsed.pairs)
        said = {w.casefold() for _, w in parsed.pairs}
        assert all(0 <= s < e <= len(text) and text[s:e].casefold() in said for s, e, _ in spans)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # in order, apart
        assert set(missing) <= set(parsed.pairs)


def test_a_word_longer_than_source_length_is_cut_inside_not_sent_whole(llm):
    model = load_model(llm)
    sequence = "ACGT" * 400  # one 'word' of 1,600 characters
    doc = Document("dna", f"The sequence {sequence} was read.")
    pieces = model.pieces(doc)
    assert "".join(doc.text[s:e] for s, e in pieces).replace(" ", "") == doc.text.replace(" ", "")
    assert all(model._tokens(doc.text[s:e]) <= model.config.source_length + 2 for s, e in pieces)


def test_lora_adapters_are_all_that_is_saved_and_load_to_the_same_answers(lm, tmp_path):
    import torch

    from assay.models.llm import LLMExtractor
    from assay.models.llm.config import LLMConfig
    from assay.schema import Schema
    from safetensors.torch import load_file

    model = LLMExtractor.create(LLMConfig(model=str(lm), lora_rank=4, target_length=24),
                                Schema(entity_labels=["Application"]))
    torch.manual_seed(0)
    with torch.no_grad():  # adapters as training might leave them (B starts at zero)
        for name, p in model.module.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    docs = [Document(d.id, d.text) for d in formats.read(SAMPLE, "jsonl")]
    model.save(tmp_path / "m")
    saved = load_file(str(tmp_path / "m" / "weights.safetensors"))
    assert saved and all("lora_" in name for name in saved)
    before = [(e.start, e.end, e.label, round(e.score, 4)) for d in model.predict(docs)
              for e in d.entities]
    answers_before = model.counts
    again = load_model(tmp_path / "m")
    after = [(e.start, e.end, e.label, round(e.score, 4)) for d in again.predict(docs)
             for e in d.entities]
    assert after == before and again.counts == answers_before
