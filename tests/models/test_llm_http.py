"""The llm family's HTTP backend against a real OpenAI-compatible server: llama.cpp's (the
`llm-server` extra) serving the packaged SmolLM2 on 127.0.0.1, started here. Zero-shot
greedy answers through it and through the local transformers backend give the same entities.
1-shot, too: with llama.cpp's default repetition penalty (1.1), which the backend now turns
off, a 1-shot answer ended after two of three entities where greedy decoding went on.
Timeouts, refused connections and unreadable answers end in one line that names the URL."""
import http.server
import importlib.util
import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assay import formats
from assay.doc import Document
from assay.errors import BackendError
from assay.models.contract import Annotated
from assay.models.llm.backends import HttpBackend
from assay.pipeline import ask
from tests.models.conftest import SAMPLE

LABELS = ["Application", "Version", "Developer", "PlugIn", "ProgrammingEnvironment"]
MESSAGES = [{"role": "user", "content": "Name one colour."}]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def float32_gguf(source: Path, target: Path) -> Path:
    """`source` with every tensor de-quantized to float32: the weights the local backend
    runs (transformers de-quantizes the same file), so that both backends compute with the
    same numbers, not one with Q4_1 kernels."""
    import numpy as np
    from gguf import GGUFReader, GGUFValueType, GGUFWriter
    from gguf.quants import dequantize

    reader = GGUFReader(source)
    writer = GGUFWriter(target, arch=reader.fields["general.architecture"].contents())
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name == "general.architecture":
            continue
        if name == "general.file_type":
            writer.add_uint32(name, 0)  # every tensor float32
        elif field.types[0] == GGUFValueType.ARRAY:
            writer.add_key_value(name, field.contents(), field.types[0], sub_type=field.types[-1])
        else:
            writer.add_key_value(name, field.contents(), field.types[0])
    for tensor in reader.tensors:
        writer.add_tensor(tensor.name, dequantize(tensor.data, tensor.tensor_type).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return target


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`http://127.0.0.1:PORT/v1` of a llama.cpp server on the packaged SmolLM2, its weights
    de-quantized to float32 as the local backend's are, its KV cache in float32 too."""
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python is not installed (pip install -e '.[llm-server]')")
    from assay.models.llm.config import LLMConfig

    folder, gguf = LLMConfig().weights()
    here = tmp_path_factory.mktemp("server")
    weights = float32_gguf(Path(folder) / gguf, here / "smollm2-f32.gguf")
    port = free_port()
    log = here / "log.txt"
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(weights), "--host",
         "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
         "--type_k", "0", "--type_v", "0", "--verbose", "False"],
        stdout=subprocess.DEVNULL, stderr=open(log, "w"))
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


@pytest.mark.parametrize("template,shots", [("general", 0), ("uninner", 0), ("general", 1)])
def test_the_server_and_the_local_model_find_the_same_entities(server, template, shots):
    settings = {"template": template, "target_length": 64, "shots": shots}
    local = ask(LABELS, **settings)
    remote = ask(LABELS, model="smollm2", url=server, **settings)
    training = list(formats.read(SAMPLE, "jsonl"))
    for nlp in (local, remote):  # the same demonstration (seeded) drawn for each
        nlp.extractors[0].examples(training, [Annotated()] * len(training))
    assert local.extractors[0].shots == remote.extractors[0].shots
    docs = sample()
    assert spans(remote.pipe(docs)) == spans(local.pipe(docs))


def test_a_server_is_asked_for_greedy_answers_without_a_repetition_penalty():
    asked = []

    def answer(request):
        asked.append(request)
        return 200, json.dumps({"choices": [{"message": {"content": "[]"}}]}).encode()

    server, url = scripted(answer)
    try:
        HttpBackend(url, "x", extra_body={"repeat_penalty": 1.0}).generate([MESSAGES], 8)
        HttpBackend(url, "x").generate([MESSAGES], 8)
    finally:
        server.shutdown()
    assert asked[0]["temperature"] == 0.0 and asked[0]["repeat_penalty"] == 1.0
    assert "repeat_penalty" not in asked[1]
    default = ask(LABELS, url=url).extractors[0].config.extra_body
    assert default == {"repeat_penalty": 1.0, "repetition_penalty": 1.0}


def test_a_server_too_slow_for_the_timeout_is_said(server):
    backend = HttpBackend(server, "smollm2", timeout=0.01, retries=1)
    with pytest.raises(BackendError, match=r"no answer within 0.01 s \(2 tries\)"):
        backend.generate([MESSAGES], 64)


def test_a_refused_connection_is_said():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(BackendError, match=f"{url}/chat/completions: cannot connect"):
        HttpBackend(url, "x", retries=0).generate([MESSAGES], 8)


