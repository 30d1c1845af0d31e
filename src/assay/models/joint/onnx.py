"""The joint network as two ONNX graphs, run by ONNX Runtime: `tagger.onnx` (encoder, unit
vectors, tag logits and the relation head's unit vectors) and `pairs.onnx` (relation logits
for rows of entity pairs). Decoding stays in Python, shared with the PyTorch path, so both
runtimes decode alike; `int8` adds dynamic int8 quantisation of the tagger's weights."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import torch
from torch import nn

INPUTS = ["input_ids", "attention_mask", "first_piece", "shapes", "chars"]


class _Tagger(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, input_ids, attention_mask, first_piece, shapes, chars=None):
        batch = {"input_ids": input_ids, "attention_mask": attention_mask,
                 "first_piece": first_piece, "shapes": shapes, "chars": chars}
        units = self.module.ner_units(batch)
        return self.module.ner_logits(units), self.module.relation_units(batch, units)


class _Pairs(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, units, pairs):
        return self.module.pair_logits(units, pairs)


def export_onnx(extractor, source: Path, target: Path, int8: bool = False) -> Path:
    """Copy the model directory `source` to `target` and add `onnx/` with both graphs."""
    from torch.export import Dim

    _onnxruntime()

    from assay.doc import Document
    from assay.models.windows import make_windows

    if Path(source).resolve() != Path(target).resolve():
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            "checkpoint", "onnx"))
    folder = Path(target) / "onnx"
    folder.mkdir(parents=True, exist_ok=True)
    module = extractor.module.eval().to("cpu")
    extractor.device = torch.device("cpu")
    names = INPUTS if extractor.config.char_dim else INPUTS[:-1]
    sample = [Document("a", "Export this sentence, version 1.0 of it."), Document("b", "Short.")]
    batch = extractor.collate(make_windows(
        sample, extractor.tokenizer, extractor.config.max_length,
        split_digits=extractor.config.split_digits))
    n, pieces, units, chars = Dim("n"), Dim("pieces"), Dim("units"), Dim("chars")
    shapes = {"input_ids": {0: n, 1: pieces}, "attention_mask": {0: n, 1: pieces},
              "first_piece": {0: n, 1: units}, "shapes": {0: n, 1: units},
              "chars": {0: n, 1: units, 2: chars}}
    with torch.no_grad():
        _export(_Tagger(module), tuple(batch[k] for k in names), names,
                ["ner_logits", "units"], {k: shapes[k] for k in names}, folder / "tagger.onnx")
        tagged = module.ner_units({k: batch[k] for k in names})
        pairs = torch.tensor([[0, 0, 1, 0, 1, 2, 0], [1, 0, 1, 0, 0, 1, 0]])
        _export(_Pairs(module), (tagged, pairs), ["units", "pairs"], ["logits"],
                {"units": {0: n, 1: units}, "pairs": {0: Dim("rows")}}, folder / "pairs.onnx")
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # the encoder is where the time goes; the small pair head stays in float32
        full = folder / "tagger.onnx"
        quantize_dynamic(full, folder / "tagger.int8.onnx", weight_type=QuantType.QInt8)
        (folder / "tagger.int8.onnx").replace(full)
    return Path(target)


def _export(module, args, inputs, outputs, dynamic, path: Path) -> None:
    torch.onnx.export(module, args, str(path), input_names=inputs, output_names=outputs,
                      dynamic_shapes=dynamic, dynamo=True, external_data=False, verbose=False)


def _onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ImportError("ONNX needs the onnx extra: pip install 'assay[onnx]'") from None
    return onnxruntime


class OnnxRunner:
    """The same two steps as `TorchRunner`, through ONNX Runtime on the CPU."""

    def __init__(self, folder: Path):
        ort = _onnxruntime()

        if not (folder / "tagger.onnx").exists():
            raise FileNotFoundError(f"{folder}: no tagger.onnx; make it with assay export")
        options = ort.SessionOptions()
        options.intra_op_num_threads = torch.get_num_threads()
        # an exported BiLSTM's outputs keep the traced unit count as their declared shape, and
        # Runtime warns at each call whose count differs; the values are right (tests/models/
        # test_onnx.py runs longer windows than the traced one), so only errors are logged
        options.log_severity_level = 3
        self.tagger = ort.InferenceSession(str(folder / "tagger.onnx"), options,
                                           providers=["CPUExecutionProvider"])
        self.pairs = ort.InferenceSession(str(folder / "pairs.onnx"), options,
                                          providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.tagger.get_inputs()]

    def ner_log_probs(self, batch: dict) -> tuple[np.ndarray, np.ndarray]:
        logits, units = self.tagger.run(None, {k: batch[k].numpy() for k in self.inputs})
        shifted = logits - logits.max(-1, keepdims=True)
        return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)), units

    def pair_logits(self, batch: dict, units: np.ndarray, pairs: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self.pairs.run(None, {"units": units, "pairs": pairs.numpy()})[0])
