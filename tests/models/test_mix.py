"""Training on a Mix of sources with different label sets: a type one source does not annotate
gets no loss from its documents; sampling weights; label maps that count what they leave out."""
import json

import torch

from assay.doc import Document, Entity, Relation
from assay.labels import LabelMap
from assay.models.contract import EVERYTHING, Annotated
from assay.models.registry import family
from assay.schema import Schema
from assay.training import load_recipe, train
from assay.training.data import EpochSampler, read_sources
from tests.models.conftest import SAMPLE
from tests.models.tiny import TINY

NAMES = ["Application", "PlugIn", "ProgrammingEnvironment", "OperatingSystem"]
ATTRIBUTES = ["Version", "Developer", "URL"]


def mix_recipe(folder, encoder, tiny) -> str:
    """Two sources from the sample, one annotating software names only, the other their
    attributes only (the types it does not keep are left out of its documents)."""
    model = {**tiny.model, "encoder": str(encoder)}
    sources = "".join(f"""
[[data.sources]]
name = "{name}"
format = "jsonl"
train = "{SAMPLE}"
dev = "{SAMPLE}"
labels = {json.dumps(labels)}
""" for name, labels in (("names", NAMES), ("attributes", ATTRIBUTES)))
    recipe = folder / "mix.toml"
    recipe.write_text(f"""
[data]
protocol = "multitask"
{sources}
[model]
""" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in model.items()) + f"""
[train]
output = "{folder / 'model'}"
epochs = 2
batch_size = 2
metric = "disjoint.micro_f1"
""")
    return recipe


def test_a_mix_reads_each_source_with_what_it_annotates(tmp_path, encoder):
    said = []
    data, dev = read_sources(load_recipe(mix_recipe(tmp_path, encoder, TINY["span"]["plain"])).data,
                             say=said.append)
    assert data.names == ["names", "attributes"] and data.counts() == {"names": 4, "attributes": 4}
    assert [a.entities for a in data.annotates] == [frozenset(NAMES), frozenset(ATTRIBUTES)]
    for doc, source in zip(data.docs, data.source):
        assert {e.label for e in doc.entities} <= set([NAMES, ATTRIBUTES][source])
        assert doc.meta["dataset"] == data.names[source]
    assert any("left out (type not kept): " in line and "entity Version" in line for line in said)
    assert {d.meta["dataset"] for d in dev} == {"names", "attributes"}
    # both dev sets are the same file: named apart, or scoring would pair one with the other
    assert len({d.id for d in dev}) == len(dev) == 8 and dev[0].id.startswith("names/")
    recipe = load_recipe(mix_recipe(tmp_path, encoder, TINY["span"]["plain"]),
                         {"data.unannotated": "negative"})  # plain concatenation
    assert read_sources(recipe.data, say=said.append)[0].annotates == [EVERYTHING, EVERYTHING]


def test_span_prompts_every_type_but_scores_only_those_its_window_source_annotates(
        tmp_path, encoder):
    recipe = load_recipe(mix_recipe(tmp_path, encoder, TINY["span"]["plain"]))
    data, _ = read_sources(recipe.data, say=lambda _: None)
    span = family("span").extractor.create(recipe.model_config_object(),
                                           Schema.from_documents(data.docs))
    scored = {0: set(), 1: set()}
    for annotated in (data.annotated, [EVERYTHING] * len(data.docs)):
        examples = span.examples(data.docs, annotated)
        for seed in range(5):
            for batch in span.batches(examples, 4, seed=seed):
                for b, (window, types) in enumerate(zip(batch["examples"], batch["types"])):
                    source = data.source[window.doc]
                    # every type the source does not annotate is prompted, as at prediction
                    assert set(range(len(span.labels))) - set(window.gold["annotated"]) \
                        <= set(types)
                    losing = {span.labels[t] for t, s in zip(types, batch["scored"][b]) if s}
                    assert not batch["targets"][b][:, ~batch["scored"][b]].any()
                    if annotated is data.annotated:
                        assert losing <= data.annotates[source].entities
                    scored[source] |= losing
    # with every type annotated, the other source's types are scored as negatives: the
    # check above is what the Mix changes
    assert scored[1] & set(NAMES) and scored[0] & set(ATTRIBUTES)


def test_joint_never_pushes_down_an_unannotated_type_outside_gold_entities(encoder):
    docs = [Document("d", "We used Stata 13 and R.", [Entity(8, 13, "Application", id="T1"),
                                                      Entity(14, 16, "Version", id="T2")],
                     [Relation("T2", "T1", "Version_of")])]
    schema = Schema.from_documents(docs)
    only_versions = [Annotated(frozenset({"Version"}), frozenset())]
    torch.manual_seed(0)
    joint = family("joint").extractor.create(
        family("joint").config(encoder=str(encoder), dropout=0.0), schema)
    captured = {}
    tagger = joint.module.ner_logits

    def spy(units):
        captured["logits"] = logits = tagger(units)
        logits.retain_grad()
        return logits

    joint.module.ner_logits = spy
    b_application = joint.tags.index("B-Application")
    gradients = []
    for annotated in ([EVERYTHING], only_versions):
        batch = next(joint.batches(joint.examples(docs, annotated), 1))
        joint.training_step(batch)["loss"].backward()
        outside = batch["tags"][0] == 0  # units tagged O
        gradients.append(captured["logits"].grad[0, outside, b_application])
    # annotated: every O unit pushes B-Application down; unannotated: none does (at "Stata",
    # gold O in the second source's eyes, it may even be pushed up)
    assert (gradients[0] > 0).all() and (gradients[1] <= 1e-9).all()


