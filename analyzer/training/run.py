"""``train()``: build the artifact, stage by stage, and publish it once."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from analyzer.core.settings import CHECKOUT_DIR, model_dir, split_path

log = logging.getLogger(__name__)

STAGES = ("tfidf", "encoder", "presence", "spans", "all")
HANDWRITTEN = CHECKOUT_DIR / "models" / "handwritten_examples.jsonl"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``clause-analyzer train`` and ``python -m analyzer.training``."""
    p.add_argument("--cuad", type=Path, required=True, metavar="DIR", help="CUAD folder (contracts.jsonl, annotations.jsonl, txt/)")
    p.add_argument("--stage", choices=STAGES, default="all",
                   help="tfidf: stage 1 only; encoder: stage 2 on the stage 1 artifact at --output; presence: the "
                        "per-document decision and the span model on the artifact at --output; spans: the span "
                        "model alone; all (default): every stage")
    p.add_argument("--output", type=Path, default=None, metavar="DIR", help="artifact folder (default: models/clause_model)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    p.add_argument("--C", type=float, default=None, help="stage 1 inverse regularisation (default 16)")
    g = p.add_argument_group("stage 2 (encoder)")
    g.add_argument("--base", default=None, help="encoder base checkpoint, a package name or a local path (default: the MiniLM package)")
    g.add_argument("--frozen", type=int, default=None,
                   help="lower layers kept as in the base (default 6 = the whole MiniLM encoder; fewer fine-tunes the rest)")
    g.add_argument("--epochs", type=int, default=None, help="head epochs (default 100; the best on validation is kept)")
    g.add_argument("--batch", type=int, default=None, help="batch size when fine-tuning layers (default 32)")
    g.add_argument("--lr", type=float, default=None, help="learning rate (default 2e-3)")
    g.add_argument("--head-hidden", type=int, default=None, help="head width (default 256)")
    g.add_argument("--max-length", type=int, default=None, help="encoder tokens per unit (default 128)")
    g.add_argument("--per-category", type=int, default=None, help="candidates per category at inference (default 2)")
    g.add_argument("--cap", type=int, default=None, help="candidates per document at inference (default 64)")
    g.add_argument("--hard-negatives", type=int, default=None,
                   help="train negatives per category and contract: its best stage 1 units without the label (default 5)")
    g.add_argument("--random-negatives", type=int, default=None, help="random negative units (default 4000)")
    g.add_argument("--max-train-units", type=int, default=None,
                   help="encode at most this many training units, a seeded random subset (default: all)")
    g.add_argument("--train-per-category", type=int, default=None,
                   help="with --frozen below the base's layers: train units per category and contract, its best "
                        "out-of-fold stage 1 candidates, plus every CUAD-labelled unit (default 3)")
    g.add_argument("--max-minutes", type=float, default=None,
                   help="with --frozen below the base's layers: stop fine-tuning at the next checkpoint after this "
                        "long; the same command resumes (default: run to the end)")


def train(cuad: Path, stage: str = "all", output: Path | None = None, threads: int = 2,
          options: dict | None = None) -> str | None:
    """Train ``stage`` from the CUAD folder ``cuad`` and publish the artifact at ``output``
    (default: the configured model folder). Returns the artifact's version, or None when
    fine-tuning stopped for time (nothing is published; the same call resumes)."""
    from analyzer.evaluation.cuad_data import load_split
    from analyzer.training import artifact, encoder, presence, span_model, tfidf
    from analyzer.training.dataset import build_split, data_hashes

    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, not {stage!r}")
    options = dict(options or {})
    output = Path(output) if output else model_dir()
    if stage in ("encoder", "presence", "spans") and not (output / "config.json").is_file():
        from analyzer.core.errors import ModelError

        raise ModelError(f"{output}: no stage 1 artifact to add the {stage} stage to (train --stage tfidf first)")
    t0 = time.time()
    data = data_hashes(cuad, split_path(), HANDWRITTEN)
    split = load_split()
    train_set = build_split(cuad, split["train"], drop_heading=True, data_hash=data["all"])
    val_set = build_split(cuad, split["val"], drop_heading=False, data_hash=data["all"])
    log.info("units: train %d, val %d (%.0fs)", len(train_set["doc"]), len(val_set["doc"]), time.time() - t0)
    staged = artifact.staging(output)
    try:
        if stage in ("tfidf", "all"):
            tfidf.train_tfidf(train_set, val_set, HANDWRITTEN, staged, C=float(options.get("C") or 16.0), threads=threads)
            log.info("stage 1 done (%.0fs)", time.time() - t0)
        else:
            artifact.copy_into(output, staged)
            if stage == "encoder":
                (staged / "encoder.npz").unlink(missing_ok=True)
        if stage in ("encoder", "all"):
            def oof():  # out-of-fold stage 1 probabilities of the train units, for choosing fine-tuning units
                from analyzer.classify.tfidf_stage import UnitModel

                z, _ = presence.oof_logits(train_set, HANDWRITTEN, float(options.get("C") or 16.0), data["all"], threads)
                return UnitModel.load(staged)[0].calibrate(z)

            summary = encoder.train_encoder(train_set, val_set, staged, threads=threads, options=options, oof_probs=oof)
            if summary.get("paused"):
                import shutil

                shutil.rmtree(staged, ignore_errors=True)
                print(f"fine-tuning stopped for time at epoch {summary['epoch'] + 1}, batch {summary['batch']} "
                      f"({summary['run']}); run the same command again to resume")
                return None
            log.info("stage 2 done (%.0fs)", time.time() - t0)
        if stage in ("presence", "all"):
            presence.train_presence(train_set, val_set, staged, HANDWRITTEN, data["all"], threads=threads)
            log.info("presence done (%.0fs)", time.time() - t0)
        if stage in ("presence", "spans", "all"):
            span_model.train_span_model(train_set, staged, HANDWRITTEN, data["all"], threads=threads)
            log.info("span model done (%.0fs)", time.time() - t0)
        version = artifact.finalize(staged, data)
        artifact.publish(staged, output)
    except BaseException:
        import shutil

        shutil.rmtree(staged, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in output.iterdir() if p.is_file())
    log.info("saved %s (%s, %.1f MB) in %.0fs", output, version, size / 1e6, time.time() - t0)
    print(f"{output}: {version} ({size / 1e6:.1f} MB) in {time.time() - t0:.0f}s")
    return version
