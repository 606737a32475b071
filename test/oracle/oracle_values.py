"""Value conversions for the layer/function oracle: symbolic tensor specs <-> real tensors <-> JSON.

A case names its tensors as T(shape, dtype); the JSON carries them as {"tensor": shape, "dtype": ...},
the same shape as the analyzer's TensorArg, so the TypeScript test passes them through unchanged.
"""

from __future__ import annotations

import torch

DTYPES = {
    "float32": torch.float32,
    "float16": torch.float16,
    "float64": torch.float64,
    "bfloat16": torch.bfloat16,
    "int64": torch.int64,
    "int32": torch.int32,
    "bool": torch.bool,
    "complex64": torch.complex64,
}


class T:
    """A tensor argument: random values of `shape` (ints below `high`, floats uniform below `high`
    when given, else normal), or the given `values`."""

    def __init__(self, shape, dtype="float32", values=None, high=None):
        self.shape, self.dtype, self.values, self.high = list(shape), dtype, values, high

    def make(self) -> torch.Tensor:
        dt = DTYPES[self.dtype]
        if self.values is not None:
            return torch.tensor(self.values, dtype=dt)
        if self.dtype == "bool":
            return torch.randint(0, 2, self.shape).bool()
        if dt.is_complex:
            return torch.randn(self.shape, dtype=dt)
        if not dt.is_floating_point:
            return torch.randint(0, self.high or 10, self.shape, dtype=dt)
        if self.high is not None:  # probabilities, variances: uniform in (0, high)
            return torch.rand(self.shape, dtype=dt) * self.high
        return torch.randn(self.shape, dtype=dt)

    def __repr__(self) -> str:
        return f"T({self.shape})" if self.dtype == "float32" else f"T({self.shape}, {self.dtype!r})"

    def json(self) -> dict:
        return {"tensor": self.shape, "dtype": self.dtype}


class S:
    """A slice in an indexing key (`x[1:5:2]`), which JSON cannot carry: {"slice": [lo, hi, step]}."""

    def __init__(self, lo=None, hi=None, step=None):
        self.lo, self.hi, self.step = lo, hi, step

    def make(self) -> slice:
        return slice(self.lo, self.hi, self.step)

    def __repr__(self) -> str:
        parts = ["" if v is None else str(v) for v in (self.lo, self.hi, self.step)]
        return ":".join(parts[:2]) + (f":{parts[2]}" if self.step is not None else "")

    def json(self) -> dict:
        return {"slice": [self.lo, self.hi, self.step]}


def dtype_name(dt: torch.dtype) -> str:
    return str(dt).replace("torch.", "")


def to_json(v):
    if isinstance(v, (T, S)):
        return v.json()
    if v is Ellipsis:
        return {"ellipsis": True}
    if isinstance(v, (list, tuple)):
        return [to_json(x) for x in v]
    if isinstance(v, dict):
        return {k: to_json(x) for k, x in v.items()}
    if isinstance(v, torch.dtype):
        return "torch." + dtype_name(v)
    return v


def from_json_value(v):
    """A case value as torch receives it: T → tensor, "torch.float16" → dtype, containers kept."""
    if isinstance(v, (T, S)):
        return v.make()
    if isinstance(v, str) and v.startswith("torch.") and hasattr(torch, v[6:]):
        return getattr(torch, v[6:])
    if isinstance(v, tuple):
        return tuple(from_json_value(x) for x in v)
    if isinstance(v, list):
        return [from_json_value(x) for x in v]
    if isinstance(v, dict):
        return {k: from_json_value(x) for k, x in v.items()}
    return v


def output_json(out):
    if isinstance(out, torch.Tensor):
        return {"tensor": list(out.shape), "dtype": dtype_name(out.dtype)}
    if isinstance(out, torch.Size):
        return list(out)
    if isinstance(out, (list, tuple)):
        return [output_json(x) for x in out]
    if out is None or isinstance(out, (bool, int, float, str)):
        return out
    raise TypeError(f"cannot record output of type {type(out).__name__}")
