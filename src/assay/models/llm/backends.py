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
from functools import cached_property
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


def prompt_inputs(tokenizer, conversations: list[list[Message]], device) -> dict:
    """The conversations in the model's chat format, tokenized and padded on the left (so
    that every answer starts at the same position)."""
    side, tokenizer.padding_side = tokenizer.padding_side, "left"
    try:
        inputs = tokenizer([chat_text(tokenizer, m) for m in conversations], return_tensors="pt",
                           padding=True, add_special_tokens=False)
    finally:
        tokenizer.padding_side = side
    return {k: v.to(device) for k, v in inputs.items()}


class Finished:
    """A transformers stopping criterion: a row is done once its answer holds a whole answer
    structure (`answers.complete`; `asked[b]`: row b's UniNER type, whose answer is a bare
    list), which is all the parser reads. A row is read again only when its newest token
    closes a bracket."""

    def __init__(self, tokenizer, prompt_length: int, asked: list[str | None]):
        self.tokenizer, self.prompt_length, self.asked = tokenizer, prompt_length, asked
        self.done: list[bool] = [False] * len(asked)

    def __call__(self, input_ids, scores, **kwargs):
        import torch

        newest = self.tokenizer.batch_decode(input_ids[:, -1:], skip_special_tokens=True)
        for b, piece in enumerate(newest):
            if not self.done[b] and ("]" in piece or "}" in piece):
                text = self.tokenizer.decode(input_ids[b, self.prompt_length:],
                                             skip_special_tokens=True)
                self.done[b] = complete(text, self.asked[b])
        return torch.tensor(self.done, device=input_ids.device)


class ChosenLogProb:
    """A transformers logits processor that keeps, at each step, the log-probability of the
    token greedy decoding takes (the largest), instead of every step's whole distribution."""

    def __init__(self):
        self.steps: list = []

    def __call__(self, input_ids, scores):
        self.steps.append(scores.float().log_softmax(-1).max(-1).values)
        return scores


class LocalBackend:
    """A transformers causal LM, batched, greedy, with its KV cache; a row stops at its end
    of turn, or once its answer's structure is whole."""

    def __init__(self, model, tokenizer, device):
        self.model, self.tokenizer, self.device = model, tokenizer, device
        ends = model.generation_config.eos_token_id
        ends = [ends] if isinstance(ends, int) else list(ends or [])
        self.ends = sorted({*ends, tokenizer.eos_token_id} - {None})  # end-of-turn tokens

    def generate(self, conversations: list[list[Message]], max_new_tokens: int,
                 asked: list[str | None] | None = None, structured: bool = True
                 ) -> list[Answer]:
        """Greedy answers; with `structured` (entity answers), a row stops once its answer
        structure is whole, else only at its end of turn or `max_new_tokens`."""
        import torch
        from transformers import LogitsProcessorList, StoppingCriteriaList

        tok = self.tokenizer
        asked = asked or [None] * len(conversations)
        inputs = prompt_inputs(tok, conversations, self.device)
        length = inputs["input_ids"].shape[1]
        chosen = ChosenLogProb()
        with torch.inference_mode():
            out = self.model.generate(
                **inputs, max_new_tokens=max_new_tokens, do_sample=False, use_cache=True,
                pad_token_id=tok.pad_token_id, eos_token_id=self.ends,
                logits_processor=LogitsProcessorList([chosen]),
                stopping_criteria=StoppingCriteriaList(
                    [Finished(tok, length, asked)] if structured else []))
        new = out[:, length:].tolist()
        logp = torch.stack(chosen.steps, 1).cpu() if chosen.steps else None
        stops = set(self.ends) | {tok.pad_token_id}  # a finished row is padded after its end
        answers = []
        for b, row in enumerate(new):
            n = next((i for i, t in enumerate(row) if t in stops), len(row))
            text = tok.decode(row[:n], skip_special_tokens=True)
            confidence = float(logp[b, :n].mean().exp()) if logp is not None and n else None
            cut = n == len(row) and n >= max_new_tokens and not (
                structured and complete(text, asked[b]))
            answers.append(Answer(text, cut, confidence))
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
                 top_p: float = 0.95, extra_body: dict | None = None):
        import httpx

        self.url = url.rstrip("/") + "/chat/completions"
        self.model, self.retries, self.concurrency, self.top_p = model, retries, concurrency, top_p
        self.extra_body = extra_body or {}
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = httpx.Client(timeout=timeout, headers=headers,
                                   limits=httpx.Limits(max_connections=concurrency))
        self.cache = AnswerCache(cache) if cache else None

    @cached_property
    def context_length(self) -> int | None:
        """The model's context in tokens as the server's `/models` gives it (vLLM's
        `max_model_len`, or `context_length`), or None where it does not say (llama.cpp,
        Ollama, TGI) or cannot be asked: then prompts go unchecked, and the server's own
        answer to one too long is the error."""
        try:
            response = self.client.get(self.url.removesuffix("/chat/completions") + "/models",
                                       timeout=min(10.0, self.client.timeout.read or 10.0))
            listed = response.json()["data"] if response.status_code == 200 else []
            mine = [m for m in listed if m.get("id") == self.model] or \
                (listed if len(listed) == 1 else [])
            return next((m[key] for m in mine for key in ("max_model_len", "context_length")
                         if type(m.get(key)) is int and m[key] > 0), None)
        except Exception:  # any failure: the check is skipped, not the extraction
            return None

    def generate(self, conversations: list[list[Message]], max_new_tokens: int,
                 asked: list[str | None] | None = None, structured: bool = True
                 ) -> list[Answer]:
        """As `LocalBackend.generate` (the server decides where an answer ends)."""
        asked = asked or [None] * len(conversations)
        with ThreadPoolExecutor(self.concurrency) as pool:
            return list(pool.map(lambda m, a: self.ask(m, max_new_tokens, a, structured),
                                 conversations, asked))

    def ask(self, messages: list[Message], max_new_tokens: int, asked: str | None = None,
            structured: bool = True) -> Answer:
        request = {**self.extra_body, "model": self.model, "messages": messages,
                   "temperature": 0.0, "top_p": self.top_p, "max_tokens": max_new_tokens,
                   "logprobs": True}
        key = AnswerCache.key(request) if self.cache else ""
        if self.cache and (cached := self.cache.get(key)):
            return cached
        answer = self._read(self._post(request), asked, structured)
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

    def _read(self, body: dict, asked: str | None, structured: bool = True) -> Answer:
        try:
            choice = body["choices"][0]
            text = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.url}: the answer has no choices[0].message.content: "
                               f"{json.dumps(body)[:120]}") from None
        if not isinstance(text, str):
            raise BackendError(f"{self.url}: choices[0].message.content is not text")
        tokens = (choice.get("logprobs") or {}).get("content") or []
        logps = [t["logprob"] for t in tokens if isinstance(t, dict) and "logprob" in t]
        confidence = math.exp(sum(logps) / len(logps)) if logps else None
        # cut as the local backend says it: the length ran out before a whole answer
        cut = choice.get("finish_reason") == "length" and not (
            structured and complete(text, asked))
        return Answer(text, cut, confidence)
