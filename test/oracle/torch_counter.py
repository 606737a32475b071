"""Aten-level multiply-accumulate counter: the yardstick the static analyzer is measured against.

Runs a real PyTorch forward under a TorchDispatchMode and counts the MACs of every matrix-product
and convolution op that reaches the dispatcher, then attributes them to the innermost nn.Module
running at that moment (forward pre/post hooks), so per-layer numbers exist beside the total.

Convention (identical to server/src/analysis/frameworks/torch/layerSpec.ts; FLOPs = 2 x MACs):
- mm / addmm / bmm / baddbmm / addbmm / mv / addmv / dot (and the in-place addmm_ etc.): product of the free and contracted
  dimensions (m x k x n per matrix). Linear, matmul, `@`, einsum, LSTM/GRU/RNN cells and
  MultiheadAttention all reach the dispatcher as these ops on CPU in torch 1.13, so they are counted
  through them; bias additions are not MACs.
- convolution / _convolution: output elements x (in_channels / groups) x prod(kernel);
  transposed: input elements x (out_channels / groups) x prod(kernel).
- _trilinear (nn.Bilinear): product of the broadcast (output x summed) shape = rows x out x in1 x in2.
- Everything else (embedding, norms, activations, pooling, dropout, softmax, elementwise): 0.
Only ops run while the mode is active are counted; backward is never run here.
Run with /usr/bin/python3 (Debian python3-torch 1.13).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch
from torch.utils._python_dispatch import TorchDispatchMode

aten = torch.ops.aten


def _numel(shape) -> int:
    return int(math.prod(int(s) for s in shape))


def _mm(args) -> int:  # (m, k) @ (k, n)
    a, b = args[0], args[1]
    return a.shape[0] * a.shape[1] * b.shape[1]


def _addmm(args) -> int:  # bias + (m, k) @ (k, n)
    return _mm(args[1:])


def _bmm(args) -> int:  # (b, m, k) @ (b, k, n)
    a, b = args[0], args[1]
    return a.shape[0] * a.shape[1] * a.shape[2] * b.shape[2]


def _baddbmm(args) -> int:
    return _bmm(args[1:])


def _addbmm(args) -> int:  # sum over batch of (b, m, k) @ (b, k, n)
    return _bmm(args[1:])


def _mv(args) -> int:  # (m, k) @ (k,)
    return args[0].shape[0] * args[0].shape[1]


def _addmv(args) -> int:
    return _mv(args[1:])


def _dot(args) -> int:
    return args[0].shape[0]


def _convolution(args) -> int:
    # convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    # _convolution has the same leading arguments.
    x, w = args[0], args[1]
    transposed = bool(args[6])
    groups = int(args[8])
    kernel = _numel(w.shape[2:])
    if transposed:
        # weight is (in_channels, out_channels / groups, *kernel): every input element is scattered
        # into out_channels/groups x kernel outputs.
        return _numel(x.shape) * w.shape[1] * kernel
    # weight is (out_channels, in_channels / groups, *kernel); output size recomputed from the args.
    return _numel(_conv_output_shape(x, w, args)) * w.shape[1] * kernel


def _conv_output_shape(x, w, args) -> Tuple[int, ...]:
    stride, padding, dilation = list(args[3]), list(args[4]), list(args[5])
    spatial = x.shape[2:]
    n = len(spatial)
    stride = stride * n if len(stride) == 1 else stride
    padding = padding * n if len(padding) == 1 else padding
    dilation = dilation * n if len(dilation) == 1 else dilation
    out = []
    for i in range(n):
        k = w.shape[2 + i]
        out.append((spatial[i] + 2 * padding[i] - dilation[i] * (k - 1) - 1) // stride[i] + 1)
    batch = x.shape[0] if x.dim() == n + 2 else 1
    return (batch, w.shape[0], *out)


def _trilinear(args) -> int:
    # _trilinear(i1, i2, i3, expand1, expand2, expand3, sumdim, unroll_dim): each input gets size-1
    # dims inserted at its expand positions, then all three broadcast; the work is that full shape.
    tensors, expands = args[0:3], args[3:6]
    full: Optional[List[int]] = None
    for t, ex in zip(tensors, expands):
        shape = list(t.shape)
        for d in sorted(ex):
            shape.insert(d, 1)
        full = shape if full is None else [max(a, b) for a, b in zip(full, shape)]
    return _numel(full or [])


MAC_RULES: Dict[Any, Callable[[tuple], int]] = {
    aten.mm.default: _mm,
    aten.addmm.default: _addmm,
    aten.bmm.default: _bmm,
    aten.baddbmm.default: _baddbmm,
    aten.addbmm.default: _addbmm,
    aten.mv.default: _mv,
    aten.addmv.default: _addmv,
    # In-place forms (`out.baddbmm_(q, k)`) multiply just the same.
    aten.addmm_.default: _addmm,
    aten.baddbmm_.default: _baddbmm,
    aten.addbmm_.default: _addbmm,
    aten.addmv_.default: _addmv,
    aten.dot.default: _dot,
    aten.vdot.default: _dot,
    aten.convolution.default: _convolution,
    aten._convolution.default: _convolution,
    aten._trilinear.default: _trilinear,
}


@dataclass
class ModuleRecord:
    path: str
    type: str
    own_macs: int = 0
    # The part of own_macs in convolutions: cuDNN runs them in TF32 by default, matmuls in FP32.
    own_conv_macs: int = 0
    calls: int = 0
    input_shape: Optional[List[int]] = None
    output_shape: Optional[List[int]] = None


@dataclass
class CountResult:
    total_macs: int
    by_op: Dict[str, int]
    modules: Dict[str, ModuleRecord] = field(default_factory=dict)


class MacCounter(TorchDispatchMode):
    """Counts MACs of dispatched ops; `stack` holds the module paths currently inside forward."""

    def __init__(self) -> None:
        super().__init__()
        self.total = 0
        self.by_op: Dict[str, int] = {}
        self.stack: List[ModuleRecord] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        rule = MAC_RULES.get(func)
        if rule is not None:
            macs = int(rule(args))
            self.total += macs
            name = str(func.overloadpacket.__name__)
            self.by_op[name] = self.by_op.get(name, 0) + macs
            if self.stack:
                self.stack[-1].own_macs += macs
                if name in ("convolution", "_convolution"):
                    self.stack[-1].own_conv_macs += macs
        return func(*args, **(kwargs or {}))


def _first_shape(value) -> Optional[List[int]]:
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    if isinstance(value, (list, tuple)):
        for v in value:
            s = _first_shape(v)
            if s is not None:
                return s
    return None


def count_forward(model: torch.nn.Module, run: Callable[[], Any]) -> CountResult:
    """Runs `run()` (which calls the model) under the counter, with per-module attribution.

    A module reached under two names (shared submodule) is recorded under its first name, like
    named_modules() and the analyzer's LayerCost paths.
    """
    counter = MacCounter()
    records: Dict[str, ModuleRecord] = {}
    handles = []
    for path, mod in model.named_modules():
        rec = ModuleRecord(path=path, type=type(mod).__name__)
        records[path] = rec

        def pre(_m, inputs, rec=rec):
            rec.calls += 1
            if rec.input_shape is None:
                rec.input_shape = _first_shape(inputs)
            counter.stack.append(rec)

        def post(_m, _inputs, output, rec=rec):
            # Pop this record (it is on top unless a child raised, which aborts the count anyway).
            if counter.stack and counter.stack[-1] is rec:
                counter.stack.pop()
            if rec.output_shape is None:
                rec.output_shape = _first_shape(output)

        handles.append(mod.register_forward_pre_hook(pre))
        handles.append(mod.register_forward_hook(post))
    try:
        with counter:
            run()
    finally:
        for h in handles:
            h.remove()
    return CountResult(total_macs=counter.total, by_op=dict(counter.by_op), modules=records)


def _self_check() -> None:
    """The counter against closed forms on a Linear and a Conv2d (and a transposed conv)."""
    torch.manual_seed(0)
    lin = torch.nn.Linear(300, 70)
    r = count_forward(lin, lambda: lin(torch.randn(4, 9, 300)))
    assert r.total_macs == 4 * 9 * 300 * 70, r.total_macs

    conv = torch.nn.Conv2d(6, 12, kernel_size=(3, 5), stride=2, padding=1, groups=3)
    x = torch.randn(2, 6, 31, 29)
    out = conv(x)
    r = count_forward(conv, lambda: conv(x))
    assert r.total_macs == out.numel() * (6 // 3) * 3 * 5, (r.total_macs, out.shape)

    convt = torch.nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=1)
    x = torch.randn(2, 8, 7, 7)
    r = count_forward(convt, lambda: convt(x))
    assert r.total_macs == x.numel() * 4 * 16, r.total_macs

    lstm = torch.nn.LSTM(10, 20, num_layers=2)
    seq = torch.randn(7, 3, 10)
    r = count_forward(lstm, lambda: lstm(seq))
    per_step = 4 * 20 * (10 + 20) + 4 * 20 * (20 + 20)
    assert r.total_macs == 7 * 3 * per_step, (r.total_macs, 7 * 3 * per_step)
    bil = torch.nn.Bilinear(5, 6, 7)
    r = count_forward(bil, lambda: bil(torch.randn(3, 5), torch.randn(3, 6)))
    assert r.total_macs == 3 * 7 * 5 * 6, r.total_macs

    # MultiheadAttention with kdim/vdim: projections + QK^T + AV (eval, grad enabled: ordinary path).
    mha = torch.nn.MultiheadAttention(32, 4, kdim=12, vdim=20, batch_first=True).eval()
    q, k, v = torch.randn(2, 5, 32), torch.randn(2, 9, 12), torch.randn(2, 9, 20)
    r = count_forward(mha, lambda: mha(q, k, v))
    expected = 2 * (5 * 32 * 32 + 9 * 12 * 32 + 9 * 20 * 32 + 5 * 32 * 32 + 5 * 9 * 32 * 2)
    assert r.total_macs == expected, (r.total_macs, expected)
    assert r.modules[""].own_macs == expected
    print("torch_counter self-check ok (torch", torch.__version__ + ")")


if __name__ == "__main__":
    _self_check()
