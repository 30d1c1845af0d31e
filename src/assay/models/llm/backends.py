"""Where prompts are answered: a local transformers causal LM (any Hugging Face id or path,
GGUF files included), or any OpenAI-compatible server over HTTP (vLLM, the llama.cpp server,
Ollama, TGI). Both decode greedily; both say of each answer whether the output length cut it.
"""
from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from assay.errors import BackendError
from assay.models.llm.answers import complete
from assay.models.llm.templates import Message

@dataclass(frozen=True)
class Answer:
    text: str
    cut: bool                  # generation stopped at the output length, not at its end
    confidence: float | None   # geometric mean of the generated tokens' probabilities


def chat_text(tokenizer, messages: list[Message]) -> str:
    """The conversation in the model's chat format, ready for the assistant's turn."""
    if tokenizer.chat_template:
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant: "


class Finished:
    """A transformers stopping criterion: a row is done once its answer holds a whole
    structure (`answers.complete`), which is all the parser reads."""

    def __init__(self, tokenizer, prompt_length: int):
        self.tokenizer, self.prompt_length = tokenizer, prompt_length

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        texts = self.tokenizer.batch_decode(input_ids[:, self.prompt_length:],
                                            skip_special_tokens=True)
        return torch.tensor([complete(t) for t in texts], device=input_ids.device)


class LocalBackend:
    """A transformers causal LM, batched, greedy, with its KV cache; a row stops at its end
    of turn, or once its answer's structure is whole."""

    def __init__(self, model, tokenizer, device):
        self.model, self.tokenizer, self.device = model, tokenizer, device

    def generate(self, conversations: list[list[Message]], max_new_tokens: int) -> list[Answer]:
        import torch

        tok = self.tokenizer
        side, tok.padding_side = tok.padding_side, "left"  # the answers start together
        try:
            inputs = tok([chat_text(tok, m) for m in conversations], return_tensors="pt",
                         padding=True, add_special_tokens=False).to(self.device)
        finally:
            tok.padding_side = side
        from transformers import StoppingCriteriaList

        length = inputs["input_ids"].shape[1]
        with torch.inference_mode():
            out = self.model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False,
                                      use_cache=True, pad_token_id=tok.pad_token_id,
                                      eos_token_id=tok.eos_token_id, output_scores=True,
                                      return_dict_in_generate=True, stopping_criteria=
                                      StoppingCriteriaList([Finished(tok, length)]))
        new = out.sequences[:, length:]
        logp = torch.stack(out.scores, 1).float().log_softmax(-1) if out.scores else None
        answers = []
        for b, row in enumerate(new.tolist()):
            # a row that finished early is padded with end-of-turn tokens after its end
            ended = tok.eos_token_id in row
            n = row.index(tok.eos_token_id) if ended else len(row)
            text = tok.decode(row[:n], skip_special_tokens=True)
            confidence = None
            if logp is not None and n:
                picked = logp[b, :n].gather(-1, new[b, :n, None]).mean()
                confidence = float(picked.exp())
            answers.append(Answer(text, not ended and n >= max_new_tokens and not complete(text),
                                  confidence))
        return answers


class AnswerCache:
    """Answers kept in a SQLite file, keyed by (model, prompt, decoding settings): a rerun
    asks the server only what it has not answered before."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT)")
        self.lock = threading.Lock()

    @staticmethod
    def key(request: dict) -> str:
        return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()

    def get(self, key: str) -> Answer | None:
        with self.lock:
            row = self.db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return Answer(**json.loads(row[0])) if row else None

    def put(self, key: str, answer: Answer) -> None:
        with self.lock, self.db:
            self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)",
                            (key, json.dumps(answer.__dict__)))


class HttpBackend:
    """An OpenAI-compatible `/chat/completions` endpoint: `concurrency` requests at a time,
    each given `timeout` seconds and retried `retries` times (connection errors, timeouts,
    5xx and 429, with a doubling pause), answers cached when `cache` names a file."""

    def __init__(self, url: str, model: str, timeout: float = 60.0, retries: int = 2,
                 concurrency: int = 4, cache: Path | None = None, api_key: str | None = None,
                 top_p: float = 0.95):
        import httpx

        self.url = url.rstrip("/") + "/chat/completions"
        self.model, self.retries, self.concurrency, self.top_p = model, retries, concurrency, top_p
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(timeout=timeout, headers=headers,
                                   limits=httpx.Limits(max_connections=concurrency))
        self.cache = AnswerCache(cache) if cache else None

    def generate(self, conversations: list[list[Message]], max_new_tokens: int) -> list[Answer]:
        with ThreadPoolExecutor(self.concurrency) as pool:
            return list(pool.map(lambda m: self.ask(m, max_new_tokens), conversations))

    def ask(self, messages: list[Message], max_new_tokens: int) -> Answer:
        request = {"model": self.model, "messages": messages, "temperature": 0.0,
                   "top_p": self.top_p, "max_tokens": max_new_tokens, "logprobs": True}
        key = AnswerCache.key(request) if self.cache else ""
        if self.cache and (cached := self.cache.get(key)):
            return cached
        answer = self._read(self._post(request))
        if self.cache:
            self.cache.put(key, answer)
        return answer

    def _post(self, request: dict) -> dict:
        import httpx

        pause = 0.5
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.client.post(self.url, json=request)
            except httpx.TimeoutException:
                if last:
                    raise BackendError(f"{self.url}: no answer within {self.client.timeout.read}"
                                       f" s ({self.retries + 1} tries)") from None
            except httpx.TransportError as e:
                if last:
                    raise BackendError(f"{self.url}: cannot connect ({type(e).__name__}: {e}; "
                                       f"{self.retries + 1} tries)") from None
            else:
                if response.status_code < 400:
                    try:
                        return response.json()
                    except ValueError:
                        raise BackendError(f"{self.url}: the answer is not JSON: "
                                           f"{response.text[:80]!r}") from None
                if response.status_code not in (429, 500, 502, 503, 504) or last:
                    raise BackendError(f"{self.url}: HTTP {response.status_code}: "
                                       f"{response.text[:120]!r}")
            time.sleep(pause)
            pause *= 2
        raise AssertionError("unreachable")

    def _read(self, body: dict) -> Answer:
        try:
            choice = body["choices"][0]
            text = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.url}: the answer has no choices[0].message.content: "
                               f"{json.dumps(body)[:120]}") from None
        if not isinstance(text, str):
            raise BackendError(f"{self.url}: choices[0].message.content is not text")
        tokens = ((choice.get("logprobs") or {}).get("content") or []) if isinstance(
            choice, dict) else []
        logps = [t["logprob"] for t in tokens if isinstance(t, dict) and "logprob" in t]
        confidence = math.exp(sum(logps) / len(logps)) if logps else None
        return Answer(text, choice.get("finish_reason") == "length", confidence)
