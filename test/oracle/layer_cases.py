"""Layer-level oracle: real torch.nn layers and torch functions, measured by PyTorch itself.

For each case this records the constructor call, its arguments as JSON (so the TypeScript test binds
the same values into the LayerSpec/FunctionSpec without parsing Python), the exact parameters
(named_parameters() shapes), the output shape(s) of a forward call, and the MACs counted at the aten
level by test/oracle/torch_counter.py. Cases that torch rejects are recorded with where it failed.

    /usr/bin/python3 test/oracle/layer_cases.py           # regenerate test/oracle/layers.expected.json
    /usr/bin/python3 test/oracle/layer_cases.py --check   # regenerate in memory, fail on drift
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from function_cases import FUNCTION_CASES  # noqa: E402
from oracle_values import T, from_json_value, output_json, to_json  # noqa: E402
from torch_counter import count_forward  # noqa: E402

OUT = Path(__file__).resolve().parent / "layers.expected.json"


def L(layer, args=(), kwargs=None, inputs=(), forward_kwargs=None, tag=None):
    return {
        "layer": layer,
        "args": list(args),
        "kwargs": kwargs or {},
        "inputs": list(inputs),
        "forward_kwargs": forward_kwargs or {},
        "tag": tag,
    }


def f(*shape):
    return T(list(shape))


def i64(shape, high):
    return T(list(shape), "int64", high=high)


LAYER_CASES = [
    # Linear family
    L("Linear", [784, 10], inputs=[f(64, 784)]),
    L("Linear", [512, 256], {"bias": False}, [f(8, 20, 512)]),
    L("Linear", [32, 16], inputs=[f(32)]),
    L("LazyLinear", [10], inputs=[f(4, 33)], tag="lazy"),
    L("Bilinear", [20, 30, 40], inputs=[f(128, 20), f(128, 30)]),
    L("Bilinear", [6, 5, 7], {"bias": False}, [f(4, 3, 6), f(4, 3, 5)]),
    L("Identity", [54], {"unused_argument1": 0.1}, [f(3, 7)]),
    # Convolutions
    L("Conv1d", [16, 33, 3], {"stride": 2}, [f(20, 16, 50)]),
    L("Conv1d", [4, 8, 5], {"padding": "same", "dilation": 2}, [f(2, 4, 30)]),
    L("Conv1d", [6, 6, 3], {"groups": 6, "bias": False, "padding": 1, "padding_mode": "circular"}, [f(1, 6, 10)]),
    L("Conv2d", [3, 64, 7], {"stride": 2, "padding": 3, "bias": False}, [f(2, 3, 224, 224)]),
    L("Conv2d", [16, 33, (3, 5)], {"stride": (2, 1), "padding": (4, 2), "dilation": (3, 1)}, [f(4, 16, 50, 60)]),
    L("Conv2d", [32, 32, 3], {"padding": 1, "groups": 32}, [f(2, 32, 28, 28)]),
    L("Conv2d", [8, 16, 3], {"padding": "valid"}, [f(1, 8, 9, 9)]),
    L("Conv2d", [8, 16, 4], {"padding": "same"}, [f(1, 8, 9, 9)]),
    L("Conv2d", [3, 8, 3], {"padding": 1, "padding_mode": "reflect"}, [f(3, 17, 17)]),
    L("Conv2d", [12, 24, 3], {"groups": 4, "stride": 2, "padding": 1}, [f(2, 12, 15, 15)]),
    L("Conv2d", [4, 6, (1, 3)], {"padding": (0, 2), "padding_mode": "replicate", "stride": (1, 2)}, [f(2, 4, 5, 11)]),
    L("Conv3d", [3, 16, 3], {"stride": 2, "padding": 1}, [f(1, 3, 8, 32, 32)]),
    L(
        "Conv3d",
        [4, 8, (3, 5, 2)],
        {"stride": (2, 1, 1), "padding": (1, 2, 0), "dilation": (1, 1, 2), "groups": 2, "bias": False},
        [f(2, 4, 9, 10, 11)],
    ),
    L("ConvTranspose1d", [16, 8, 4], {"stride": 2, "padding": 1}, [f(3, 16, 20)]),
    L("ConvTranspose1d", [4, 2, 3], inputs=[f(4, 10)]),
    L("ConvTranspose2d", [16, 33, 3], {"stride": 2}, [f(2, 16, 10, 12)]),
    L("ConvTranspose2d", [16, 33, (3, 5)], {"stride": (2, 1), "padding": (4, 2), "output_padding": (1, 0)}, [f(2, 16, 10, 12)]),
    L("ConvTranspose2d", [8, 4, 4], {"stride": 2, "padding": 1, "groups": 2, "bias": False}, [f(2, 8, 7, 7)]),
    L("ConvTranspose2d", [8, 8, 3], {"stride": 2, "padding": 1, "dilation": 2, "output_padding": 1}, [f(1, 8, 6, 6)]),
    L("ConvTranspose2d", [16, 16, 3], {"stride": 2, "padding": 1}, [f(1, 16, 12, 12)], {"output_size": [1, 16, 24, 24]}),
    L("ConvTranspose3d", [4, 2, 3], {"stride": 2, "padding": 1, "output_padding": 1}, [f(1, 4, 5, 6, 7)]),
    # Normalisation
    L("BatchNorm1d", [100], inputs=[f(20, 100)]),
    L("BatchNorm1d", [64], {"affine": False}, [f(8, 64, 30)]),
    L("BatchNorm2d", [64], inputs=[f(4, 64, 8, 8)]),
    L("BatchNorm2d", [32], {"track_running_stats": False, "momentum": None}, [f(2, 32, 5, 5)]),
    L("BatchNorm3d", [16], inputs=[f(2, 16, 4, 5, 6)]),
    L("LayerNorm", [512], inputs=[f(4, 10, 512)]),
    L("LayerNorm", [[10, 20]], {"elementwise_affine": False}, [f(3, 10, 20)]),
    L("LayerNorm", [(5, 10, 10)], inputs=[f(20, 5, 10, 10)]),
    L("GroupNorm", [4, 32], inputs=[f(2, 32, 8, 8)]),
    L("GroupNorm", [1, 6], {"affine": False}, [f(3, 6, 10)]),
    L("InstanceNorm1d", [10], inputs=[f(4, 10, 30)]),
    L("InstanceNorm2d", [16], {"affine": True}, [f(2, 16, 9, 9)]),
    L("InstanceNorm2d", [3], inputs=[f(3, 8, 8)]),
    L("InstanceNorm3d", [4], {"affine": True, "track_running_stats": True}, [f(1, 4, 3, 5, 5)]),
    L("LocalResponseNorm", [2], inputs=[f(4, 16, 7, 7)]),
    # Embeddings and similarity
    L("Embedding", [10000, 300], inputs=[i64([32, 50], 10000)]),
    L("Embedding", [100, 16], {"padding_idx": 0}, [i64([4, 7], 100)]),
    L("Embedding", [50, 8], {"max_norm": 1.0}, [i64([10], 50)]),
    L("EmbeddingBag", [1000, 64], {"mode": "sum"}, [i64([8, 20], 1000)]),
    L("EmbeddingBag", [100, 16], inputs=[i64([10], 100), T([3], "int64", values=[0, 3, 7])]),
    L(
        "EmbeddingBag",
        [100, 16],
        {"mode": "max", "include_last_offset": True, "padding_idx": 2},
        [i64([10], 100), T([4], "int64", values=[0, 3, 7, 10])],
    ),
    L("CosineSimilarity", [], inputs=[f(8, 128), f(8, 128)]),
    L("CosineSimilarity", [], {"dim": 0}, [f(5, 3), f(5, 1)]),
    L("PairwiseDistance", [], inputs=[f(10, 64), f(10, 64)]),
    L("PairwiseDistance", [], {"p": 1.0, "keepdim": True}, [f(4, 3, 6), f(4, 3, 6)]),
    # Recurrent
    L("RNN", [10, 20, 2], inputs=[f(5, 3, 10)]),
    L("RNN", [10, 20], {"nonlinearity": "relu", "bias": False, "batch_first": True}, [f(3, 5, 10)]),
    L("RNN", [8, 16], {"bidirectional": True}, [f(7, 8)]),
    L("LSTM", [10, 20, 2], inputs=[f(5, 3, 10)]),
    L("LSTM", [32, 64], {"num_layers": 3, "bidirectional": True, "batch_first": True}, [f(4, 12, 32)]),
    L("LSTM", [10, 20], {"proj_size": 5}, [f(6, 2, 10)]),
    L("LSTM", [16, 32], {"num_layers": 2, "proj_size": 8, "bidirectional": True}, [f(4, 3, 16)]),
    L("LSTM", [10, 20], {"bias": False}, [f(5, 10)]),
    L("GRU", [10, 20, 2], inputs=[f(5, 3, 10)]),
    L("GRU", [24, 48], {"bidirectional": True, "batch_first": True, "num_layers": 2, "dropout": 0.2}, [f(2, 9, 24)]),
    L("RNNCell", [10, 20], inputs=[f(3, 10)]),
    L("RNNCell", [10, 20], {"bias": False, "nonlinearity": "relu"}, [f(10)]),
    L("LSTMCell", [10, 20], inputs=[f(3, 10)]),
    L("GRUCell", [10, 20], {"bias": False}, [f(3, 10)]),
    # Attention
    L("MultiheadAttention", [64, 8], inputs=[f(10, 2, 64), f(10, 2, 64), f(10, 2, 64)]),
    L("MultiheadAttention", [64, 8], {"batch_first": True}, [f(2, 10, 64), f(2, 15, 64), f(2, 15, 64)]),
    L("MultiheadAttention", [32, 4], {"kdim": 12, "vdim": 20}, [f(5, 2, 32), f(9, 2, 12), f(9, 2, 20)]),
    L("MultiheadAttention", [32, 4], {"bias": False, "add_bias_kv": True}, [f(5, 2, 32), f(7, 2, 32), f(7, 2, 32)]),
    L("MultiheadAttention", [32, 4], {"add_zero_attn": True}, [f(5, 2, 32), f(7, 2, 32), f(7, 2, 32)], {"need_weights": False}),
    L("MultiheadAttention", [32, 4], inputs=[f(5, 2, 32), f(7, 2, 32), f(7, 2, 32)], forward_kwargs={"average_attn_weights": False}),
    L("MultiheadAttention", [16, 2], inputs=[f(6, 16), f(4, 16), f(4, 16)]),
    # Transformer family (training mode: torch's ordinary, non-fused path)
    L("TransformerEncoderLayer", [64, 4], {"dim_feedforward": 128}, [f(10, 2, 64)]),
    L("TransformerEncoderLayer", [512, 8], inputs=[f(6, 1, 512)]),
    L(
        "TransformerEncoderLayer",
        [64, 4, 256],
        {"batch_first": True, "norm_first": True, "activation": "gelu"},
        [f(2, 12, 64)],
    ),
    L("TransformerDecoderLayer", [64, 4, 128], inputs=[f(7, 2, 64), f(11, 2, 64)]),
    L("TransformerDecoderLayer", [32, 2], {"batch_first": True, "dim_feedforward": 64}, [f(2, 5, 32), f(2, 9, 32)]),
    L(
        "Transformer",
        [],
        {"d_model": 64, "nhead": 4, "num_encoder_layers": 2, "num_decoder_layers": 3, "dim_feedforward": 128},
        [f(10, 2, 64), f(7, 2, 64)],
    ),
    L("Transformer", [], {"batch_first": True, "d_model": 32, "nhead": 2, "dim_feedforward": 64}, [f(2, 6, 32), f(2, 4, 32)]),
    L("Transformer", [], inputs=[f(4, 1, 512), f(3, 1, 512)]),
    # Activations (PReLU has parameters)
    *[L(name, [], inputs=[f(4, 10)]) for name in [
        "ReLU", "ReLU6", "SiLU", "Mish", "Sigmoid", "Tanh", "Hardswish", "Hardsigmoid", "SELU", "Softsign",
        "Tanhshrink", "LogSigmoid", "CELU", "Softshrink", "Hardshrink", "RReLU", "GLU",
    ]],
    L("LeakyReLU", [0.2], {"inplace": True}, [f(4, 10)]),
    L("GELU", [], {"approximate": "tanh"}, [f(2, 3, 8)]),
    L("ELU", [], {"alpha": 0.5}, [f(4, 10)]),
    L("Softplus", [], {"beta": 2, "threshold": 10}, [f(4, 10)]),
    L("Hardtanh", [-2.0, 2.0], inputs=[f(4, 10)]),
    L("Threshold", [0.1, 20.0], inputs=[f(4, 10)]),
    L("Softmax", [], {"dim": 1}, [f(4, 10)]),
    L("LogSoftmax", [-1], inputs=[f(2, 3, 10)]),
    L("Softmin", [1], inputs=[f(4, 10)]),
    L("Softmax2d", [], inputs=[f(2, 3, 4, 4)]),
    L("GLU", [], {"dim": 1}, [f(2, 8, 3)]),
    L("PReLU", [], inputs=[f(4, 10)]),
    L("PReLU", [], {"num_parameters": 16, "init": 0.1}, [f(2, 16, 8, 8)]),
    # Dropouts
    L("Dropout", [0.3], inputs=[f(4, 10)]),
    L("Dropout1d", [], inputs=[f(2, 4, 10)]),
    L("Dropout2d", [0.1], inputs=[f(2, 4, 5, 5)]),
    L("Dropout3d", [], inputs=[f(2, 4, 3, 5, 5)]),
    L("AlphaDropout", [0.2], inputs=[f(4, 10)]),
    L("FeatureAlphaDropout", [0.2], inputs=[f(2, 4, 5, 5)]),
    # Pooling
    L("MaxPool1d", [3], {"stride": 2}, [f(2, 4, 50)]),
    L("MaxPool2d", [2], inputs=[f(4, 16, 32, 32)]),
    L("MaxPool2d", [3, 2, 1], inputs=[f(2, 64, 112, 112)]),
    L("MaxPool2d", [(3, 2)], {"stride": (2, 1), "dilation": (1, 2), "ceil_mode": True}, [f(1, 3, 15, 16)]),
    L("MaxPool2d", [2], {"return_indices": True}, [f(1, 1, 9, 9)]),
    L("MaxPool2d", [3, 2], {"ceil_mode": True}, [f(1, 2, 8, 8)]),
    L("MaxPool2d", [2, 2], {"padding": 1, "ceil_mode": True}, [f(1, 1, 5, 5)]),
    L("MaxPool2d", [3], inputs=[f(3, 10, 10)]),
    L("MaxPool3d", [2], inputs=[f(1, 2, 8, 8, 8)]),
    L("MaxPool3d", [(2, 3, 3)], {"stride": (1, 2, 2), "padding": (0, 1, 1)}, [f(1, 2, 5, 9, 9)]),
    L("AvgPool1d", [3], {"stride": 2, "padding": 1}, [f(2, 4, 11)]),
    L("AvgPool2d", [2], inputs=[f(4, 8, 16, 16)]),
    L("AvgPool2d", [(3, 3)], {"stride": (2, 1), "padding": 1, "ceil_mode": True, "count_include_pad": False}, [f(1, 2, 10, 9)]),
    L("AvgPool3d", [2], {"stride": 1}, [f(1, 2, 4, 5, 6)]),
    L("AdaptiveAvgPool1d", [5], inputs=[f(2, 4, 17)]),
    L("AdaptiveAvgPool2d", [(1, 1)], inputs=[f(2, 512, 7, 7)]),
    L("AdaptiveAvgPool2d", [(None, 7)], inputs=[f(1, 64, 10, 9)]),
    L("AdaptiveAvgPool2d", [3], inputs=[f(64, 8, 9)]),
    L("AdaptiveAvgPool3d", [(2, 3, 4)], inputs=[f(1, 2, 8, 8, 8)]),
    L("AdaptiveMaxPool1d", [4], inputs=[f(2, 3, 9)]),
    L("AdaptiveMaxPool2d", [5], {"return_indices": True}, [f(1, 64, 8, 9)]),
    L("AdaptiveMaxPool3d", [2], inputs=[f(1, 2, 4, 4, 4)]),
    L("LPPool1d", [2, 3], {"stride": 2}, [f(2, 4, 15)]),
    L("LPPool2d", [2, 3], {"stride": 2}, [f(1, 4, 15, 14)]),
    L("LPPool2d", [1.5, (3, 2)], {"ceil_mode": True}, [f(1, 4, 10, 9)]),
    # Resampling and rearranging
    L("Upsample", [], {"scale_factor": 2, "mode": "nearest"}, [f(1, 3, 8, 8)]),
    L("Upsample", [], {"size": (20, 30), "mode": "bilinear", "align_corners": False}, [f(1, 3, 8, 8)]),
    L("Upsample", [], {"scale_factor": 1.5, "mode": "linear"}, [f(1, 2, 7)]),
    L("Upsample", [], {"scale_factor": (2, 3, 1), "mode": "trilinear"}, [f(1, 1, 3, 4, 5)]),
    L("Upsample", [], {"scale_factor": 0.5}, [f(1, 3, 9, 9)]),
    L("UpsamplingNearest2d", [], {"scale_factor": 2}, [f(1, 1, 2, 2)]),
    L("UpsamplingBilinear2d", [], {"size": (5, 7)}, [f(1, 1, 2, 2)]),
    L("PixelShuffle", [3], inputs=[f(1, 9, 4, 4)]),
    L("PixelUnshuffle", [2], inputs=[f(1, 1, 8, 8)]),
    L("ChannelShuffle", [2], inputs=[f(1, 4, 2, 2)]),
    L("Flatten", [], inputs=[f(32, 1, 5, 5)]),
    L("Flatten", [0, 2], inputs=[f(3, 4, 5, 6)]),
    L("Unflatten", [1, (2, 5, 5)], inputs=[f(2, 50)]),
    L("Unflatten", [-1, (-1, 4)], inputs=[f(3, 12)]),
    L("ZeroPad2d", [2], inputs=[f(1, 1, 3, 3)]),
    L("ZeroPad2d", [(1, 1, 2, 0)], inputs=[f(1, 1, 3, 3)]),
    L("ZeroPad2d", [(-1, 1, 0, 0)], inputs=[f(1, 1, 3, 3)]),
    L("ConstantPad1d", [2, 3.5], inputs=[f(1, 2, 4)]),
    L("ConstantPad2d", [(3, 0, 2, 1), 3.5], inputs=[f(1, 2, 2)]),
    L("ConstantPad3d", [(3, 3, 6, 6, 0, 1), 3.5], inputs=[f(1, 3, 2, 4, 5)]),
    L("ReflectionPad1d", [2], inputs=[f(1, 2, 4)]),
    L("ReflectionPad2d", [(1, 1, 2, 0)], inputs=[f(1, 1, 3, 3)]),
    L("ReflectionPad3d", [1], inputs=[f(1, 1, 2, 2, 2)]),
    L("ReplicationPad1d", [(3, 1)], inputs=[f(1, 2, 4)]),
    L("ReplicationPad2d", [2], inputs=[f(1, 1, 3, 3)]),
    L("ReplicationPad3d", [3], inputs=[f(16, 3, 8, 4, 4)]),
    L("Unfold", [(2, 3)], inputs=[f(2, 5, 3, 4)]),
    L("Unfold", [3], {"padding": 1, "stride": 2, "dilation": 1}, [f(1, 2, 9, 8)]),
    L("Fold", [(4, 5), (2, 2)], inputs=[f(1, 12, 12)]),
    L("Fold", [(9, 8), 3], {"padding": 1, "stride": 2}, [f(2, 18, 20)]),
    # Lazy layers: parameters exist only after the first forward; shapes and MACs follow the input
    L("LazyConv2d", [16, 3], {"padding": 1}, [f(2, 5, 12, 12)], tag="lazy"),
    L("LazyConv1d", [8, 5], {"stride": 2, "groups": 2}, [f(2, 4, 30)], tag="lazy"),
    L("LazyConvTranspose2d", [6, 4], {"stride": 2, "padding": 1}, [f(1, 3, 7, 7)], tag="lazy"),
    L("LazyBatchNorm2d", [], inputs=[f(4, 12, 5, 5)], tag="lazy"),
    L("LazyBatchNorm1d", [], {"affine": False}, [f(4, 12)], tag="lazy"),
    L("LazyInstanceNorm1d", [], {"affine": True}, [f(4, 6, 9)], tag="lazy"),
    # Loss modules (weights are buffers): scalar unless reduction='none'
    L("CrossEntropyLoss", [], inputs=[f(8, 10), i64([8], 10)]),
    L("CrossEntropyLoss", [], {"reduction": "none", "label_smoothing": 0.1}, [f(4, 5, 7, 7), i64([4, 7, 7], 5)]),
    L("CrossEntropyLoss", [], {"reduction": "none"}, [f(4, 5), T([4, 5], high=1)]),
    L("CrossEntropyLoss", [], {"weight": T([3]), "ignore_index": 0}, [f(3), T([], "int64", values=1)]),
    L("NLLLoss", [], {"reduction": "sum"}, [f(8, 10), i64([8], 10)]),
    L("NLLLoss", [], {"reduce": False}, [f(8, 10), i64([8], 10)]),
    L("MSELoss", [], inputs=[f(4, 3), f(4, 3)]),
    L("MSELoss", [], {"reduction": "none"}, [f(4, 1, 3), f(5, 3)]),
    L("L1Loss", [], {"size_average": False}, [f(4, 3), f(4, 3)]),
    L("SmoothL1Loss", [], {"beta": 0.5, "reduction": "none"}, [f(4, 3), f(4, 3)]),
    L("HuberLoss", [], {"delta": 2.0}, [f(4, 3), f(4, 3)]),
    L("BCELoss", [], inputs=[T([4, 3], high=1), T([4, 3], high=1)]),
    L("BCEWithLogitsLoss", [], {"pos_weight": T([3]), "reduction": "none"}, [f(4, 3), T([4, 3], high=1)]),
    L("KLDivLoss", [], {"reduction": "batchmean"}, [f(4, 6), T([4, 6], high=1)]),
    L("SoftMarginLoss", [], {"reduction": "none"}, [f(4, 3), f(4, 3)]),
    L("HingeEmbeddingLoss", [], {"reduction": "none"}, [f(4, 3), f(4, 3)]),
    L("PoissonNLLLoss", [], inputs=[f(4, 3), T([4, 3], high=5)]),
    L("GaussianNLLLoss", [], {"reduction": "none"}, [f(4, 3), f(4, 3), T([4, 3], high=1)]),
    L("MultiLabelSoftMarginLoss", [], {"reduction": "none"}, [f(4, 6), T([4, 6], high=1)]),
    L("MultiMarginLoss", [], {"reduction": "none"}, [f(4, 6), i64([4], 6)]),
    L("CosineEmbeddingLoss", [], {"reduction": "none"}, [f(4, 8), f(4, 8), T([4], values=[1.0, -1.0, 1.0, 1.0])]),
    L("MarginRankingLoss", [], {"reduction": "none"}, [f(5), f(5), T([5], values=[1.0, -1.0, 1.0, 1.0, -1.0])]),
    L("TripletMarginLoss", [], {"reduction": "none"}, [f(4, 8), f(4, 8), f(4, 8)]),
    L("TripletMarginLoss", [], {"margin": 0.5}, [f(4, 8), f(4, 8), f(4, 8)]),
    L("CTCLoss", [], inputs=[f(12, 3, 6), T([3, 4], "int64", values=[[1, 2, 3, 4], [2, 2, 5, 1], [3, 1, 1, 2]]),
                            T([3], "int64", values=[12, 12, 12]), T([3], "int64", values=[4, 4, 4])]),
    L("CTCLoss", [], {"reduction": "none"}, [f(12, 3, 6), T([3, 4], "int64", values=[[1, 2, 3, 4], [2, 2, 5, 1], [3, 1, 1, 2]]),
                                              T([3], "int64", values=[12, 12, 12]), T([3], "int64", values=[4, 4, 4])]),
    # SyncBatchNorm runs only on GPU, so only its parameters are measured here
    L("SyncBatchNorm", [24], tag="paramsOnly"),
    L("SyncBatchNorm", [24], {"affine": False}, tag="paramsOnly"),
]

# Configurations torch rejects; `phase` says whether the constructor or the forward call raised.
ERROR_CASES = [
    L("Conv2d", [3, 8, 3], {"groups": 2}),
    L("Conv2d", [3, 8, 3], {"stride": 2, "padding": "same"}),
    L("ConvTranspose2d", [4, 8, 3], {"padding_mode": "reflect"}),
    L("GroupNorm", [5, 32]),
    L("MultiheadAttention", [30, 4]),
    L("TransformerEncoderLayer", [30, 4]),
    L("LSTM", [10, 20], {"proj_size": 20}),
    L("RNN", [10, 20], {"nonlinearity": "gelu"}),
    L("EmbeddingBag", [10, 3], {"mode": "median"}),
    L("Linear", [10, 5], inputs=[f(3, 8)]),
    L("Conv2d", [3, 8, 3], inputs=[f(1, 4, 10, 10)]),
    L("Conv2d", [3, 8, 5], inputs=[f(1, 3, 4, 4)]),
    L("LayerNorm", [10], inputs=[f(3, 8)]),
    L("BatchNorm2d", [16], inputs=[f(2, 8, 4, 4)]),
    L("MaxPool2d", [2], {"padding": 2}, [f(1, 1, 8, 8)]),
    L("LSTM", [10, 20], inputs=[f(5, 3, 12)]),
    L("MultiheadAttention", [32, 4], inputs=[f(5, 2, 32), f(7, 2, 16), f(7, 2, 16)]),
    L("PixelShuffle", [2], inputs=[f(1, 6, 4, 4)]),
    L("Unflatten", [1, (3, 5)], inputs=[f(2, 16)]),
    L("ConvTranspose2d", [16, 16, 3], {"stride": 2, "padding": 1}, [f(1, 16, 6, 6)], {"output_size": [13, 13]}),
]

# TransformerEncoder/Decoder(layer, num_layers, norm): containers built from a layer instance.
STACK_CASES = [
    {"stack": "TransformerEncoder", "layer": L("TransformerEncoderLayer", [64, 4, 128]), "num_layers": 3, "norm": None,
     "inputs": [f(9, 2, 64)]},
    {"stack": "TransformerEncoder", "layer": L("TransformerEncoderLayer", [32, 2, 64], {"batch_first": True}), "num_layers": 2,
     "norm": L("LayerNorm", [32]), "inputs": [f(2, 5, 32)]},
    {"stack": "TransformerDecoder", "layer": L("TransformerDecoderLayer", [32, 4, 64]), "num_layers": 2,
     "norm": L("LayerNorm", [32]), "inputs": [f(6, 2, 32), f(8, 2, 32)]},
]


def build(case):
    return getattr(nn, case["layer"])(*[from_json_value(a) for a in case["args"]],
                                      **{k: from_json_value(v) for k, v in case["kwargs"].items()})


def call_text(case) -> str:
    parts = [repr(a) for a in case["args"]] + [f"{k}={v!r}" for k, v in case["kwargs"].items()]
    return f"nn.{case['layer']}({', '.join(parts)})"


def params_of(module) -> dict:
    return {name: list(p.shape) for name, p in module.named_parameters()}


def measure(module, inputs, forward_kwargs):
    module.train()
    tensors = [t.make() for t in inputs]
    fkw = {k: from_json_value(v) for k, v in forward_kwargs.items()}
    out = module(*tensors, **fkw)
    counted = count_forward(module, lambda: module(*tensors, **fkw))
    return output_json(out), counted.total_macs


def layer_record(case):
    torch.manual_seed(0)
    rec = {
        "call": call_text(case),
        "layer": case["layer"],
        "args": to_json(case["args"]),
        "kwargs": to_json(case["kwargs"]),
        "inputs": [t.json() for t in case["inputs"]],
        "forwardKwargs": to_json(case["forward_kwargs"]),
    }
    module = build(case)
    if case["tag"] == "paramsOnly":
        rec["output"], rec["macs"] = None, None
    else:
        rec["output"], rec["macs"] = measure(module, case["inputs"], case["forward_kwargs"])
    # Lazy modules only have parameters after the first forward.
    rec["params"] = params_of(module)
    rec["totalParams"] = sum(p.numel() for p in module.parameters())
    if case["tag"]:
        rec["tag"] = case["tag"]
    return rec


def error_record(case):
    rec = {"call": call_text(case), "layer": case["layer"], "args": to_json(case["args"]),
           "kwargs": to_json(case["kwargs"]), "inputs": [t.json() for t in case["inputs"]],
           "forwardKwargs": to_json(case["forward_kwargs"])}
    try:
        module = build(case)
    except Exception as exc:  # noqa: BLE001 - any rejection by torch is the expected outcome
        return {**rec, "phase": "construct", "torchError": type(exc).__name__}
    try:
        module(*[t.make() for t in case["inputs"]], **case["forward_kwargs"])
    except Exception as exc:  # noqa: BLE001
        return {**rec, "phase": "forward", "torchError": type(exc).__name__}
    raise AssertionError(f"torch accepted {rec['call']}")


def stack_record(case):
    torch.manual_seed(0)
    layer = build(case["layer"])
    norm = build(case["norm"]) if case["norm"] else None
    module = getattr(nn, case["stack"])(layer, case["num_layers"], norm=norm)
    out, macs = measure(module, case["inputs"], {})
    return {
        "call": f"nn.{case['stack']}({call_text(case['layer'])}, {case['num_layers']}, norm={call_text(case['norm']) if case['norm'] else None})",
        "stack": case["stack"],
        "layer": case["layer"]["layer"],
        "layerArgs": to_json(case["layer"]["args"]),
        "layerKwargs": to_json(case["layer"]["kwargs"]),
        "numLayers": case["num_layers"],
        "norm": None if not case["norm"] else {"layer": case["norm"]["layer"], "args": to_json(case["norm"]["args"])},
        "inputs": [t.json() for t in case["inputs"]],
        "output": out,
        "macs": macs,
        "params": params_of(module),
        "totalParams": sum(p.numel() for p in module.parameters()),
    }


def function_record(case):
    torch.manual_seed(0)
    name, args, kwargs = case["name"], case["args"], case["kwargs"]
    real_args = [from_json_value(a) for a in args]
    real_kwargs = {k: from_json_value(v) for k, v in kwargs.items()}
    if name.startswith("Tensor."):
        attr = getattr(real_args[0], name[len("Tensor."):])
        run = (lambda: attr) if case.get("attribute") else (lambda: attr(*real_args[1:], **real_kwargs))
    elif "reference" in case:
        run = lambda: case["reference"](*real_args, **real_kwargs)  # noqa: E731
    else:
        target = torch
        for part in name.split(".")[1:]:
            target = getattr(target, part)
        run = lambda: target(*real_args, **real_kwargs)  # noqa: E731
    out = run()
    holder = nn.Module()
    macs = count_forward(holder, run).total_macs
    rec = {"name": name, "call": case["call"], "args": to_json(args), "kwargs": to_json(kwargs),
           "output": output_json(out), "macs": macs}
    if case.get("attribute"):
        rec["attribute"] = True
    return rec


def generate() -> dict:
    assert torch.__version__.startswith("1.13"), f"oracle expects torch 1.13, got {torch.__version__}"
    return {
        "generatedBy": "test/oracle/layer_cases.py",
        "torch": torch.__version__,
        "macConvention": "aten-level mm/addmm/bmm/baddbmm/convolution/_trilinear MACs (test/oracle/torch_counter.py)",
        "layers": [layer_record(c) for c in LAYER_CASES],
        "errors": [error_record(c) for c in ERROR_CASES],
        "stacks": [stack_record(c) for c in STACK_CASES],
        "functions": [function_record(c) for c in FUNCTION_CASES],
    }


def main() -> int:
    data = generate()
    text = json.dumps(data, indent=1) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run /usr/bin/python3 test/oracle/layer_cases.py", file=sys.stderr)
            return 1
        print(f"{OUT.name} up to date ({len(data['layers'])} layer, {len(data['functions'])} function cases)")
        return 0
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(data['layers'])} layer, {len(data['errors'])} error, {len(data['stacks'])} stack, "
          f"{len(data['functions'])} function cases)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
