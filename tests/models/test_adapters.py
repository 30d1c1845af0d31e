"""LoRA adapters: a model directory holds only what training changed, and merging the adapters
into the encoder for inference changes no prediction."""
from pathlib import Path

from safetensors.torch import load_file

from assay import formats
from assay.models.base import WEIGHTS, load_weights, read_dir
from assay.models.joint.config import JointConfig
from assay.models.joint.extractor import JointExtractor
from assay.models.registry import load_model
from tests.models.conftest import SAMPLE


def test_the_weights_hold_adapters_and_heads_but_no_encoder_weight(trained_lora):
    state = load_file(str(trained_lora / WEIGHTS))
    encoder = [n for n in state if n.startswith("ner_units.encoder.")]
    assert encoder and all(".lora_A." in n or ".lora_B." in n for n in encoder)
    # B starts at zero: a trained adapter has moved away from it
    assert any(state[n].abs().max() > 0 for n in encoder if ".lora_B." in n)
    assert "tagger.weight" in state and "pair.0.weight" in state


def test_merged_adapters_predict_as_unmerged_ones(trained_lora: Path):
    docs = list(formats.read(SAMPLE, "jsonl"))
    merged = load_model(trained_lora)
    config, encoder_config, schema = read_dir(trained_lora)
    unmerged = JointExtractor._build(JointConfig(**config), schema, True, merged.tokenizer,
                                     encoder_config)
    load_weights(unmerged.module, trained_lora)

    def spans(model):
        return [[(e.start, e.end, e.label, round(e.score, 4)) for e in d.entities]
                for d in model.predict(docs)]

    assert spans(merged) == spans(unmerged)
    assert any(spans(merged))