def test_mix_recipe_trains_end_to_end(tmp_path, encoder):
    scores = train(load_recipe(mix_recipe(tmp_path, encoder, TINY["span"]["plain"])), quiet=True)
    assert set(scores["dev"]) == {"disjoint", "merged"}
    card = (tmp_path / "model" / "README.md").read_text()
    assert card.count(f"- train: {SAMPLE}") == 2


def test_sampling_weights_and_inverse_sizes():
    sources = [0] * 8 + [1] * 2
    half_double = EpochSampler(sources, [0.5, 2.0], inverse=False)
    assert len(half_double) == 8
    epoch = half_double.epoch(7)
    assert epoch == half_double.epoch(7) and epoch != half_double.epoch(8)
    assert sum(i < 8 for i in epoch) == 4 and sorted(i for i in epoch if i >= 8) == [8, 8, 9, 9]
    inverse = EpochSampler([0] * 6 + [1] * 2, [1.0, 1.0], inverse=True)
    assert len(inverse) == 4  # the mean size, 4, in equal shares: 2 of each source
    epoch = inverse.epoch(1)
    assert len(set(epoch) & set(range(6))) == 2 and sorted(epoch)[2:] == [6, 7]
    assert len(EpochSampler(sources, [2.0, 2.0], inverse=True)) == 10  # weight 2: shares of 5
    assert EpochSampler(sources, [1.0, 1.0], inverse=False).epoch(3) == list(range(10))


def test_a_sources_labels_are_named_before_its_prefix(tmp_path, encoder):
    recipe = mix_recipe(tmp_path, encoder, TINY["span"]["plain"])
    recipe.write_text(recipe.read_text().replace("labels = ", 'label_prefix = "x/"\nlabels = '))
    data, _ = read_sources(load_recipe(recipe).data, say=lambda line: None)
    assert data.annotates[0].entities == frozenset(f"x/{name}" for name in NAMES)
    kept = {e.label for doc, k in zip(data.docs, data.source) if k == 0 for e in doc.entities}
    assert kept and kept <= data.annotates[0].entities


def test_a_prompt_without_entities_is_known_as_one_for_empty_weight():
    from dataclasses import dataclass

    from assay.training.data import without_entities

    @dataclass
    class Piece:  # as an llm Prompt: a document's characters start..end, no units
        doc: int
        start: int
        end: int

    docs = [Document("d", "Heated to 300 K. Then cooled.", [Entity(10, 15, "Quantity", id="T1")])]
    assert without_entities([Piece(0, 0, 16), Piece(0, 17, 29)], docs) == [False, True]


def test_a_label_map_renames_prefixes_keeps_and_counts_what_it_leaves_out():
    doc = Document("d", "ImageJ 1.5 by NIH", [Entity(0, 6, "Application_Usage", id="T1"),
                                               Entity(7, 10, "Version", id="T2"),
                                               Entity(14, 17, "Developer", id="T3")],
                   [Relation("T2", "T1", "Version_of"), Relation("T3", "T1", "Developer_of")])
    relabel = LabelMap({"Application_Usage": "Application"}, "somesci/",
                       frozenset({"Application", "Version"}))  # named before the prefix
    mapped = relabel(doc)
    assert [e.label for e in mapped.entities] == ["somesci/Application", "somesci/Version"]
    assert [r.label for r in mapped.relations] == ["somesci/Version_of"]
    assert relabel.dropped == {"entity somesci/Developer": 1, "relation somesci/Developer_of": 1}


def test_parts_of_a_source_are_disjoint_and_cover_it():
    from assay.training.data import part
    from assay.training.recipe import SourceConfig

    docs = [Document(str(k), "text") for k in range(11)]
    halves = [part(docs, "1/2"), part(docs, "2/2")]
    assert sorted(d.id for h in halves for d in h) == sorted(d.id for d in docs)
    assert {len(h) for h in halves} == {5, 6} and halves[0] == part(docs, "1/2")
    for bad in ("0/2", "3/2", "half"):
        try:
            SourceConfig(format="jsonl", train="x", part=bad)
        except ValueError as err:
            assert "k/n" in str(err)
        else:
            raise AssertionError(bad)


def test_entities_are_read_for_training_without_the_white_space_at_their_edges(tmp_path, encoder):
    # WLPC's BRAT spans may end on a no-break space; every family maps entities onto words
    from assay.training.data import read_docs

    (tmp_path / "p.txt").write_text("Add 200\xa0μL chloroform\xa0per tube.\n")
    (tmp_path / "p.ann").write_text("T1\tAmount 4 10\t200\xa0μL\n"
                                    "T2\tReagent 11 22\tchloroform\xa0\n"
                                    "T3\tLocation 25 30\t tube\n")
    said = []
    docs = read_docs([str(tmp_path)], "brat", lenient=False, say=said.append)
    text = docs[0].text
    assert [text[e.start:e.end] for e in docs[0].entities] == ["200\xa0μL", "chloroform", "tube"]
    assert said == [f"{tmp_path}: 2 entities trimmed of the white space at their edges "
                    "(a model reads whole words)"]
    recipe = load_recipe(mix_recipe(tmp_path, encoder, TINY["span"]["plain"]))
    schema = Schema(entity_labels=["Amount", "Reagent", "Location"])
    span = family("span").extractor.create(recipe.model_config_object(), schema)
    gold = span.examples(docs, [EVERYTHING])[0].gold["spans"]
    assert len(gold) == 3