OK = {"choices": [{"message": {"content": "[]"}, "finish_reason": "stop"}]}


class Scripted(http.server.BaseHTTPRequestHandler):
    """A server that gives, call after call, the (status, body) of its `script`, or what
    its script makes of the request when it is a function."""

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        script = self.server.script
        status, body = script(request) if callable(script) else \
            script[self.server.calls % len(script)]
        self.server.calls += 1
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        """`/v1/models`: the server's `models`, or 404 where it has none."""
        assert self.path == "/v1/models", self.path
        body = b"" if self.server.models is None else json.dumps(self.server.models).encode()
        self.send_response(404 if self.server.models is None else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def scripted(script: list[tuple[int, bytes]], models: dict | None = None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.script, server.calls, server.models = script, 0, models
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1"


def test_an_unreadable_answer_is_said():
    server, url = scripted([(200, b"<html>oops</html>"),
                            (200, json.dumps({"object": "error"}).encode())])
    try:
        backend = HttpBackend(url, "x", retries=0)
        with pytest.raises(BackendError, match="the answer is not JSON"):
            backend.generate([MESSAGES], 8)
        with pytest.raises(BackendError, match=r"has no choices\[0\].message.content"):
            backend.generate([MESSAGES], 8)
    finally:
        server.shutdown()


def test_a_prompt_past_the_servers_context_is_said_before_anything_is_asked():
    models = {"object": "list", "data": [{"id": "x", "max_model_len": 600}]}
    server, url = scripted([(200, json.dumps(OK).encode())], models)
    try:  # the general template's prompt, 400 tokens of text and 512 of answer: past 600
        with pytest.raises(ValueError, match=r"context of 600 \(the server's /models\)"):
            ask(LABELS, model="x", url=url)
        with pytest.raises(ValueError, match=r"context of 900 \(model.context_length\)"):
            ask(LABELS, model="x", url=url, context_length=900)  # the user's word first
        assert server.calls == 0
        fits = ask(LABELS, model="x", url=url, source_length=32, target_length=64)
        assert fits("We used SPSS.").entities == [] and server.calls == 1
    finally:
        server.shutdown()
    server, url = scripted([(200, json.dumps(OK).encode())])  # no /models: not checked
    try:
        assert ask(LABELS, model="x", url=url)("We used SPSS.").entities == []
    finally:
        server.shutdown()


def test_busy_and_failing_servers_are_retried_and_a_bad_request_is_not():
    server, url = scripted([(503, b"busy"), (429, b"slow down"), (200, json.dumps(OK).encode())])
    try:
        answer, = HttpBackend(url, "x", retries=2).generate([MESSAGES], 8)
        assert answer.text == "[]" and server.calls == 3
        server.script, server.calls = [(503, b"busy")], 0
        with pytest.raises(BackendError, match="HTTP 503"):
            HttpBackend(url, "x", retries=1).generate([MESSAGES], 8)
        assert server.calls == 2
        server.script, server.calls = [(400, b"bad request")], 0
        with pytest.raises(BackendError, match="HTTP 400"):
            HttpBackend(url, "x", retries=3).generate([MESSAGES], 8)
        assert server.calls == 1
    finally:
        server.shutdown()


def test_many_prompts_go_to_the_server_concurrently_and_come_back_in_order(tmp_path):
    def echo(request):  # answers each question with its own number, after a pause
        time.sleep(0.05)
        number = request["messages"][0]["content"].split()[-1]
        return 200, json.dumps({"choices": [{"message": {"content": f"[\"{number}\"]"}}]}).encode()

    server, url = scripted(echo)
    try:
        backend = HttpBackend(url, "x", concurrency=4, cache=tmp_path / "c.sqlite")
        asked = [[{"role": "user", "content": f"question {k}"}] for k in range(20)]
        start = time.perf_counter()
        assert [a.text for a in backend.generate(asked, 8)] == [f'["{k}"]' for k in range(20)]
        assert server.calls == 20 and time.perf_counter() - start < 20 * 0.05
        assert [a.text for a in backend.generate(asked, 8)] == [f'["{k}"]' for k in range(20)]
        assert server.calls == 20  # every answer now from the cache, from 4 threads
    finally:
        server.shutdown()


def test_answers_are_cached_by_model_and_prompt(server, tmp_path):
    cache = tmp_path / "answers.sqlite"
    first = HttpBackend(server, "smollm2", cache=cache).generate([MESSAGES], 16)
    # the same question from a cache alone: no server at that URL now
    offline = HttpBackend(f"http://127.0.0.1:{free_port()}/v1", "smollm2", cache=cache,
                          retries=0)
    assert offline.generate([MESSAGES], 16) == first
    with pytest.raises(BackendError, match="cannot connect"):
        offline.generate([MESSAGES], 17)  # another setting is another question
