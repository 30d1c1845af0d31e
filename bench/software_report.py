"""bench/results/software_papers.md: the `software` models on whole papers (SoMeSci devel)
beside benchmark sentences (SOMD 2025 dev), and the role-keeping model. Made from records
only (`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, named

PRF = ("micro_p", "micro_r", "micro_f1")


def _prf(score: dict) -> str:
    return " / ".join(f"{score[k]:.3f}" for k in PRF)


def models(record: Record) -> list[str]:
    r = record.results
    lines = ["## SOMD dev sentences and SoMeSci devel whole documents", "",
             f"SOMD 2025 dev: `{r['somd_dev']}`, protocol somd. SoMeSci devel: `"
             f"{r['somesci_devel']}`, {r['documents']} whole documents, strict matching. "
             "Mention-free sentences: the sentences of the gold documents (rule-based "
             "splitting) that hold no gold entity; each entity predicted in one is a false "
             "positive. Speed: the SoMeSci devel documents through `pipe`, whole, on this CPU. "
             "The models trained here were selected on these dev sets (SoMeSci's test "
             "documents are held out of the project).",
             "", "| model | SOMD dev entities P / R / F1 | SOMD dev relations F1 | SoMeSci "
             "entities P / R / F1 | SoMeSci relations P / R / F1 | false positives per 1,000 "
             "mention-free sentences | mention-free sentences with any | sentences/s |",
             "|---|---|---|---|---|---|---|---|"]
    for name, m in r["models"].items():
        paper, quiet = m["somesci_devel"], m["somesci_devel"]["mention_free"]
        lines.append(f"| `{name}` | {_prf(m['somd_dev']['entities'])} | "
                     f"{m['somd_dev']['relations']['micro_f1']:.3f} | "
                     f"{_prf(paper['entities'])} | {_prf(paper['relations'])} | "
                     f"{quiet['per_1000']} ({quiet['false_positives']} in "
                     f"{quiet['mention_free']}) | {quiet['share_with_any']:.1%} | "
                     f"{m['sentences_per_s']} |")
    names = list(r["models"])
    labels = sorted({label for m in r["models"].values()
                     for label in m["somesci_devel"]["entities"]["by_label"]})
    lines += ["", "SoMeSci devel entities by type, strict P / R / F1 (gold count):", "",
              "| type | " + " | ".join(f"`{n}`" for n in names) + " |",
              "|---|" + "---|" * len(names)]
    for label in labels:
        cells = []
        for n in names:
            s = r["models"][n]["somesci_devel"]["entities"]["by_label"].get(label)
            cells.append(f"{s['p']:.2f} / {s['r']:.2f} / {s['f1']:.2f} ({s['support']})"
                         if s else "-")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    for name, found in r.get("roles", {}).items():
        lines += ["", f"## `{name}`: the mention's role kept", "",
                  "SoMeSci devel, whole documents, strict P / R / F1: with SoMeSci's own labels "
                  "(type and role); by role alone (each software mention's role, whatever its "
                  "type); by type alone (roles mapped away, comparable with the table above).",
                  "", "| scored by | P / R / F1 | support |", "|---|---|---|"]
        for what, s in found.items():
            lines.append(f"| {what} | {_prf(s)} | {s['support']} |")
        lines += ["", "| role | P | R | F1 | gold |", "|---|---|---|---|---|"]
        for role, s in sorted(found["roles"]["by_label"].items()):
            lines.append(f"| {role} | {s['p']:.3f} | {s['r']:.3f} | {s['f1']:.3f} | "
                         f"{s['support']} |")
    return lines + ["", record.made(), ""]


def peers(records: list[Record]) -> list[str]:
    """The peers trained on the same data, scored on the same documents (entities only: they
    extract no relations); nothing without a record."""
    if not records:
        return []
    first = records[0].results["training_data"]
    if any(r.results["training_data"] != first for r in records):
        raise ValueError("the peers' records hold different training data: run them again "
                         "from one commit of bench/software_peers.py")
    lines = ["## The peers on the same data and the same whole documents", "",
             "Trained on the sentences of the `software` recipe's data "
             "(configs/software-papers.toml; mention-free SoMeSci sentences drawn once at its "
             "empty_weight), scored as above. They extract entities only. Speed: the SoMeSci "
             "devel sentences through the peer, one sentence a call for gliner "
             "(`predict_entities`), `nlp.pipe` for spaCy.", "",
             "| peer | SOMD dev entities P / R / F1 | SoMeSci entities P / R / F1 | false "
             "positives per 1,000 mention-free sentences | mention-free sentences with any | "
             "sentences/s | training seconds |", "|---|---|---|---|---|---|---|"]
    for record in records:
        r = record.results
        quiet = r["somesci_devel"]["mention_free"]
        lines.append(f"| {r['peer']} (seed {record.seed}) | "
                     f"{_prf(r['somd_dev']['entities'])} | "
                     f"{_prf(r['somesci_devel']['entities'])} | {quiet['per_1000']} "
                     f"({quiet['false_positives']} in {quiet['mention_free']}) | "
                     f"{quiet['share_with_any']:.1%} | {r['sentences_per_s']} | "
                     f"{r['train_seconds']} |")
    lines += ["", "Training sentences (the same for every peer):", "",
              "| source | documents | sentences | left out as dev sentences | without entities "
              "(drawn) | trained on | entities across sentences (in none) |",
              "|---|---|---|---|---|---|---|"]
    for name, c in first.items():
        lines.append(f"| {name} | {c['documents']} | {c['sentences']} | "
                     f"{c['left_out_as_dev_sentences']} | {c['without_entities']} "
                     f"({c['without_entities_drawn']}) | {c['trained_on']} | "
                     f"{c['entities_across_sentences']} |")
    for record in records:
        lines += ["", f"{record.results['peer']}: " + record.made()]
    return lines + [""]


def training(record: Record) -> list[str]:
    r = record.results
    data = r.get("training_data")
    named_dev = [x["name"] for x in record.recipe["data"]["sources"] if x["dev"]]
    dev = " and ".join(named_dev) + " dev documents" + (", together" if len(named_dev) > 1
                                                        else "")
    lines = [f"## Training run `{record.name}`", "",
             f"Recipe `{record.experiment.recipe}`"
             + (f" with `{' '.join(record.experiment.set)}`" if record.experiment.set else "")
             + f"; best epoch {r['best_epoch']} of {r['epochs_run']} run, "
             f"{r['seconds_per_epoch']} s an epoch (median). Dev micro F1 by epoch (the "
             f"recipe's dev: {dev}): " + "; ".join(
                 f"{k} {', '.join(f'{v:.3f}' for v in vals)}" for k, vals in r["by_epoch"].items())
             + "."]
    if data:
        lines += ["", "| source | documents | examples | without entities | seen an epoch | "
                  "left out as dev sentences |", "|---|---|---|---|---|---|"]
        for name, c in data.items():
            lines.append(f"| {name} | {c['documents']} | {c['examples']} | "
                         f"{c['without_entities']} | {c['an_epoch']} | "
                         f"{c.get('dev_sentences_left_out', 0)} |")
    return lines + ["", record.made(), ""]


def software_papers() -> str:
    lines = ["# `software` on whole papers", "",
             "Made by `bench/report.py` from the records in `bench/results/records/somd2025/` "
             "(experiments `software-papers-eval`, `software-peer-spacy`, `software-peer-gliner`, "
             "`software-papers`, `software-roles`). Dev "
             "sets only: SoMeSci's test documents are not here.", ""]
    for record in named("software-papers-eval"):
        lines += models(record)
    lines += peers([*named("software-peer-spacy"), *named("software-peer-gliner")])
    for name in ("software-papers", "software-roles"):
        for record in named(name):
            lines += training(record)
    return "\n".join(lines)
