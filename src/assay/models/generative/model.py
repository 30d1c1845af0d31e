"""The AnchorAlign network: one encoder, three decoders (NER, forward RE, reverse RE) that
write into one output space (`linearize.Layout`): end and block symbols, a token per label
(new embeddings, each initialised as the mean of its words' embeddings) and a pointer per unit
of the input, scored against that unit's encoder vector and word embedding (BARTNER's
pointer, which keeps every mention a span of the text). Greedy generation keeps to the
decoder's grammar and uses the KV cache."""
from __future__ import annotations

import copy
import inspect

import torch
import torch.nn.functional as F
from torch import nn

from assay.models.generative.linearize import BLOCK_END, ETYPE, PTR, REL, STOP, Grammar, Layout

KINDS = (PTR, ETYPE, REL, BLOCK_END, STOP)


def decoders_from_encoder(name: str, n: int, layers: int, dropout: float, pretrained: bool,
                          config: dict | None) -> list[nn.Module]:
    """BERT-to-BERT: n decoders of the encoder's architecture (its first `layers` layers, with
    pretrained weights when `pretrained`), causal, with new cross-attention. They are given
    input vectors, never ids: their own word-embedding table is dropped."""
    from transformers import AutoConfig, AutoModel

    from assay.models.encoders import quiet_transformers, resolve_backbone

    settings = dict(is_decoder=True, add_cross_attention=True, num_hidden_layers=layers,
                    hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    with quiet_transformers():  # the new cross-attention weights would be listed at length
        if pretrained:
            made = [AutoModel.from_pretrained(resolve_backbone(name), **settings)
                    for _ in range(n)]
        else:
            made = [AutoModel.from_config(AutoConfig.for_model(**{**config, **settings}))
                    for _ in range(n)]
    for decoder in made:
        decoder.pooler = None
        decoder.set_input_embeddings(nn.Embedding(1, decoder.config.hidden_size))
    return made


def decoders_from_seq2seq(model: nn.Module, n: int) -> tuple[nn.Module, list[nn.Module]]:
    """A seq2seq model's (BART's, T5's) encoder, and n copies of its decoder."""
    decoder = model.get_decoder()
    decoders = [decoder] + [copy.deepcopy(decoder) for _ in range(n - 1)]
    # given vectors, never ids: no word table of their own (the encoder keeps its)
    for d in decoders:
        d.set_input_embeddings(nn.Embedding(1, d.get_input_embeddings().weight.size(1)))
    return model.get_encoder(), decoders


class GenerativeModule(nn.Module):
    def __init__(self, encoder: nn.Module, decoders: list[nn.Module], layout: Layout,
                 symbol_init: torch.Tensor, bos_init: torch.Tensor):
        super().__init__()
        self.encoder, self.decoders, self.layout = encoder, nn.ModuleList(decoders), layout
        self.symbols = nn.Embedding.from_pretrained(symbol_init.clone(), freeze=False)
        self.bos = nn.Parameter(bos_init.clone())
        forward = inspect.signature(decoders[0].forward).parameters
        self._cache_arg = "cache" if "cache" in forward else "past_key_values"

    def encoders(self) -> list[nn.Module]:
        return [self.encoder]

    def encode(self, batch: dict) -> dict:
        """The encoder's states, and each unit's pointer key and decoder input vector (its
        first piece's encoder state and word embedding)."""
        hidden = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        words = self.encoder.get_input_embeddings()(batch["input_ids"])
        at = batch["unit_piece"][..., None].expand(-1, -1, hidden.size(-1))
        unit_words = words.gather(1, at)
        return {"hidden": hidden, "mask": batch["attention_mask"],
                "keys": (hidden.gather(1, at) + unit_words) / 2, "unit_inputs": unit_words,
                "units": batch["unit_mask"]}

    def embed(self, tokens: torch.Tensor, state: dict) -> torch.Tensor:
        """Decoder input vectors of output tokens (B × T): a symbol's embedding, or the word
        embedding of the unit a pointer names."""
        pointers = self.layout.pointers
        unit = (tokens - pointers).clamp(min=0)
        at = unit[..., None].expand(-1, -1, state["unit_inputs"].size(-1))
        from_units = state["unit_inputs"].gather(1, at)
        return torch.where((tokens >= pointers)[..., None], from_units,
                           self.symbols(tokens.clamp(max=pointers - 1)))

    def run_decoder(self, k: int, inputs: torch.Tensor, state: dict, cache=None,
                    mask: torch.Tensor | None = None):
        out = self.decoders[k](inputs_embeds=inputs, attention_mask=mask,
                               encoder_hidden_states=state["hidden"],
                               encoder_attention_mask=state["mask"],
                               use_cache=cache is not None or not self.training,
                               **({self._cache_arg: cache} if cache is not None else {}))
        # transformers 5 names the cache `cache`, 4 `past_key_values`
        return out.last_hidden_state, out["cache"] if "cache" in out else out.past_key_values

    def logits(self, h: torch.Tensor, state: dict) -> torch.Tensor:
        """Scores over the output space (B × T × (symbols + units)); padding units -inf."""
        symbols = h @ self.symbols.weight.T
        pointers = torch.einsum("btd,bud->btu", h, state["keys"])
        pointers = pointers.masked_fill(~state["units"][:, None, :], float("-inf"))
        return torch.cat([symbols, pointers], dim=-1)

    def teacher_forced(self, k: int, targets: torch.Tensor, state: dict) -> torch.Tensor:
        """Log-probabilities of decoder k at each step of its targets (B × T × V), the gold
        prefix given (padding targets are -100)."""
        gold = targets.clamp(min=0)
        bos = self.bos.expand(targets.size(0), 1, -1)
        inputs = torch.cat([bos, self.embed(gold[:, :-1], state)], dim=1)
        h, _ = self.run_decoder(k, inputs, state, mask=(targets != -100).long())
        return self.logits(h, state).log_softmax(-1)

    @torch.no_grad()
    def generate(self, k: int, grammar: Grammar, state: dict, max_output: int
                 ) -> tuple[list[list[int]], list[list[float]], list[bool]]:
        """Greedy decoding that keeps to `grammar`: each row's tokens, their probabilities, and
        whether it was cut at `max_output` before its end."""
        table = GrammarTable(grammar, self.layout, state["units"].device)
        batch = state["hidden"].size(0)
        rows = torch.arange(batch, device=state["units"].device)
        current = torch.zeros(batch, dtype=torch.long, device=rows.device)
        start = torch.zeros_like(current)
        tokens, probs = [], []
        inputs, cache = self.bos.expand(batch, 1, -1), self._new_cache()
        for _ in range(max_output):
            h, cache = self.run_decoder(k, inputs, state, cache)
            logits = self.logits(h[:, -1:], state)[:, 0]
            allowed = table.allowed(current, start, state["units"])
            p = logits.masked_fill(~allowed, float("-inf")).softmax(-1)
            choice = p.argmax(-1)
            tokens.append(choice)
            probs.append(p[rows, choice])
            kind = table.kind(choice)
            opens = (kind == 0) & ~table.closes[current]
            start = torch.where(opens, choice - self.layout.pointers, start)
            current = table.next[current, kind]
            if bool((current == table.done).all()):
                break
            inputs = self.embed(choice[:, None], state)
        tokens_t, probs_t = torch.stack(tokens, 1).tolist(), torch.stack(probs, 1).tolist()
        cut = (current != table.done).tolist()
        return tokens_t, probs_t, cut

    def _new_cache(self):
        from transformers import DynamicCache, EncoderDecoderCache

        return EncoderDecoderCache(DynamicCache(), DynamicCache())


class GrammarTable:
    """A grammar as tensors, for a batch of rows each in its own state: which tokens a state
    allows, and the state each kind of token leads to (`done`: the absorbing end state, which
    allows only EOS)."""

    def __init__(self, grammar: Grammar, layout: Layout, device: torch.device):
        n = len(grammar.moves)
        self.done, self.pointers = n, layout.pointers
        symbols = torch.zeros(n + 1, layout.pointers, dtype=torch.bool)
        pointer = torch.zeros(n + 1, dtype=torch.bool)
        nxt = torch.full((n + 1, len(KINDS)), n, dtype=torch.long)
        spans = {ETYPE: slice(2, 2 + layout.n_entity_types),
                 REL: slice(2 + layout.n_entity_types, layout.pointers),
                 BLOCK_END: slice(1, 2), STOP: slice(0, 1)}
        for s, moves in enumerate(grammar.moves):
            for kind, target in moves.items():
                nxt[s, KINDS.index(kind)] = n if target == -1 else target
                if kind == PTR:
                    pointer[s] = True
                else:
                    symbols[s, spans[kind]] = True
        symbols[n, 0] = True
        self.symbols, self.pointer = symbols.to(device), pointer.to(device)
        self.next = nxt.to(device)
        closes = torch.zeros(n + 1, dtype=torch.bool)
        closes[list(grammar.closes)] = True
        self.closes = closes.to(device)
        bounds = torch.tensor([2, 2 + layout.n_entity_types, layout.pointers])
        self.bounds = bounds.to(device)

    def allowed(self, current: torch.Tensor, start: torch.Tensor, units: torch.Tensor
                ) -> torch.Tensor:
        """B × V: the tokens each row may write next (a closing pointer not before its
        entity's first unit)."""
        index = torch.arange(units.size(1), device=units.device)[None]
        pointers = units & self.pointer[current][:, None]
        pointers &= ~self.closes[current][:, None] | (index >= start[:, None])
        return torch.cat([self.symbols[current], pointers], dim=1)

    def kind(self, tokens: torch.Tensor) -> torch.Tensor:
        """Each token's index in KINDS."""
        kind = torch.full_like(tokens, KINDS.index(PTR))
        kind = torch.where(tokens < self.bounds[2], KINDS.index(REL), kind)
        kind = torch.where(tokens < self.bounds[1], KINDS.index(ETYPE), kind)
        kind = torch.where(tokens == 1, KINDS.index(BLOCK_END), kind)
        return torch.where(tokens == 0, KINDS.index(STOP), kind)


def generation_loss(log_probs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Token-mean cross-entropy of one decoder."""
    return F.nll_loss(log_probs.flatten(0, 1), targets.flatten(), ignore_index=-100)


def kl(target: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    """KL(p_target ‖ p_other) of rows of log-probabilities, summed over the output space; the
    tokens `target` gives no probability (-inf: padding units, which are -inf in both, as both
    come from one window) count nothing."""
    valid = target.isfinite()
    difference = torch.where(valid, target - other, torch.zeros_like(target))
    return (target.exp() * difference).sum(-1)


def suppression(log_probs: torch.Tensor, targets: torch.Tensor, negatives: torch.Tensor
                ) -> torch.Tensor:
    """−mean over steps of the mean over the negative tokens of log(1 − p) (negatives: B × V,
    the restricted vocabulary less the window's targets)."""
    p = log_probs.exp().clamp(max=1 - 1e-6)
    per_token = -torch.log1p(-p) * negatives[:, None, :]
    per_step = per_token.sum(-1) / negatives.sum(-1, keepdim=True).clamp(min=1)
    steps = targets != -100
    return (per_step * steps).sum() / steps.sum().clamp(min=1)
