"""Training for whole papers: label maps named or written out, splits kept as id lists,
examples without entities seen less often, training sentences that are dev sentences left
out, and training that starts from an earlier model (`init_from`)."""
import json

import pytest

from assay.doc import Document, Entity
from assay.labels import parse_label_map
from assay.models.windows import Window
from assay.training import load_recipe, train
from assay.training.data import EpochSampler, in_dev, without_entities
from tests.models.conftest import SAMPLE, write_recipe


def test_label_maps_by_name_file_or_pairs(tmp_path):
    somesci = parse_label_map("somesci")
    assert somesci["Application_Usage"] == somesci["Application_Creation"] == "Application"
    assert somesci["PlugIn_Deposition"] == "PlugIn" and "Version" not in somesci
    (tmp_path / "map.toml").write_text('Application_Usage = "Application"\n')
    (tmp_path / "map.json").write_text('{"A": "B"}')
    assert parse_label_map(str(tmp_path / "map.toml")) == {"Application_Usage": "Application"}
    assert parse_label_map(str(tmp_path / "map.json")) == {"A": "B"}
    assert parse_label_map("A=B, C=D") == {"A": "B", "C": "D"}
    for bad in ("somesky", "A=", str(tmp_path / "missing.json")):
        with pytest.raises(ValueError, match="label map"):
            parse_label_map(bad)


def window(doc: int, start: int, end: int) -> Window:
    return Window(doc, [(start, end)], (0, 1), [], [], [], [])


def test_examples_without_entities_are_seen_as_often_as_their_weight_says():
    docs = [Document("d", "ImageJ was used. Cells were counted.",
                     [Entity(0, 6, "Application", id="T1")])]
    examples = [window(0, 0, 16), window(0, 17, 36)] * 5
    empty = without_entities(examples, docs)
    assert empty == [False, True] * 5
    sampler = EpochSampler([0] * 10, [1.0], False, empty, [0.4])
    assert len(sampler) == 7  # 5 with an entity, two fifths of the 5 without
    epoch = sampler.epoch(3)
    assert sorted(i for i in epoch if not empty[i]) == [0, 2, 4, 6, 8]
    assert sum(empty[i] for i in epoch) == 2 and len(set(epoch)) == 7
    assert EpochSampler([0] * 10, [1.0], False, empty, [0.0]).epoch(1).count(1) == 0
    assert EpochSampler([0] * 10, [1.0], False, empty).epoch(3) == list(range(10))


def test_a_training_sentence_that_is_a_dev_sentence_is_found_across_tokenisations():
    running = ("Cells were counted. Statistical analyses were performed with SigmaPlot 11.0 "
               "(Systat, Inc., San Jose, CA). All tests were two-sided.")
    docs = [Document("paper", running)]
    dev = [Document("somd", "Statistical analyses were performed with SigmaPlot 11.0 ( Systat , "
                            "Inc . , San Jose , CA . )")]
    first, second = running.index("Statistical"), running.index(" All")
    examples = [window(0, 0, 19), window(0, first, second), window(0, second + 1, len(running)),
                window(0, 0, len(running))]  # the last holds the dev sentence
    assert in_dev(examples, docs, dev) == [False, True, False, True]


def test_a_recipe_reads_a_listed_split_with_a_named_map_and_leaves_dev_sentences_out(
        tmp_path, encoder):
    sample = [json.loads(line) for line in SAMPLE.read_text().splitlines()]
    lines = lambda docs: "".join(json.dumps(d) + "\n" for d in docs)  # noqa: E731
    (tmp_path / "dev.jsonl").write_text(lines(sample[:2]))
    for doc in sample:  # SoMeSci's way: the role a suffix of the type
        for e in doc["entities"]:
            e["label"] = {"Application": "Application_Usage"}.get(e["label"], e["label"])
    (tmp_path / "roles.jsonl").write_text(lines(sample))
    (tmp_path / "ids.txt").write_text("# the first three\n" + "".join(
        d["id"] + "\n" for d in sample[:3]))
    model = write_recipe(tmp_path, encoder).read_text().partition("[model]")[2]
    recipe = tmp_path / "papers.toml"
    recipe.write_text(f"""[data]
protocol = "somd"
drop_dev_sentences = true

[[data.sources]]
name = "roles"
format = "jsonl"
train = "{tmp_path / 'roles.jsonl'}"
train_ids = "{tmp_path / 'ids.txt'}"
label_map = "somesci"
empty_weight = 0.5

[[data.sources]]
name = "plain"
format = "jsonl"
train = "{SAMPLE}"
dev = "{tmp_path / 'dev.jsonl'}"

[model]{model.replace('epochs = 60', 'epochs = 1')}""")
    train(load_recipe(recipe), quiet=True)
    counts = json.loads((tmp_path / "model" / "training_data.json").read_text())
    assert {k: (c["documents"], c["dev_sentences_left_out"], c["examples"])
            for k, c in counts.items()} == {"roles": (3, 2, 1), "plain": (4, 2, 2)}
    schema = (tmp_path / "model" / "schema.json").read_text()
    assert "Application_Usage" not in schema and '"Application"' in schema


