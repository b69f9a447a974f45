"""Counter-based random numbers: each value is a pure function of (seed, entity key, stream, index).

A household's draws therefore do not depend on which batch or shard it is generated in, and the
whole pack is reproducible from its seed. SplitMix64 finalisers over uint64 arrays keep it vectorised.
"""

from __future__ import annotations

import zlib

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> np.uint64(30))) * _M1
        x = (x ^ (x >> np.uint64(27))) * _M2
        return x ^ (x >> np.uint64(31))


def stream_id(name: str) -> int:
    """A stable 32-bit id for a named stream (e.g. 'pv.tilt')."""
    return zlib.crc32(name.encode())


def uniform(seed: int, keys, stream: str, size: int | None = None) -> np.ndarray:
    """Uniform(0,1) draws: shape (len(keys),) or (len(keys), size). keys: integer entity ids."""
    keys = np.asarray(keys, dtype=np.uint64)
    with np.errstate(over="ignore"):
        base = _mix(_mix(np.uint64(seed) ^ np.uint64(stream_id(stream)) * _GOLDEN) ^ keys * _M1)
        if size is None:
            bits = _mix(base)
        else:
            counters = np.arange(size, dtype=np.uint64)
            bits = _mix(base[:, None] ^ (counters[None, :] * _M2))
    # 53 random bits -> (0, 1), never exactly 0 so logs are safe.
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / float(1 << 53)


def normal(seed: int, keys, stream: str, size: int | None = None) -> np.ndarray:
    """Standard normal draws (Box-Muller over two independent uniform streams)."""
    u1 = uniform(seed, keys, stream + "#a", size)
    u2 = uniform(seed, keys, stream + "#b", size)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def choice(u: np.ndarray, weights) -> np.ndarray:
    """Index of the category each uniform draw falls in, for the given (unnormalised) weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    return np.minimum(np.searchsorted(cumulative / cumulative[-1], u, side="right"), len(cumulative) - 1)


def key_of(text: str) -> int:
    """A stable integer key for a named entity (territory, programme, region)."""
    return zlib.crc32(text.encode())
