"""The `transition` network (SRU-NER): word vectors from the encoder, and an action generator
that reads, at each step, the next word and a Slot-based Recurrent Unit (SRU) over the words.

Slots: [CLS] w_1 .. w_N [SEP], each a word's sub-word vectors max-pooled (S, Q × d). The SRU's
state C starts as S, with BOA (a learned vector) added to the CLS slot. Step t scores every
action from the next word and the SRU's reading, u(t) = MLP([S_{p+1} ; h]), a sigmoid each
(several actions may be taken at one step); then the weighted embedding Ω of the actions taken
(u_a ≥ u_SH) is added to the slot of the word the step read, and the state is read by
attention centred there: A = Dropout(L)·D2·(α·C + P)ᵀ over J latent vectors L and relative
position embeddings P, w = softmax over slots of max_j A_jq, h = Σ_q w_q (C_q ⊙ D1).

Where the paper leaves room or this differs from it:
- the paper adds Ω to (and centres the reading on) slot p, the last word shifted; here the
  slot of the word the step read, p + 1 (the same slot after a SH; one later after TR/RE, so
  that a word's own slot holds the mentions opened or closed at it). The paper's slot was
  tried: the tiny test model's loss stalled at 10 times this one's over the same steps;
- Ω weighs each action taken by its softmax probability, not its raw logit (bounded, and of
  one sign);
- the word pointer follows the gold in training (the actions' memory is always the model's
  own); a sentence's pointer stops at its SEP slot;
- D1, D2 start at ones, BOA and L at zeros (the latents part as each wins the max over j
  of some slot; small random values were tried and made the tiny test model read long
  sentences worse);
- in training, a gold SH step is given to the model (the paper's inserted SH row) at most
  once in a row: two unannotated-type actions wanted at one word take one step between them;
- in generation the paper stops once σ(EOA) > 0.5; here a sentence is read to its last word
  first (an earlier EOA counts as SH), a step after `max_run` opens/closes at one word and
  every step past `max_steps` per slot are shifts (a forced shift still adds to the state the
  Ω of the actions that outscored SH), and the closing step's REs are applied (`decode`).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from assay.models.transition.actions import EOA, SH
from assay.models.transition.config import TransitionConfig

NEGATIVE = -1e9  # attention score of a padding slot


def step_loss(logits: torch.Tensor, gold: torch.Tensor, unknown: torch.Tensor | None,
              may_yield: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(each sentence's loss at this step [B], whether it yields the step [B]): the mean binary
    cross-entropy of the actions against the gold row `gold` [B, A], over all A actions. The
    actions of the types a sentence's source does not annotate (`unknown` [B, A]) add nothing:
    the paper's target σ(u) there gives no gradient; where such an action outscores SH at a
    gold SH step, and the sentence `may_yield` [B], the step is the model's: SH adds nothing
    either, and comes again at the next step (the paper's inserted SH row)."""
    counted = torch.ones_like(gold, dtype=torch.bool)
    yields = torch.zeros_like(may_yield)
    if unknown is not None:
        counted = ~unknown
        wants = (unknown & (logits > logits[:, SH:SH + 1])).any(1)
        yields = may_yield & (gold[:, SH] == 1) & wants
        counted[:, SH] &= ~yields
    bce = F.binary_cross_entropy_with_logits(logits.float(), gold, reduction="none")
    return (bce * counted).mean(1), yields


