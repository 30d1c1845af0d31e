"""The HTTP service: answers, limits as JSON errors, batching of concurrent requests."""
import io
import json
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

import assay  # noqa: E402
from assay.doc import Entity  # noqa: E402
from assay.pipeline import Pipeline, resolve_model  # noqa: E402
from assay.schema import Schema  # noqa: E402
from assay.server.app import Limits, create_app  # noqa: E402

SENTENCE = "We used SPSS 25 (IBM)."


class Finder:
    """A label-prompted stand-in model: marks each label's first occurrence in the text, and
    records the batches it is given (and, with `pause`, takes its time over each)."""

    family = SimpleNamespace(name="finder", takes_labels=True, finds_entities=True,
                             finds="entities")

    def __init__(self, labels=("cat", "dog"), pause=0.0):
        self.schema = Schema(entity_labels=list(labels))
        self.labels = list(labels)
        self.pause = pause
        self.batches: list[int] = []
        self.label_calls: list[list[str]] = []
        self.running, self.most_at_once = 0, 0  # batches predicting now, and at most

    def use_labels(self, labels, descriptions=None):
        self.labels = list(labels)
        self.label_calls.append(list(labels))

    def predict(self, docs, batch_size=None):
        docs = list(docs)
        self.batches.append(len(docs))
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        labels = list(self.labels)
        time.sleep(self.pause)
        assert self.labels == labels, "the labels changed under a running batch"
        self.running -= 1
        for doc in docs:
            doc.entities = [Entity(doc.text.index(w), doc.text.index(w) + len(w), w, f"T{i}")
                            for i, w in enumerate(labels, 1) if w in doc.text]
            yield doc


def client(model, **limits) -> TestClient:
    return TestClient(create_app({"finder": Pipeline([model])}, Limits(**limits)))


@pytest.fixture(scope="module")
def software():
    app = create_app({"software": assay.load("software")}, Limits(max_texts=4, max_chars=200),
                     {"software": resolve_model("software")})
    with TestClient(app) as c:
        yield c


