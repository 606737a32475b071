// The inner layers of some torchvision zoo blocks, written from torchvision 0.14's own architecture configs
// (vgg.py `cfgs` + `make_layers`, alexnet.py, mobilenetv2.py's inverted-residual setting): structure only, no
// counts. Built as real catalog layers (zooExpand.ts), `vgg16().features[:16]`, `list(vgg.features.children())`
// and `mobilenet_v2().features[:7]` are ordinary Sequential slices with exact parameters and MACs;
// test/unit/zooExpand.test.ts checks every block against the oracle's per-child parameters and MACs.

/** One module: a catalog layer (`torch.nn.<layer>`), a Sequential (or a Sequential subclass), or a residual block. */
export type Plan =
  | { layer: string; args: number[]; kw?: Record<string, number | boolean> }
  | { seq: Plan[]; type?: string }
  /** torchvision's InvertedResidual: child `conv`; the skip connection adds no MACs (matmul/conv convention). */
  | { residual: Plan; type: string };

const conv = (cin: number, cout: number, k: number, kw: Record<string, number | boolean> = {}): Plan => ({
  layer: "Conv2d",
  args: [cin, cout, k],
  kw,
});

/** vgg.py's `cfgs` (A = vgg11, B = vgg13, D = vgg16, E = vgg19); 0 stands for "M", a 2×2 max pool. */
const VGG_CFGS: Record<string, number[]> = {
  vgg11: [64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
  vgg13: [64, 64, 0, 128, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0],
  vgg16: [64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0],
  vgg19: [64, 64, 0, 128, 128, 0, 256, 256, 256, 256, 0, 512, 512, 512, 512, 0, 512, 512, 512, 512, 0],
};

/** vgg.py's make_layers: 3×3 convolutions with padding 1, optional BatchNorm, ReLU; "M" is MaxPool2d(2, 2). */
function vggFeatures(cfg: number[], batchNorm: boolean): Plan {
  const layers: Plan[] = [];
  let cin = 3;
  for (const v of cfg) {
    if (v === 0) {
      layers.push({ layer: "MaxPool2d", args: [], kw: { kernel_size: 2, stride: 2 } });
      continue;
    }
    layers.push(conv(cin, v, 3, { padding: 1 }));
    if (batchNorm) layers.push({ layer: "BatchNorm2d", args: [v] });
    layers.push({ layer: "ReLU", args: [], kw: { inplace: true } });
    cin = v;
  }
  return { seq: layers };
}

/** alexnet.py's features. */
function alexnetFeatures(): Plan {
  const relu: Plan = { layer: "ReLU", args: [], kw: { inplace: true } };
  const pool: Plan = { layer: "MaxPool2d", args: [], kw: { kernel_size: 3, stride: 2 } };
  return {
    seq: [
      conv(3, 64, 11, { stride: 4, padding: 2 }),
      relu,
      pool,
      conv(64, 192, 5, { padding: 2 }),
      relu,
      pool,
      conv(192, 384, 3, { padding: 1 }),
      relu,
      conv(384, 256, 3, { padding: 1 }),
      relu,
      conv(256, 256, 3, { padding: 1 }),
      relu,
      pool,
    ],
  };
}

/** torchvision.ops.Conv2dNormActivation with BatchNorm and ReLU6: bias-free conv padded to keep the side. */
function convBnRelu6(cin: number, cout: number, k: number, stride = 1, groups = 1): Plan {
  return {
    type: "Conv2dNormActivation",
    seq: [
      conv(cin, cout, k, { stride, padding: (k - 1) >> 1, groups, bias: false }),
      { layer: "BatchNorm2d", args: [cout] },
      { layer: "ReLU6", args: [], kw: { inplace: true } },
    ],
  };
}

/** mobilenetv2.py at width_mult 1 (every channel count is already a multiple of 8). */
function mobilenetV2Features(): Plan {
  const setting = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  const features: Plan[] = [convBnRelu6(3, 32, 3, 2)];
  let cin = 32;
  for (const [t, c, n, s] of setting) {
    for (let i = 0; i < n; i++) {
      const hidden = Math.round(cin * t);
      const layers: Plan[] = t !== 1 ? [convBnRelu6(cin, hidden, 1)] : [];
      layers.push(convBnRelu6(hidden, hidden, 3, i === 0 ? s : 1, hidden), conv(hidden, c, 1, { bias: false }), {
        layer: "BatchNorm2d",
        args: [c],
      });
      features.push({ type: "InvertedResidual", residual: { seq: layers } });
      cin = c;
    }
  }
  features.push(convBnRelu6(cin, 1280, 1));
  return { seq: features };
}

/** The blocks of torchvision model `name` built as real layers, by child path; empty when none are. */
export function zooBlockPlans(name: string): Record<string, Plan> {
  const vgg = /^(vgg1[1369])(_bn)?$/.exec(name);
  if (vgg)
    return {
      features: vggFeatures(VGG_CFGS[vgg[1]], vgg[2] !== undefined),
      avgpool: { layer: "AdaptiveAvgPool2d", args: [7] },
    };
  if (name === "alexnet") return { features: alexnetFeatures(), avgpool: { layer: "AdaptiveAvgPool2d", args: [6] } };
  if (name === "mobilenet_v2") return { features: mobilenetV2Features() };
  return {};
}

/** The catalog layers the plans use: resolved before a builder runs, since torch.nn classes resolve lazily. */
export const PLAN_LAYERS = ["Conv2d", "BatchNorm2d", "ReLU", "ReLU6", "MaxPool2d", "AdaptiveAvgPool2d"];
