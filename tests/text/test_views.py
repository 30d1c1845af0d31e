from assay.doc import Entity
from assay.text import spans_to_tags, split_sentences, tags_to_spans, word_spans
from assay.text.bio import TagError

import pytest


def test_word_spans_are_cut_at_entity_boundaries():
    text = "Mutation Surveyor v3.10 (SoftGenetics)."
    words = word_spans(text, cuts=[25, 37])
    assert [text[s:e] for s, e in words] == ["Mutation", "Surveyor", "v3.10", "(", "SoftGenetics", ")."]


def test_tags_round_trip_through_spans():
    words = [(0, 4), (5, 9), (10, 15)]
    ents = [Entity(0, 9, "Application", id="T1"), Entity(10, 15, "Version", id="T2")]
    tags = spans_to_tags(words, ents)
    assert tags == ["B-Application", "I-Application", "B-Version"]
    assert tags_to_spans(tags) == [(0, 2, "Application"), (2, 3, "Version")]


def test_strict_iob2_and_repair():
    with pytest.raises(TagError, match="word 1: I-X follows O"):
        tags_to_spans(["O", "I-X"])
    assert tags_to_spans(["O", "I-X", "I-X", "I-Y"], repair=True) == [(1, 3, "X"), (3, 4, "Y")]


def test_sentences_skip_abbreviations_and_keep_offsets():
    text = "We used R (R Core Team, e.g. v4). Results in Fig. 2 were clear! Next one"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["We used R (R Core Team, e.g. v4).",
                                             "Results in Fig. 2 were clear!", "Next one"]
    assert split_sentences("") == []


def test_sentences_end_at_every_newline_and_after_a_unit():
    text = ("Add 20ul Proteinase K. \nVortex for 15 s. Incubate at 37 °C. Spin down.\n"
            "J. R. Smith and J.-P. Sartre wrote it (\"A. Smith\" too) [B. Jones].")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Add 20ul Proteinase K.", "Vortex for 15 s.", "Incubate at 37 °C.", "Spin down.",
        text[text.index("J. R."):]]