def test_extract_finds_software_and_its_relations(software):
    # what `curl -X POST 127.0.0.1:8000/extract -d '{"text": ...}'` sends: a form's content type
    answer = software.post("/extract", content=json.dumps({"text": SENTENCE}),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 200, answer.text
    doc, = answer.json()["documents"]
    found = {(SENTENCE[e["start"]:e["end"]], e["label"]) for e in doc["entities"]}
    assert {("SPSS", "Application"), ("25", "Version"), ("IBM", "Developer")} <= found
    by_id = {e["id"]: SENTENCE[e["start"]:e["end"]] for e in doc["entities"]}
    assert {(by_id[r["head"]], r["label"], by_id[r["tail"]]) for r in doc["relations"]} >= {
        ("25", "Version_of", "SPSS"), ("IBM", "Developer_of", "SPSS")}


def test_texts_and_documents_keep_order_and_ids(software):
    texts = ["We used R.", SENTENCE, "Nothing here."]
    docs = software.post("/extract", json={"texts": texts}).json()["documents"]
    assert [d["id"] for d in docs] == ["text-1", "text-2", "text-3"]
    assert [d["text"] for d in docs] == texts
    sent = {"id": "pmc-7", "text": SENTENCE, "sections": [{"name": "methods", "start": 0,
                                                           "end": len(SENTENCE)}],
            "meta": {"source": "x"}}
    doc, = software.post("/extract", json={"documents": [sent]}).json()["documents"]
    assert (doc["id"], doc["sections"], doc["meta"]) == ("pmc-7", sent["sections"], sent["meta"])
    assert doc["entities"]


def test_models_health_and_schema(software):
    info, = software.get("/models").json()["models"]
    assert info["name"] == "software" and "Application" in info["entity_labels"]
    assert "Version_of" in info["relation_labels"] and info["takes_labels"] is False
    assert info["protocol"] == "somd" and 0 < info["scores"]["entities"] <= 1
    assert software.get("/health").json()["status"] == "ok"
    schema = software.get("/openapi.json").json()
    body = schema["paths"]["/extract"]["post"]["requestBody"]["content"]["application/json"]
    assert {"text", "texts", "documents", "labels"} <= set(body["schema"]["properties"])
    page = software.get("/")
    assert page.status_code == 200 and "<textarea" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # no external asset


@pytest.mark.parametrize("body, status, names", [
    ({"texts": ["a"] * 5}, 422, "max_texts"),
    ({"texts": ["short", "x" * 201]}, 422, "texts[1]"),
    ({"text": "x" * 201}, 422, "max_chars"),
    ({"tex": "typo"}, 422, "tex"),
    ({"text": "a", "texts": ["b"]}, 422, "exactly one"),
    ({"text": "a", "model": "nope"}, 422, "nope"),
    ({"text": "a", "labels": ["Cat"]}, 422, "labels"),
    ({"documents": [{"id": "d", "text": "ab", "entities": [
        {"id": "T1", "start": 0, "end": 9, "label": "Application"}]}]}, 422, "documents[0]"),
])
def test_bad_requests_are_json_errors_naming_what_is_wrong(software, body, status, names):
    answer = software.post("/extract", json=body)
    assert answer.status_code == status
    assert names in answer.json()["error"]["message"]


def test_limits_name_themselves(software):
    answer = software.post("/extract", json={"texts": ["a"] * 5}).json()["error"]
    assert (answer["limit"], answer["allowed"], answer["got"]) == ("max_texts", 4, 5)
    assert software.post("/extract", content=b"{not json").status_code == 422


def test_a_body_over_the_limit_is_413_declared_or_streamed():
    with client(Finder(), max_body_bytes=100) as c:
        big = json.dumps({"text": "cat " * 100}).encode()
        declared = c.post("/extract", content=big)
        assert declared.status_code == 413
        assert declared.json()["error"]["limit"] == "max_body_bytes"
        streamed = c.post("/extract", content=iter([big[:60], big[60:]]))  # chunked, no length
        assert streamed.status_code == 413
        assert c.post("/extract", json={"text": "a cat"}).status_code == 200


def test_a_slow_request_is_504_and_the_service_goes_on():
    model = Finder(pause=0.5)
    with client(model, timeout_s=0.1) as c:
        answer = c.post("/extract", json={"text": "a cat"})
        assert answer.status_code == 504 and answer.json()["error"]["limit"] == "timeout_s"
        model.pause = 0.0
        time.sleep(0.5)
        assert c.post("/extract", json={"text": "a dog"}).status_code == 200


def test_requests_past_the_concurrency_limit_are_503():
    model = Finder(pause=0.4)
    with client(model, max_concurrent=2, batch_wait_ms=0) as c:
        with ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(lambda i: c.post("/extract", json={"text": f"cat {i}"})
                                  .status_code, range(6)))
    assert codes.count(200) >= 1 and codes.count(503) >= 1
    assert set(codes) <= {200, 503}


def test_concurrent_requests_share_batches_and_get_their_own_answers():
    model = Finder(pause=0.05)
    with client(model, batch_wait_ms=20) as c:
        texts = [f"a cat number {i}" if i % 2 else f"a dog number {i}" for i in range(24)]

        def ask(text):
            return c.post("/extract", json={"text": text}).json()["documents"][0]

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(ask, texts))
    assert [a["text"] for a in answers] == texts
    for a in answers:
        assert [e["label"] for e in a["entities"]] == (["cat"] if "cat" in a["text"] else ["dog"])
        assert a["id"] == "text-1"
    assert sum(model.batches) == 24 and len(model.batches) < 24


def test_workers_run_batches_at_once_and_never_under_other_labels():
    """Two workers share what is queued and run together; a batch asking for other labels
    waits until no batch runs, and every request gets its own labels' answer."""
    model = Finder(pause=0.05)
    with client(model, batch_wait_ms=20, workers=2) as c:
        def ask(i):
            body = {"text": f"a cat and a cow {i}"}
            if i % 6 == 5:
                body["labels"] = ["cow"]
            found = c.post("/extract", json=body).json()["documents"][0]["entities"]
            return i, [e["label"] for e in found]

        with ThreadPoolExecutor(12) as pool:
            answers = list(pool.map(ask, range(60)))
    for i, labels in answers:
        assert labels == (["cow"] if i % 6 == 5 else ["cat"]), i
    assert model.most_at_once == 2 and sum(model.batches) == 60


def test_requests_of_no_texts_gathered_together_are_answered():
    model = Finder(pause=0.05)
    with client(model, batch_wait_ms=20, workers=2) as c:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda i: c.post("/extract", json={"texts": []}), range(8)))
        assert [a.status_code for a in answers] == [200] * 8
        assert all(a.json()["documents"] == [] for a in answers)
        assert c.post("/extract", json={"text": "a cat"}).status_code == 200


