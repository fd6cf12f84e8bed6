"""A MiniLM (BERT-style) encoder run with numpy: word pieces in, one sentence vector out.

The weights come from an .npz file written by scripts/train_safety.py: the word
embeddings as int8 with one float scale per row (a quarter of float32's size; only the
rows a turn uses are expanded), the layers' matrices as float16 (expanded to float32 at
load), everything else float32. The arithmetic follows
BERT: embeddings, then per layer self-attention and a feed-forward block, each added
back and layer-normalised; the sentence vector is the mean over the pieces. GELU is
the tanh approximation, which the training script uses too, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float32]
NORM_EPSILON = 1e-12


@dataclass(frozen=True)
class _Layer:
    qkv: Array  # (hidden, 3 * hidden), ready for x @ qkv
    qkv_bias: Array
    out: Array
    out_bias: Array
    norm1: tuple[Array, Array]
    up: Array
    up_bias: Array
    down: Array
    down_bias: Array
    norm2: tuple[Array, Array]


class Encoder:
    """Sentence vectors from word-piece ids."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as stored:
            weights = {name: stored[name] for name in stored.files}
        self.heads = int(weights["heads"])
        self.words = weights["word"]  # int8 rows; dequantised as they are looked up
        self.word_scale = weights["word_scale"]
        self.positions = weights["position"] + weights["token_type"]
        self.embed_norm = (weights["embed_norm_w"], weights["embed_norm_b"])
        self.layers = [_layer(weights, f"l{i}.") for i in range(int(weights["layers"]))]
        self.longest = self.positions.shape[0]

    def embed(self, ids: list[int]) -> Array:
        """The mean-pooled vector of one sequence of ids, [CLS] and [SEP] included."""
        if not 0 < len(ids) <= self.longest:
            raise ValueError(
                f"a sequence of {len(ids)} pieces; this encoder takes 1 to {self.longest}"
            )
        rows = np.asarray(ids)
        x = self.words[rows].astype(np.float32) * self.word_scale[rows, None]
        x = _norm(x + self.positions[: len(ids)], self.embed_norm)
        for layer in self.layers:
            x = _norm(x + self._attend(x, layer), layer.norm1)
            hidden = _gelu(x @ layer.up + layer.up_bias)
            x = _norm(x + hidden @ layer.down + layer.down_bias, layer.norm2)
        pooled: Array = x.mean(axis=0)
        return pooled

    def _attend(self, x: Array, layer: _Layer) -> Array:
        length, width = x.shape
        size = width // self.heads
        qkv = (x @ layer.qkv + layer.qkv_bias).reshape(length, 3, self.heads, size)
        q, k, v = (qkv[:, i].transpose(1, 0, 2) for i in range(3))  # (heads, length, size)
        scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(size))
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(length, width)
        out: Array = context @ layer.out + layer.out_bias
        return out


def dequantise(weights: dict[str, np.ndarray], name: str) -> Array:
    """A matrix stored as float16, or as int8 rows with a scale each, as float32."""
    if name + "_scale" not in weights:
        return weights[name].astype(np.float32)
    scaled: Array = weights[name].astype(np.float32) * weights[name + "_scale"][:, None]
    return scaled.astype(np.float32)


def _layer(weights: dict[str, np.ndarray], prefix: str) -> _Layer:
    def matrix(name: str) -> Array:
        return np.ascontiguousarray(dequantise(weights, prefix + name).T)

    def vector(name: str) -> Array:
        return weights[prefix + name].astype(np.float32)

    return _Layer(
        qkv=matrix("qkv"),
        qkv_bias=vector("qkv_b"),
        out=matrix("out"),
        out_bias=vector("out_b"),
        norm1=(vector("norm1_w"), vector("norm1_b")),
        up=matrix("up"),
        up_bias=vector("up_b"),
        down=matrix("down"),
        down_bias=vector("down_b"),
        norm2=(vector("norm2_w"), vector("norm2_b")),
    )


def _norm(x: Array, weight_bias: tuple[Array, Array]) -> Array:
    weight, bias = weight_bias
    centred = x - x.mean(axis=-1, keepdims=True)
    var = (centred * centred).mean(axis=-1, keepdims=True)
    normed: Array = centred / np.sqrt(var + np.float32(NORM_EPSILON)) * weight + bias
    return normed


def _gelu(x: Array) -> Array:
    cube = x * x * x  # x**3 goes through pow(), a hundred times slower
    inner = np.float32(0.7978845608) * (x + np.float32(0.044715) * cube)
    return cast(Array, np.float32(0.5) * x * (np.float32(1.0) + np.tanh(inner)))