class SlotRecurrentUnit(nn.Module):
    def __init__(self, config: TransitionConfig, dim: int, n_latent: int):
        super().__init__()
        h = config.half_context
        self.half_context = h
        self.latent = nn.Parameter(torch.zeros(n_latent, dim))
        self.d1 = nn.Parameter(torch.ones(dim))
        self.d2 = nn.Parameter(torch.ones(dim))
        # offsets -h..h, then the CLS slot, then anything further than h
        self.positions = nn.Embedding(2 * h + 3, dim)
        self.alpha = nn.Parameter(torch.tensor(config.alpha), requires_grad=config.train_alpha)
        self.position_dropout = nn.Dropout(config.position_dropout)
        self.latent_dropout = nn.Dropout(config.latent_dropout)

    def read(self, state: torch.Tensor, centre: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """h [B, d] from the state [B, Q, d] around the slots `centre` [B]; `mask` [B, Q]
        marks real slots."""
        h = self.half_context
        offsets = torch.arange(state.size(1), device=state.device)[None] - centre[:, None]
        index = torch.where(offsets.abs() <= h, offsets + h, 2 * h + 2)
        index[:, 0] = 2 * h + 1
        placed = self.alpha * state + self.position_dropout(self.positions(index))
        scores = (self.latent_dropout(self.latent) * self.d2) @ placed.transpose(1, 2)  # B J Q
        scores = scores.masked_fill(~mask[:, None, :], NEGATIVE)
        weights = scores.max(1).values.softmax(-1)                                       # B Q
        return torch.einsum("bq,bqd->bd", weights, state * self.d1)


class TransitionModule(nn.Module):
    def __init__(self, config: TransitionConfig, encoder: nn.Module, n_actions: int):
        super().__init__()
        self.encoder = encoder
        dim = encoder.config.hidden_size
        self.actions = nn.Embedding(n_actions, dim)
        self.boa = nn.Parameter(torch.zeros(dim))
        self.scorer = nn.Sequential(nn.Dropout(config.dropout), nn.Linear(2 * dim, 2 * dim),
                                    nn.Tanh(), nn.Linear(2 * dim, n_actions))
        self.sru = SlotRecurrentUnit(config, dim, config.latent_multiple * n_actions)

    def encoders(self) -> list[nn.Module]:
        return [self.encoder]

    def slots(self, batch: dict) -> torch.Tensor:
        """S [B, Q, d]: the [CLS] vector, each word's sub-word vectors max-pooled, the [SEP]
        vector (`batch["slot_of_piece"]`: each piece's slot, Q for padding)."""
        hidden = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        b, _, d = hidden.shape
        q = batch["slot_mask"].size(1)
        index = batch["slot_of_piece"].unsqueeze(-1).expand(-1, -1, d)
        pooled = hidden.new_zeros(b, q + 1, d).scatter_reduce(1, index, hidden, "amax",
                                                              include_self=False)
        return pooled[:, :q]

    def start(self, slots: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """(the state with BOA in the CLS slot, the first read, the pointer at word 1)."""
        b = slots.size(0)
        state = slots + F.pad(self.boa[None, None], (0, 0, 0, slots.size(1) - 1))
        zero = torch.zeros(b, dtype=torch.long, device=slots.device)
        return state, self.sru.read(state, zero, mask), zero + 1

    def step(self, slots: torch.Tensor, state: torch.Tensor, read: torch.Tensor,
             pointer: torch.Tensor) -> torch.Tensor:
        """u(t) [B, actions]: the next word's vector beside the SRU's reading."""
        word = slots[torch.arange(slots.size(0), device=slots.device), pointer]
        return self.scorer(torch.cat([word, read], -1))

    def remember(self, logits: torch.Tensor, state: torch.Tensor, pointer: torch.Tensor,
                 moves: torch.Tensor, mask: torch.Tensor, active: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(the state with Ω added at the slot of the word each active sentence's step read,
        the reading centred there, the pointer at the next word): `pointer` is that slot,
        `moves` whether the step shifted it; a sentence's pointer stops at its SEP slot."""
        last = mask.sum(1) - 1
        old = pointer
        pointer = torch.minimum(pointer + moves.long(), last)
        taken = logits >= logits[:, SH:SH + 1]
        omega = (logits.softmax(-1) * taken) @ self.actions.weight                 # B d
        at = F.one_hot(old, state.size(1)).to(state.dtype) * active[:, None]  # B Q
        state = state + at[..., None] * omega[:, None, :]
        return state, self.sru.read(state, old, mask), pointer

    def loss(self, batch: dict) -> torch.Tensor:
        """Binary cross-entropy of every action at every step against the gold rows
        (`rows` [B, T, A], `n_rows` [B]), the word pointer following the gold. Where a
        sentence's source does not annotate a type (`unknown` [B, A]), that type's actions
        add no loss; and at a gold SH the model would rather take one of them at, the step is
        given to it (no loss on SH) and the SH comes again at the next step (`step_loss`).
        Each step's mean over the actions, averaged over a sentence's steps, then over the
        batch (the paper's)."""
        slots = self.slots(batch)
        mask = batch["slot_mask"]
        rows, n_rows = batch["rows"], batch["n_rows"]
        unknown = batch.get("unknown")
        state, read, pointer = self.start(slots, mask)
        at = torch.zeros_like(n_rows)
        again = torch.zeros_like(n_rows, dtype=torch.bool)
        everyone = torch.arange(len(n_rows), device=n_rows.device)
        total = slots.new_zeros(len(n_rows))
        count = torch.zeros_like(total)
        for _ in range(rows.size(1) * (2 if unknown is not None else 1)):
            active = at < n_rows
            if not active.any():
                break
            logits = self.step(slots, state, read, pointer)
            gold = rows[everyone, at.clamp(max=rows.size(1) - 1)]
            per_step, yields = step_loss(logits, gold, unknown, active & ~again)
            total = total + per_step * active
            count = count + active
            moves = active & ~yields & ((gold[:, SH] == 1) | (gold[:, EOA] == 1))
            state, read, pointer = self.remember(logits, state, pointer, moves, mask, active)
            at = at + (active & ~yields).long()
            again = yields
        return (total / count.clamp(min=1)).mean()

    def generate(self, batch: dict, max_steps: int, threshold: float, max_run: int
                 ) -> tuple[torch.Tensor, torch.Tensor, list[int]]:
        """The action probabilities of every step [B, T, A], the kind of each step [B, T] (SH,
        EOA, or -1: open/close), and each sentence's number of steps. A step's kind is its
        likeliest action, except that an EOA before the last word is shifted counts as SH (a
        sentence is read to its end, however long), and so does the step after `max_run`
        open/close steps at one word (it cannot stall there), and every step past `max_steps`.
        Once every word is shifted, a sentence ends at the first step that does not open or
        close a mention, or whose EOA probability is above `threshold`."""
        slots = self.slots(batch)
        mask = batch["slot_mask"]
        last = mask.sum(1) - 1
        state, read, pointer = self.start(slots, mask)
        done = torch.zeros(slots.size(0), dtype=torch.bool, device=slots.device)
        steps = torch.zeros(slots.size(0), dtype=torch.long, device=slots.device)
        run = torch.zeros_like(steps)
        probs, kinds = [], []
        for t in range(max_steps + slots.size(1)):  # past max_steps, shifts to the end
            logits = self.step(slots, state, read, pointer)
            p = torch.sigmoid(logits.float())
            steps += ~done
            best = logits.argmax(1)
            read_all = pointer >= last
            acts = (best != SH) & (best != EOA) & (run < max_run) & (t < max_steps)
            ends = read_all & (~acts | (p[:, EOA] > threshold))
            kind = torch.where(ends, EOA, torch.where(acts, -1, SH))
            probs.append(p)
            kinds.append(kind)
            run = torch.where(kind == -1, run + 1, 0)
            state, read, pointer = self.remember(logits, state, pointer, ~done & (kind != -1),
                                                 mask, ~done)
            done = done | ends
            if done.all():
                break
        return torch.stack(probs, 1), torch.stack(kinds, 1), steps.tolist()