def test_training_can_start_from_an_earlier_model(tmp_path, encoder):
    from assay.models.registry import load_model

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_recipe(tmp_path / "a", encoder)
    train(load_recipe(first), quiet=True)
    again = write_recipe(tmp_path / "b", encoder, epochs=0)
    again.write_text(again.read_text().replace(
        "[model]\n", f'[model]\ninit_from = "{tmp_path / "a" / "model"}"\n'))
    train(load_recipe(again), quiet=True)
    before = json.loads((tmp_path / "a" / "model" / "metrics.json").read_text())["dev"]
    after = json.loads((tmp_path / "b" / "model" / "metrics.json").read_text())["dev"]
    assert after == before  # the same weights, scored on the same dev
    doc = load_model(tmp_path / "b" / "model").predict([Document("x", "We used ImageJ.")])
    assert next(iter(doc)).id == "x"


def test_units_may_split_where_letters_meet_digits():
    from assay.text.units import unit_spans

    text = "SPM12 and GENEPOP v4.0"
    pieces = lambda **kw: [text[s:e] for s, e in unit_spans(text, **kw)]  # noqa: E731
    assert pieces() == ["SPM12", "and", "GENEPOP", "v4", ".", "0"]
    assert pieces(split_digits=True) == ["SPM", "12", "and", "GENEPOP", "v", "4", ".", "0"]


def _one_source_recipe(tmp_path):
    """A recipe of one Mix source, named `papers`."""
    recipe = tmp_path / "r.toml"
    recipe.write_text(f"""[data]
[[data.sources]]
name = "papers"
format = "jsonl"
train = "{SAMPLE}"
[model]
family = "joint"
[train]
output = "{tmp_path / 'out'}"
""")
    return recipe


def test_set_reaches_a_named_source_and_says_how_when_it_cannot(tmp_path):
    from assay.errors import RecipeError

    recipe = _one_source_recipe(tmp_path)
    assert load_recipe(recipe, {"data.sources.papers.empty_weight": 0.3}).data.sources[0] \
        .empty_weight == 0.3
    for key in ("data.sources.other.weight", "seed"):
        with pytest.raises(RecipeError, match="data.sources.NAME.key for a named source"):
            load_recipe(recipe, {key: 1})


def test_set_appends_a_source_and_refuses_what_is_not_a_list(tmp_path):
    from assay.errors import RecipeError
    from assay.training import parse_sets

    recipe = _one_source_recipe(tmp_path)
    def more(name):
        return f'data.sources +=[{{"name": "{name}", "format": "jsonl", "train": "{SAMPLE}"}}]'

    sources = load_recipe(recipe, parse_sets([more("more")])).data.sources
    assert [(s.name, s.weight) for s in sources] == [("papers", 1.0), ("more", 1.0)]
    twice = load_recipe(recipe, parse_sets([more("a"), more("b")])).data.sources
    assert [s.name for s in twice] == ["papers", "a", "b"]
    with pytest.raises(RecipeError, match=r"not a JSON list after \+="):
        parse_sets(["data.sources+=[{name: genia}]"])
    with pytest.raises(RecipeError, match=r"r.toml: cannot append to 'data.sources'"):
        load_recipe(recipe, parse_sets(['data.sources+={"name": "one"}']))
    with pytest.raises(RecipeError, match=r"cannot append to 'train.output'"):
        load_recipe(recipe, parse_sets(["train.output+=[1]"]))