def test_labels_per_request_and_back_to_the_models_own():
    model = Finder()
    with client(model) as c:
        asked = c.post("/extract", json={"text": "a cat and a cow", "labels": ["cow"]}).json()
        assert [e["label"] for e in asked["documents"][0]["entities"]] == ["cow"]
        plain = c.post("/extract", json={"text": "a cat and a cow"}).json()
        assert [e["label"] for e in plain["documents"][0]["entities"]] == ["cat"]
        assert c.post("/extract", json={"text": "a", "labels": []}).status_code == 422
    assert model.label_calls == [["cow"], ["cat", "dog"]]


def test_read_and_write_files():
    with client(Finder()) as c:
        pubtator = "1|t|A cat.\n1|a|A dog.\n1\t2\t5\tcat\tAnimal\tD1\n\n"
        docs = c.post("/read?format=pubtator&name=x.pubtator", content=pubtator).json()
        doc, = docs["documents"]
        assert doc["id"] == "1" and doc["entities"][0]["label"] == "Animal"
        assert c.post("/read?format=text&name=paper.txt", content="A cat.").json()[
            "documents"][0]["id"] == "paper"
        bad = c.post("/read?format=pubtator&name=x.pubtator", content="1|t|x\n1\t0\t9\tx\tA\n")
        assert bad.status_code == 422 and "x.pubtator" in bad.json()["error"]["message"]
        assert c.post("/read?format=brat", content="x").status_code == 422
        long = c.post(f"/read?format=jsonl&name={'x' * 300}.jsonl", content="{}")
        assert long.status_code == 422 and "cannot be a file name" in long.json()["error"]["message"]
        assert c.post("/read?format=jsonl&name=a%00b", content="{}").status_code == 422
        found = c.post("/extract", json={"text": "a cat and a dog"}).json()["documents"]
        found[0]["relations"] = [{"id": "R1", "head": "T1", "tail": "T2", "label": "likes"}]
        conll = c.post("/write?format=conll", json={"documents": found})
        assert conll.status_code == 200 and "B-cat" in conll.text
        assert json.loads(conll.headers["X-Assay-Left-Out"]) == {"relations": 1}
        brat = c.post("/write?format=brat", json={"documents": found})
        names = zipfile.ZipFile(io.BytesIO(brat.content)).namelist()
        assert sorted(n.rsplit(".", 1)[1] for n in names) == ["ann", "txt"]
        assert c.post("/write?format=nope", json={"documents": found}).status_code == 422


class Picky(Finder):
    """Refuses more than two labels, as a model whose prompt would not fit refuses."""

    def use_labels(self, labels, descriptions=None):
        self.labels = list(labels)  # set first, then refused: what span and llm do
        if len(labels) > 2:
            raise ValueError(f"{len(labels)} types do not fit the prompt")


def test_labels_a_model_refuses_are_422_and_leave_it_as_it_was():
    with client(Picky()) as c:
        refused = c.post("/extract", json={"text": "a cat", "labels": ["a", "b", "cat"]})
        assert refused.status_code == 422 and "do not fit" in refused.json()["error"]["message"]
        plain = c.post("/extract", json={"text": "a cat and a dog"}).json()
        assert [e["label"] for e in plain["documents"][0]["entities"]] == ["cat", "dog"]


class Broken(Finder):
    def predict(self, docs, batch_size=None):
        raise RuntimeError("out of memory")


def test_a_model_failure_is_a_json_500_and_the_service_goes_on():
    with TestClient(create_app({"finder": Pipeline([Broken()])}), raise_server_exceptions=False
                    ) as c:
        for _ in range(2):
            answer = c.post("/extract", json={"text": "a cat"})
            assert answer.status_code == 500
            assert "out of memory" in answer.json()["error"]["message"]
        assert c.get("/health").status_code == 200


def test_split_shares_jobs_in_order_by_documents():
    from assay.server.batching import split

    def jobs(*sizes):
        return [SimpleNamespace(documents=[None] * n) for n in sizes]

    def sizes(shares):
        return [[len(j.documents) for j in share] for share in shares]

    assert sizes(split(jobs(*[1] * 6), 2)) == [[1, 1, 1], [1, 1, 1]]
    assert sizes(split(jobs(1, 1, 10), 2)) == [[1, 1], [10]]
    assert sizes(split(jobs(10, 1, 1), 3)) == [[10], [1, 1]]  # a share left empty is dropped
    assert sizes(split(jobs(0, 0), 2)) == [[0], [0]]  # requests of no texts (`texts: []`)
