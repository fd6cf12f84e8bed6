"""The learned half of the safety screen: a fine-tuned MiniLM that reads a turn as a whole.

The rules (safety.py) catch what they were written for; this model, trained on several
thousand labelled turns (scripts/train_safety.py), also hears the same danger said in
words no rule has. It gives a probability for each concern and for ordinary talk;
screening.py turns that, with the rules, into a tier. The model may be an ensemble:
screen.json lists its members (each trained alike from its own seed), whose probabilities
are averaged, which steadies the confident end where the full response is given. Weights
ship in coach/data/safety/ (~33 MB a member: float16 layers, int8 word embeddings) and run
on numpy alone. Nothing is downloaded.

A turn longer than one window of word pieces is read in overlapping windows and the
most worrying window counts; past WINDOWS windows (about 200 words) the model reads no
further, which keeps a very long answer from holding up the turn; the rules still read on.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from coach.dialog.concern import Concern
from coach.nlp.encoder import Encoder
from coach.nlp.wordpiece import WordPiece

log = logging.getLogger(__name__)

MODEL_FOLDER = Path(__file__).resolve().parents[1] / "data" / "safety"
LABELS = ("benign", "self-harm", "harm-to-others", "abuse", "child-harm")
MAX_PIECES = 96
"""Word pieces per window, [CLS] and [SEP] included (the model was trained on this)."""
STRIDE = 64
WINDOWS = 3


@dataclass(frozen=True)
class Risk:
    """What the model makes of one turn."""

    crisis: float  # probability that the turn is one of the concerns
    concern: Concern  # the likeliest concern, whatever `crisis` is


class Classifier:
    """Reads turns with the weights in `folder`."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = folder or MODEL_FOLDER
        self.tokenizer = WordPiece.from_file(folder / "vocab.txt")
        meta = json.loads((folder / "screen.json").read_text(encoding="utf-8"))
        if tuple(meta["labels"]) != LABELS:
            raise ValueError(f"{folder}: the model's labels are {meta['labels']}, not {LABELS}")
        self.thresholds: dict[str, float] = {k: float(v) for k, v in meta["thresholds"].items()}
        self.members = [_Member(folder / name) for name in meta.get("members", ["screen.npz"])]

    def probabilities(self, text: str) -> npt.NDArray[np.float32]:
        """Probabilities over LABELS for the most worrying window of `text`."""
        pieces = self.tokenizer.encode(text)
        width = MAX_PIECES - 2
        starts = list(range(0, max(1, len(pieces) - width + STRIDE), STRIDE))[:WINDOWS]
        best: npt.NDArray[np.float32] | None = None
        for start in starts:
            ids = [self.tokenizer.first, *pieces[start : start + width], self.tokenizer.last]
            found = self.members[0].probabilities(ids)
            for member in self.members[1:]:
                found = found + member.probabilities(ids)
            found /= len(self.members)
            if best is None or found[0] < best[0]:
                best = found
        assert best is not None
        return best

    def risk(self, text: str) -> Risk:
        found = self.probabilities(text)
        worst = int(np.argmax(found[1:])) + 1
        return Risk(float(1.0 - found[0]), Concern(LABELS[worst]))


class _Member:
    """One trained model: the encoder and the head over its sentence vector."""

    def __init__(self, path: Path) -> None:
        self.encoder = Encoder(path)
        with np.load(path) as stored:
            self.head = stored["head"].astype(np.float32).T
            self.head_bias = stored["head_b"].astype(np.float32)

    def probabilities(self, ids: list[int]) -> npt.NDArray[np.float32]:
        logits = self.encoder.embed(ids) @ self.head + self.head_bias
        odds = np.exp(logits - logits.max())
        found: npt.NDArray[np.float32] = (odds / odds.sum()).astype(np.float32)
        return found


_lock = threading.Lock()
_loaded: list[Classifier | None] = []
_failure: list[str] = []


def shared() -> Classifier | None:
    """The classifier, loaded on first use (from any thread); None if it could not load."""
    with _lock:
        if not _loaded:
            try:
                _loaded.append(Classifier())
            except Exception as error:  # missing, damaged or unreadable: the rules carry on
                _failure.append(f"{type(error).__name__}: {error}")
                log.warning(
                    "The learned safety screen did not load (%s); the rules screen alone.", error
                )
                _loaded.append(None)
        return _loaded[0]


def failure() -> str | None:
    """Why the shared classifier did not load, once it has been tried."""
    with _lock:
        return _failure[0] if _failure else None
