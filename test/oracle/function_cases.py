"""Function-level oracle cases: torch.*, torch.nn.functional.* and Tensor methods with symbolic tensors.

Each case is (qualified name, positional args, keyword args); tensors are T(shape, dtype). A Tensor
method takes its tensor first ("Tensor.view", [x, -1, 320]); an attribute ("Tensor.shape") only that.
scaled_dot_product_attention is public only from torch 2.0, so its case runs the documented math
(softmax(QKᵀ/√d)·V) under the same counter.
"""

from __future__ import annotations

import math

import torch

from oracle_values import T


def _fmt(v) -> str:
    if isinstance(v, T):
        return f"T({v.shape}{'' if v.dtype == 'float32' else ', ' + v.dtype})"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + ", ".join(_fmt(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    return repr(v)


def C(name, args=(), kwargs=None, attribute=False, reference=None):
    kwargs = kwargs or {}
    text = ", ".join([_fmt(a) for a in args] + [f"{k}={_fmt(v)}" for k, v in kwargs.items()])
    case = {"name": name, "args": list(args), "kwargs": kwargs, "call": f"{name}({text})"}
    if attribute:
        case["attribute"] = True
        case["call"] = f"{_fmt(args[0])}.{name.split('.')[-1]}"
    if reference:
        case["reference"] = reference
    return case


def f(*shape):
    return T(list(shape))


def sdpa_reference(q, k, v):
    scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    return torch.matmul(torch.softmax(scores, dim=-1), v)


FN = "torch.nn.functional."

FUNCTION_CASES = [
    # activations and elementwise
    C(FN + "relu", [f(2, 3)]),
    C(FN + "gelu", [f(2, 3, 4)], {"approximate": "tanh"}),
    C(FN + "silu", [f(5)]),
    C(FN + "leaky_relu", [f(2, 3), 0.2]),
    C(FN + "sigmoid", [f(2, 3)]),
    C(FN + "tanh", [f(2, 3)]),
    C(FN + "softmax", [f(4, 10)], {"dim": -1}),
    C(FN + "log_softmax", [f(4, 10), 1]),
    C(FN + "dropout", [f(4, 10), 0.2]),
    C(FN + "glu", [f(4, 10)]),
    C("torch.relu", [f(3, 4)]),
    C("torch.sigmoid", [f(3, 4)]),
    C("torch.tanh", [f(3, 4)]),
    C("torch.softmax", [f(3, 4), -1]),
    C("torch.sqrt", [f(3, 4)]),
    C("torch.exp", [f(3, 4)]),
    C("torch.log", [f(3, 4)]),
    C("torch.clamp", [f(3, 4)], {"min": 0.0}),
    C("torch.tril", [f(5, 5)]),
    C("torch.triu", [f(5, 5), 1]),
    C("torch.add", [f(4, 1, 3), f(5, 1)]),
    C("torch.mul", [f(2, 3), 2.0]),
    C("torch.sub", [f(3), f(2, 3)]),
    C("torch.div", [f(8, 1, 6, 1), f(7, 1, 5)]),
    C("torch.where", [T([4, 1], "bool"), f(4, 5), f(5)]),
    C("torch.masked_fill", [f(2, 4, 4), T([4, 4], "bool"), 0.0]),
    # creation
    C("torch.zeros", [2, 3]),
    C("torch.ones", [(4, 5)]),
    C("torch.randn", [3, 4], {"dtype": torch.float16}),
    C("torch.rand", [[2, 2, 2]]),
    C("torch.empty", [7]),
    C("torch.full", [(2, 3), 7.0]),
    C("torch.arange", [10]),
    C("torch.arange", [2, 10, 3]),
    C("torch.zeros_like", [f(3, 4)]),
    C("torch.ones_like", [f(3, 4)], {"dtype": torch.float16}),
    # shape ops
    C("torch.cat", [[f(2, 3), f(4, 3)]]),
    C("torch.cat", [(f(2, 3, 5), f(2, 1, 5)), 1]),
    C("torch.cat", [[f(2, 3), f(2, 4)]], {"dim": -1}),
    C("torch.stack", [[f(2, 3), f(2, 3), f(2, 3)], 1]),
    C("torch.flatten", [f(2, 3, 4, 5), 1]),
    C("torch.flatten", [f(2, 3, 4)]),
    C("torch.reshape", [f(2, 3, 4), (4, -1)]),
    C("torch.transpose", [f(2, 3, 4), 0, -1]),
    C("torch.permute", [f(2, 3, 4), (2, 0, 1)]),
    C("torch.squeeze", [f(1, 3, 1, 4)]),
    C("torch.squeeze", [f(1, 3, 1, 4), 2]),
    C("torch.unsqueeze", [f(3, 4), -1]),
    C("torch.chunk", [f(2, 10), 3], {"dim": 1}),
    C("torch.split", [f(2, 10), 4], {"dim": 1}),
    C("torch.split", [f(2, 10), [2, 3, 5], 1]),
    # reductions
    C("torch.mean", [f(2, 3, 4)], {"dim": 1}),
    C("torch.mean", [f(2, 3, 4), (1, 2)], {"keepdim": True}),
    C("torch.sum", [f(2, 3, 4)]),
    C("torch.max", [f(2, 3)]),
    C("torch.max", [f(2, 3)], {"dim": 1}),
    C("torch.min", [f(2, 3), 1], {"keepdim": True}),
    C("torch.amax", [f(2, 3, 4)], {"dim": (0, 1)}),
    C("torch.argmax", [f(2, 3)], {"dim": 1}),
    C("torch.argmax", [f(2, 3)]),
    # matrix products
    C("torch.matmul", [f(3), f(3)]),
    C("torch.matmul", [f(4, 3), f(3)]),
    C("torch.matmul", [f(3), f(3, 5)]),
    C("torch.matmul", [f(10, 4, 3), f(3, 5)]),
    C("torch.matmul", [f(4, 3), f(10, 3, 5)]),
    C("torch.matmul", [f(2, 1, 4, 3), f(5, 3, 6)]),
    C("torch.mm", [f(4, 3), f(3, 7)]),
    C("torch.bmm", [f(6, 4, 3), f(6, 3, 7)]),
    C("torch.einsum", ["bij,bjk->bik", f(2, 3, 4), f(2, 4, 5)]),
    C("torch.einsum", ["bhqd,bhkd->bhqk", f(2, 4, 6, 8), f(2, 4, 7, 8)]),
    C("torch.einsum", ["ij,jk", f(3, 4), f(4, 5)]),
    C("torch.einsum", ["i,j->ij", f(3), f(4)]),
    C("torch.einsum", ["bn,anm,bm->ba", f(2, 3), f(5, 3, 4), f(2, 4)]),
    C("torch.einsum", ["...ij,...jk->...ik", f(2, 3, 4, 5), f(2, 3, 5, 6)]),
    C("torch.einsum", ["...ij,jk", f(7, 4, 5), f(5, 6)]),
    C("torch.einsum", ["...d,...d->...", f(2, 9, 8), f(2, 9, 8)]),
    C("torch.einsum", ["b h i d, b h j d -> b h i j", f(2, 4, 6, 8), f(2, 4, 7, 8)]),
    C("torch.einsum", ["ii->i", f(4, 4)]),
    C("torch.einsum", ["bij->bji", f(2, 3, 4)]),
    # nn functional with MACs
    C(FN + "linear", [f(4, 10), f(5, 10), f(5)]),
    C(FN + "linear", [f(2, 3, 10), f(5, 10)]),
    C(FN + "conv1d", [f(2, 4, 20), f(8, 4, 3)], {"padding": 1}),
    C(FN + "conv2d", [f(2, 4, 16, 16), f(8, 2, 3, 3)], {"stride": 2, "padding": 1, "groups": 2}),
    C(FN + "conv2d", [f(1, 3, 10, 10), f(6, 3, 5, 5), f(6)], {"padding": "same"}),
    C(FN + "scaled_dot_product_attention", [f(2, 4, 6, 8), f(2, 4, 9, 8), f(2, 4, 9, 8)], reference=sdpa_reference),
    # nn functional without MACs
    C(FN + "max_pool2d", [f(1, 3, 8, 8), 2]),
    C(FN + "max_pool2d", [f(1, 3, 9, 9), 3, 2, 1]),
    C(FN + "max_pool1d", [f(2, 4, 9), 2]),
    C(FN + "max_pool3d", [f(1, 1, 4, 6, 6), (2, 3, 3)]),
    C(FN + "avg_pool2d", [f(1, 3, 8, 8), 2]),
    C(FN + "avg_pool1d", [f(2, 4, 9), 3], {"stride": 2, "ceil_mode": True}),
    C(FN + "adaptive_avg_pool2d", [f(2, 8, 7, 7), (1, 1)]),
    C(FN + "adaptive_max_pool2d", [f(2, 8, 7, 7), 1]),
    C(FN + "adaptive_avg_pool1d", [f(2, 8, 10), 3]),
    C(FN + "interpolate", [f(1, 3, 8, 8)], {"scale_factor": 2}),
    C(FN + "interpolate", [f(1, 3, 8, 8)], {"size": (10, 12), "mode": "bilinear", "align_corners": False}),
    C(FN + "pad", [f(1, 2, 3, 3), (1, 1, 2, 2)]),
    C(FN + "pad", [f(1, 2, 5), (1, 2)], {"mode": "reflect"}),
    C(FN + "layer_norm", [f(2, 5, 10), (10,)]),
    C(FN + "batch_norm", [f(4, 3, 5), f(3), f(3)], {"training": True}),
    C(FN + "normalize", [f(4, 16)], {"dim": 1}),
    C(FN + "embedding", [T([4, 7], "int64", high=20), f(20, 8)]),
    C(FN + "cross_entropy", [f(8, 10), T([8], "int64", high=10)]),
    C(FN + "cross_entropy", [f(8, 10), T([8], "int64", high=10)], {"reduction": "none"}),
    C(FN + "mse_loss", [f(4, 3), f(4, 3)]),
    C(FN + "nll_loss", [f(8, 10), T([8], "int64", high=10)]),
    C(FN + "one_hot", [T([4], "int64", values=[0, 3, 9, 2]), 10]),
    C(FN + "pixel_shuffle", [f(1, 8, 3, 3), 2]),
    C(FN + "unfold", [f(2, 3, 8, 8), 3], {"padding": 1}),
    C(FN + "unfold", [f(1, 2, 9, 9), (2, 3)], {"stride": 2}),
    C(FN + "fold", [f(1, 12, 12), (4, 5), (2, 2)]),
    C(FN + "conv_transpose2d", [f(1, 4, 5, 5), f(4, 3, 3, 3)], {"stride": 2, "padding": 1, "output_padding": 1}),
    C(FN + "conv_transpose1d", [f(2, 4, 9), f(4, 2, 5)], {"groups": 2}),
    C(FN + "cosine_similarity", [f(8, 16), f(8, 16)]),
    C(FN + "pairwise_distance", [f(8, 16), f(8, 16)], {"keepdim": True}),
    C(FN + "embedding", [T([3], "int64", high=5), f(5, 4)], {"padding_idx": 0}),
    C(FN + "embedding_bag", [T([4, 6], "int64", high=10), f(10, 3)]),
    C(FN + "embedding_bag", [T([7], "int64", high=10), f(10, 3), T([3], "int64", values=[0, 2, 5])], {"mode": "sum"}),
    C(FN + "grid_sample", [f(2, 3, 8, 8), T([2, 5, 6, 2], high=1)], {"align_corners": False}),
    C(FN + "affine_grid", [f(2, 2, 3), [2, 3, 8, 9]], {"align_corners": False}),
    C(FN + "gumbel_softmax", [f(4, 6)], {"tau": 0.5, "hard": True}),
    C(FN + "huber_loss", [f(4, 3), f(4, 3), "sum"]),
    C(FN + "smooth_l1_loss", [f(4, 3), f(4, 3)], {"reduction": "none"}),
    C(FN + "mse_loss", [f(4, 3), f(4, 3)], {"reduce": False}),
    C(FN + "binary_cross_entropy", [T([4, 3], high=1), T([4, 3], high=1)], {"reduction": "none"}),
    C(FN + "hinge_embedding_loss", [f(4, 3), f(4, 3)]),
    C(FN + "poisson_nll_loss", [f(4, 3), T([4, 3], high=5)], {"reduction": "none"}),
    C(FN + "gaussian_nll_loss", [f(4, 3), f(4, 3), T([4, 3], high=1)]),
    C(FN + "multilabel_soft_margin_loss", [f(4, 6), T([4, 6], high=1)], {"reduction": "none"}),
    C(FN + "multi_margin_loss", [f(4, 6), T([4], "int64", high=6)], {"reduction": "none"}),
    C(FN + "cosine_embedding_loss", [f(4, 8), f(4, 8), T([4], values=[1.0, -1.0, 1.0, 1.0])], {"reduction": "none"}),
    C(FN + "margin_ranking_loss", [f(5), f(5), T([5], values=[1.0, -1.0, 1.0, 1.0, -1.0])], {"reduction": "none"}),
    C(FN + "triplet_margin_loss", [f(4, 8), f(4, 8), f(4, 8)], {"reduction": "none"}),
    C(FN + "ctc_loss", [f(12, 3, 6), T([3, 4], "int64", values=[[1, 2, 3, 4], [2, 2, 5, 1], [3, 1, 1, 2]]),
                        T([3], "int64", values=[12, 12, 12]), T([3], "int64", values=[4, 4, 4])], {"reduction": "none"}),
    C(FN + "cross_entropy", [f(4, 5), T([4, 5], high=1)], {"reduction": "none"}),
    # selection, ordering, fused products
    C("torch.flip", [f(2, 3, 4), (0, 2)]),
    C("torch.roll", [f(2, 3), 1, 1]),
    C("torch.cumsum", [f(2, 3)], {"dim": 1}),
    C("torch.gather", [f(3, 4), 1, T([3, 2], "int64", high=4)]),
    C("torch.index_select", [f(5, 4), 0, T([3], "int64", values=[0, 2, 4])]),
    C("torch.narrow", [f(5, 6), 1, 2, 3]),
    C("torch.topk", [f(3, 10), 4]),
    C("torch.topk", [f(3, 10), 2], {"dim": 0}),
    C("torch.sort", [f(3, 5)], {"dim": 0}),
    C("torch.argsort", [f(3, 5)], {"dim": 1}),
    C("torch.outer", [f(3), f(4)]),
    C("torch.addmm", [f(5), f(4, 3), f(3, 5)]),
    C("torch.baddbmm", [f(2, 4, 5), f(2, 4, 3), f(2, 3, 5)]),
    C("torch.addbmm", [f(4, 5), f(2, 4, 3), f(2, 3, 5)]),
    C("torch.tensor", [[[1, 2, 3], [4, 5, 6]]]),
    C("torch.tensor", [[0.5, 1.5]]),
    C("torch.eye", [3]),
    C("torch.eye", [2, 5]),
    C("torch.linspace", [0, 1, 7]),
    C("torch.randint", [0, 10, (3, 4)]),
    C("torch.randint", [5, (2,)]),
    C("torch.randperm", [6]),
    C("torch.std", [f(3, 4)], {"dim": 1}),
    C("torch.norm", [f(3, 4)], {"dim": 1}),
    C("torch.logsumexp", [f(3, 4), 1]),
    C("torch.max", [f(3, 4), f(4)]),
    C("torch.all", [T([3, 4], "bool")], {"dim": 0}),
    C("torch.conv2d", [f(1, 3, 8, 8), f(4, 3, 3, 3)]),
    C("torch.repeat_interleave", [f(2, 3), 2]),
    C("torch.repeat_interleave", [f(2, 3), 3], {"dim": 1}),
    C("torch.isnan", [f(2, 3)]),
    C("torch.sum", [T([4, 5], "bool")], {"dim": 1}),
    C("torch.eq", [f(4, 1), f(3)]),
    C(FN + "kl_div", [f(4, 5), f(4, 5)], {"reduction": "batchmean"}),
    C(FN + "binary_cross_entropy_with_logits", [f(4, 5), f(4, 5)], {"reduction": "none"}),
    C(FN + "smooth_l1_loss", [f(4, 5), f(4, 5)], {"beta": 0.5}),
    # Tensor methods
    C("Tensor.view_as", [f(2, 6), f(3, 4)]),
    C("Tensor.expand_as", [f(3, 1), f(2, 3, 4)]),
    C("Tensor.unfold", [f(2, 3, 10), 2, 4, 3]),
    C("Tensor.new_zeros", [T([2], "float16"), (3, 4)]),
    C("Tensor.topk", [f(3, 10), 3], {"dim": -1}),
    C("Tensor.repeat_interleave", [f(2, 3), 2], {"dim": 0}),
    C("Tensor.norm", [f(4, 8)], {"dim": -1, "keepdim": True}),
    C("Tensor.type_as", [T([2, 3], "int64", high=5), f(1)]),
    C("Tensor.__eq__", [f(2, 3), 0.0]),
    C("Tensor.__truediv__", [f(2, 3, 4), 8.0]),
    C("Tensor.unbind", [f(3, 4), 1]),
    C("Tensor.view", [f(8, 20, 4, 4), -1, 320]),
    C("Tensor.view", [f(8, 20, 4, 4), 8, -1]),
    C("Tensor.view", [f(2, 12), (2, 3, 4)]),
    C("Tensor.reshape", [f(2, 12), 6, 4]),
    C("Tensor.flatten", [f(2, 3, 4), 1]),
    C("Tensor.permute", [f(2, 3, 4), 0, 2, 1]),
    C("Tensor.transpose", [f(2, 3, 4), 1, 2]),
    C("Tensor.contiguous", [f(2, 3)]),
    C("Tensor.size", [f(2, 3, 4)]),
    C("Tensor.size", [f(2, 3, 4), 1]),
    C("Tensor.size", [f(2, 3, 4), -1]),
    C("Tensor.dim", [f(2, 3, 4)]),
    C("Tensor.numel", [f(2, 3, 4)]),
    C("Tensor.unsqueeze", [f(2, 3), 0]),
    C("Tensor.squeeze", [f(2, 1, 3)]),
    C("Tensor.expand", [f(1, 3, 1), 4, -1, 5]),
    C("Tensor.expand", [f(3, 1), 2, 3, 4]),
    C("Tensor.repeat", [f(2, 3), 2, 1, 2]),
    C("Tensor.chunk", [f(2, 7), 2, -1]),
    C("Tensor.split", [f(7, 2), 3]),
    C("Tensor.mean", [f(2, 3, 4), -1]),
    C("Tensor.sum", [f(2, 3, 4)], {"dim": 0}),
    C("Tensor.max", [f(2, 3, 4)], {"dim": -1}),
    C("Tensor.softmax", [f(2, 3), -1]),
    C("Tensor.masked_fill", [f(2, 3), T([2, 3], "bool"), -1e9]),
    C("Tensor.float", [T([2, 3], "float16")]),
    C("Tensor.half", [f(2, 3)]),
    C("Tensor.to", [f(2, 3), torch.float16]),
    C("Tensor.to", [f(2, 3), "cpu"]),
    C("Tensor.__matmul__", [f(5, 2, 3), f(3, 4)]),
    C("Tensor.__add__", [f(5, 2, 3), f(3)]),
    C("Tensor.__rsub__", [f(2, 3), 1.0]),
    C("Tensor.shape", [f(2, 3, 4)], attribute=True),
    C("Tensor.ndim", [f(2, 3, 4)], attribute=True),
    C("Tensor.T", [f(2, 3)], attribute=True),
    C("Tensor.mT", [f(5, 2, 3)], attribute=True),
]
