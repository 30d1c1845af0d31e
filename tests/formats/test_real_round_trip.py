"""Writers give back the original files of the real corpora (skipped without ../shared/datasets)."""
import json

from assay import formats


def rewrite(fmt, source, target):
    formats.write(formats.read(source, fmt), target, fmt)
    return target


def json_lines(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_pubtator_is_byte_identical(datasets, tmp_path):
    source = datasets / "bc5cdr_cid" / "dev.pubtator"
    assert rewrite("pubtator", source, tmp_path / "dev.pubtator").read_text() == source.read_text()


def test_somd_files_are_byte_identical(datasets, tmp_path):
    rewrite("somd", datasets / "somd2025" / "dev", tmp_path / "dev")
    for part in ("texts", "entities", "relations"):
        assert (tmp_path / f"dev_{part}.txt").read_text() == \
            (datasets / "somd2025" / f"dev_{part}.txt").read_text()


def test_json_formats_give_the_same_records(datasets, tmp_path):
    assert json_lines(rewrite("dygie", datasets / "scierc" / "dev.json", tmp_path / "s.json")) == \
        json_lines(datasets / "scierc" / "dev.json")
    assert json_lines(rewrite("genia", datasets / "genia_nested" / "dev.jsonl", tmp_path / "g.jsonl")) == \
        json_lines(datasets / "genia_nested" / "dev.jsonl")
    assert json.loads(rewrite("spert", datasets / "conll04" / "dev.json", tmp_path / "c.json").read_text()) == \
        json.loads((datasets / "conll04" / "dev.json").read_text())


def test_gutbrainie_gives_the_same_articles_up_to_list_order(datasets, tmp_path):
    source = datasets / "gutbrainie2025" / "train_platinum.json"
    original = json.loads(source.read_text())
    written = json.loads(rewrite("gutbrainie", source, tmp_path / "p.json").read_text())

    def canonical(article):
        return {k: sorted(json.dumps(x, sort_keys=True) for x in v) if isinstance(v, list) else v
                for k, v in article.items()}

    assert {k: canonical(v) for k, v in written.items()} == {k: canonical(v) for k, v in original.items()}


def test_brat_reads_back_equal(datasets, tmp_path):
    docs = list(formats.read(datasets / "wlpc" / "dev", "brat"))
    formats.write(docs, tmp_path / "wlpc", "brat")
    assert list(formats.read(tmp_path / "wlpc", "brat")) == docs


def test_measeval_files_are_byte_identical(datasets, tmp_path):
    source = datasets / "measeval" / "train"
    rewrite("measeval", source, tmp_path / "train")
    for sub in ("tsv", "text"):
        names = sorted(p.name for p in (source / sub).iterdir())
        assert sorted(p.name for p in (tmp_path / "train" / sub).iterdir()) == names
        for name in names:
            assert (tmp_path / "train" / sub / name).read_bytes() == (source / sub / name).read_bytes()
