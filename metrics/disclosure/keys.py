"""Secret draws per cell (decoys, the order secondaries are taken in) from the database's key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass


def indicator_key(key: bytes, indicator_id: str) -> bytes:
    """The indicator's own key, derived from the database's secret ``key`` (so draws differ
    between indicators). ValueError for a key shorter than 16 bytes: a short key could be
    guessed, and a guessed key lets a reader replay the decoys."""
    if not isinstance(key, bytes) or len(key) < 16:
        raise ValueError("disclosure control needs a secret key of at least 16 bytes")
    return hmac.new(key, b"lagesbild-disclosure|" + indicator_id.encode(), hashlib.sha256).digest()


def cell_draws(key: bytes, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell label (area and months, never a value): a secret rank (int64, for the order in
    which secondaries are taken) and a secret uniform draw in [0, 1) (a decoy when below
    ``DECOY_RATE``). Both come from HMAC-SHA256 with ``key`` (an ``indicator_key``): without
    it a reader can neither tell them nor replay them; with it they are the same on every run,
    so a release is reproducible and sticky."""
    digests = [hmac.new(key, label.encode(), hashlib.sha256).digest() for label in labels]
    raw = np.frombuffer(b"".join(d[:16] for d in digests), dtype=">u8").reshape(-1, 2)
    rank = (raw[:, 0] >> np.uint64(1)).astype("int64")
    draw = (raw[:, 1] >> np.uint64(11)).astype("float64") / float(1 << 53)
    return rank, draw
