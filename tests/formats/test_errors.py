"""Malformed input gets one line naming file and record; lenient mode counts instead of raising."""
import json

import pytest

from assay import formats
from assay.errors import FormatError, Problems
from tests.fixtures import SOMD, gutbrainie_json, write_fixture


def first_error(fmt, path):
    with pytest.raises(FormatError) as info:
        list(formats.read(path, fmt))
    message = str(info.value)
    assert "\n" not in message
    return message


def test_truncated_json_names_file_and_line(tmp_path):
    path = tmp_path / "gold.json"
    path.write_text(gutbrainie_json()[:-40])
    message = first_error("gutbrainie", path)
    assert message.startswith(f"{path}:1:") and "invalid JSON" in message


def test_offset_past_the_text_names_the_record(tmp_path):
    data = json.loads(gutbrainie_json())
    data["12345"]["entities"][1]["end_idx"] = 400
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data))
    message = first_error("gutbrainie", path)
    assert "article 12345 entities[1]" in message and "end_idx 400" in message


def test_offset_past_the_text_in_jsonl(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "short", "entities": []}\n'
                    '{"id": "b", "text": "short", "entities": [{"start": 2, "end": 9, "label": "X"}]}\n')
    message = first_error("jsonl", path)
    assert message.startswith(f"{path}:2:") and "document 'b'" in message and "[2, 9)" in message


def test_i_after_o_names_file_and_line(tmp_path):
    path = tmp_path / "data.conll"
    path.write_text("Aspirin B-Chemical\ncauses O\nulcers I-Disease\n\n")
    message = first_error("conll", path)
    assert message.startswith(f"{path}:3:") and "I-Disease follows O" in message


def test_i_after_o_in_somd_names_entities_file_and_sentence(tmp_path):
    prefix = write_fixture("somd", tmp_path)
    (tmp_path / "train_entities.txt").write_text(SOMD["entities"].replace("B-Version", "I-Version"))
    message = first_error("somd", prefix)
    assert message.startswith(f"{tmp_path / 'train_entities.txt'}:1:") and "word 3" in message


def test_unknown_relation_argument(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "text": "Stata 13", "entities": [{"id": "T1", "start": 0, '
                    '"end": 5, "label": "App"}], "relations": [{"head": "T9", "tail": "T1", '
                    '"label": "Version_of"}]}\n')
    message = first_error("jsonl", path)
    assert f"{path}:1:" in message and "unknown argument id 'T9'" in message


def test_unknown_relation_argument_in_brat(tmp_path):
    folder = write_fixture("brat", tmp_path)
    ann = folder / "p1.ann"
    ann.write_text(ann.read_text() + "R9\tMeasure Arg1:T3 Arg2:T42\n")
    message = first_error("brat", folder)
    assert message.startswith(f"{ann}:") and "'T42'" in message


def test_somd_relation_to_no_entity(tmp_path):
    prefix = write_fixture("somd", tmp_path)
    (tmp_path / "train_relations.txt").write_text("Version_of\t4\t2\n\n")
    assert "no entity starts at token 4" in first_error("somd", prefix)


def test_lenient_mode_counts_and_keeps_the_rest(tmp_path):
    path = tmp_path / "data.conll"
    path.write_text("Aspirin B-Chemical\ncauses O\nulcers I-Disease\n\nIt O\nhelps O\n\n")
    problems = Problems(strict=False)
    docs = list(formats.read(path, "conll", problems))
    assert len(docs) == 2 and len(problems.errors) == 1
    # the stray I- is read as the start of an entity, not dropped
    assert [(docs[0].mention_text(e), e.label) for e in docs[0].entities] == [("Aspirin", "Chemical"), ("ulcers", "Disease")]


def test_pubtator_mention_text_must_match_offsets(tmp_path):
    path = tmp_path / "x.pubtator"
    path.write_text("1|t|Aspirin helps.\n1|a|Really.\n1\t0\t6\tAspirin\tChemical\tD1\n\n")
    assert first_error("pubtator", path).startswith(f"{path}:3:")


def test_writer_refuses_what_iob2_cannot_hold(tmp_path):
    docs = list(formats.read(write_fixture("genia", tmp_path / "in"), "genia"))
    with pytest.raises(FormatError, match="nested or overlapping"):
        formats.write(docs, tmp_path / "out.conll", "conll")


def test_missing_file_is_named(tmp_path):
    assert "no such file" in first_error("dygie", tmp_path / "absent.json")


def damaged_measeval(tmp_path, old: str, new: str):
    """The MeasEval fixture with `old` replaced by `new` in its P1.tsv; its folder."""
    folder = write_fixture("measeval", tmp_path)
    table = folder / "tsv" / "P1.tsv"
    table.write_text(table.read_text().replace(old, new))
    return folder


def test_measeval_row_whose_text_is_not_at_its_offsets_names_file_and_line(tmp_path):
    message = first_error("measeval", damaged_measeval(tmp_path, "\t13\t19\t", "\t12\t18\t"))
    assert "P1.tsv:2:" in message and "'12.5 m' is not the text at 12-18" in message


def test_measeval_relation_to_no_row_names_file_and_line(tmp_path):
    message = first_error("measeval", damaged_measeval(tmp_path, '{"Qualifies": "T1-2"}',
                                                       '{"Qualifies": "T9"}'))
    assert "P1.tsv:7:" in message and "'T9', which no row of the file is" in message


def test_measeval_annotations_without_their_text_are_named_and_counted_when_lenient(tmp_path):
    folder = write_fixture("measeval", tmp_path)
    (folder / "tsv" / "P3.tsv").write_text((folder / "tsv" / "P1.tsv").read_text())
    assert "P3.tsv: has no text text/P3.txt to annotate" in first_error("measeval", folder)
    problems = Problems(strict=False)
    assert [d.id for d in formats.read(folder, "measeval", problems)] == ["P1", "P2"]
    assert len(problems.errors) == 1


def test_measeval_key_given_twice_in_other_is_reported_and_the_span_kept(tmp_path):
    folder = damaged_measeval(tmp_path, '{"unit": "m"}', '{"unit": "m", "unit": "cm"}')
    assert "P1.tsv:2: other gives the key 'unit' twice" in first_error("measeval", folder)
    problems = Problems(strict=False)
    doc = next(formats.read(folder, "measeval", problems))
    assert len(doc.entities) == 6 and doc.entity_by_id()["T1-1"].attrs == {"annotSet": 1}
    assert len(problems.errors) == 1


def test_measeval_annot_id_given_twice_skips_that_row_only(tmp_path):
    folder = damaged_measeval(tmp_path, "\tT4-2\t", "\tT1-2\t")
    message = first_error("measeval", folder)
    assert "P1.tsv:7: annotId 'T1-2' is given to an earlier row too" in message
    problems = Problems(strict=False)
    doc = next(formats.read(folder, "measeval", problems))
    assert len(doc.entities) == 5 and len(problems.errors) == 1
