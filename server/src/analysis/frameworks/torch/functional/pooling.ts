// torch.nn.functional pooling and resampling: max/avg/lp/adaptive pools, max_unpool, interpolate/upsample, pad,
// pixel_shuffle, channel_shuffle, fold/unfold, grid_sample.

import { type Args, REQUIRED, ShapeError, type Signature } from "../layerSpec";
import { boolArg, intListArg, raw, sizeArg, tensor } from "../layers/argUtils";
import { adaptiveShape, poolShape, readPoolWindow } from "../layers/pooling";
import { foldShape, interpolateShape, padShape, pixelShuffleShape, unfoldShape } from "../layers/reshape";
import { showShape } from "../layers/shapeUtils";
import { dtypeArg, type FunctionTable, register, shapeOf } from "./fnUtils";

/** An int or per-dim list as n values (kernel_size=2 → [2, 2]). */
function expand(v: number[], n: number): number[] {
  return v.length === 1 ? Array<number>(n).fill(v[0]!) : v;
}

function onInput(a: Args, owner: string, rule: (x: number[]) => number[], indices = false) {
  const x = shapeOf(a, "input", owner);
  const out = tensor(x === null ? null : rule(x), dtypeArg(a, "input"));
  return { output: indices ? [out, tensor(out.tensor === null ? null : [...out.tensor], "int64")] : out, macs: 0 };
}

export function registerPooling(t: FunctionTable): void {
  const input = ["input", REQUIRED] as const;
  for (const n of [1, 2, 3]) {
    const maxSig: Signature = [
      input,
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["padding", 0],
      ["dilation", 1],
      ["ceil_mode", false],
      ["return_indices", false],
    ];
    register(t, { F: [`max_pool${n}d`], torch: [`max_pool${n}d`] }, maxSig, (a) =>
      onInput(
        a,
        `max_pool${n}d`,
        (x) => poolShape(x, n, readPoolWindow(a, `max_pool${n}d`, n), `max_pool${n}d`),
        boolArg(a, "return_indices", "max_pool"),
      ),
    );
    // The *_with_indices forms always return (values, indices), whatever return_indices says.
    register(t, { F: [`max_pool${n}d_with_indices`] }, maxSig, (a) =>
      onInput(a, `max_pool${n}d`, (x) => poolShape(x, n, readPoolWindow(a, `max_pool${n}d`, n), `max_pool${n}d`), true),
    );
    register(
      t,
      { F: [`adaptive_max_pool${n}d_with_indices`] },
      [input, ["output_size", REQUIRED], ["return_indices", false]],
      (a) =>
        onInput(
          a,
          `adaptive_max_pool${n}d`,
          (x) => adaptiveShape(x, n, raw(a, "output_size"), `adaptive_max_pool${n}d`),
          true,
        ),
    );
    // max_unpool (SegNet decoders): (in - 1) * stride - 2 * padding + kernel per spatial dim, or output_size.
    const unpoolSig: Signature = [
      input,
      ["indices", REQUIRED],
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["padding", 0],
      ["output_size", null],
    ];
    register(t, { F: [`max_unpool${n}d`] }, unpoolSig, (a) =>
      onInput(a, `max_unpool${n}d`, (x) => {
        const lead = x.slice(0, x.length - n);
        const out = raw(a, "output_size");
        if (out !== null) return [...lead, ...intListArg(a, "output_size", `max_unpool${n}d`).slice(-n)];
        const k = expand(intListArg(a, "kernel_size", "max_unpool"), n);
        const st = raw(a, "stride") === null ? k : expand(intListArg(a, "stride", "max_unpool"), n);
        const p = expand(intListArg(a, "padding", "max_unpool"), n);
        return [...lead, ...x.slice(x.length - n).map((d, i) => (d - 1) * st[i]! - 2 * p[i]! + k[i]!)];
      }),
    );
    const avgSig: Signature = [
      input,
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["padding", 0],
      ["ceil_mode", false],
      ["count_include_pad", true],
      ...(n > 1 ? ([["divisor_override", null]] as const) : []),
    ];
    register(t, { F: [`avg_pool${n}d`], torch: [`avg_pool${n}d`] }, avgSig, (a) =>
      onInput(a, `avg_pool${n}d`, (x) => poolShape(x, n, readPoolWindow(a, `avg_pool${n}d`, n), `avg_pool${n}d`)),
    );
    register(
      t,
      { F: [`adaptive_avg_pool${n}d`], torch: [`adaptive_avg_pool${n}d`] },
      [input, ["output_size", REQUIRED]],
      (a) =>
        onInput(a, `adaptive_avg_pool${n}d`, (x) =>
          adaptiveShape(x, n, raw(a, "output_size"), `adaptive_avg_pool${n}d`),
        ),
    );
    register(
      t,
      { F: [`adaptive_max_pool${n}d`], torch: [`adaptive_max_pool${n}d`] },
      [input, ["output_size", REQUIRED], ["return_indices", false]],
      (a) =>
        onInput(
          a,
          `adaptive_max_pool${n}d`,
          (x) => adaptiveShape(x, n, raw(a, "output_size"), `adaptive_max_pool${n}d`),
          boolArg(a, "return_indices", "adaptive_max_pool"),
        ),
    );
  }
  for (const n of [1, 2]) {
    const sig: Signature = [
      input,
      ["norm_type", REQUIRED],
      ["kernel_size", REQUIRED],
      ["stride", null],
      ["ceil_mode", false],
    ];
    register(t, { F: [`lp_pool${n}d`] }, sig, (a) =>
      onInput(a, `lp_pool${n}d`, (x) => poolShape(x, n, readPoolWindow(a, `lp_pool${n}d`, n), `lp_pool${n}d`)),
    );
  }
  const interpSig: Signature = [
    input,
    ["size", null],
    ["scale_factor", null],
    ["mode", "nearest"],
    ["align_corners", null],
    ["recompute_scale_factor", null],
    ["antialias", false],
  ];
  register(t, { F: ["interpolate", "upsample"] }, interpSig, (a) =>
    onInput(a, "interpolate", (x) => interpolateShape(x, raw(a, "size"), raw(a, "scale_factor"), "F.interpolate")),
  );
  const upSig: Signature = [input, ["size", null], ["scale_factor", null]];
  register(t, { F: ["upsample_nearest", "upsample_bilinear"] }, upSig, (a) =>
    onInput(a, "upsample", (x) => interpolateShape(x, raw(a, "size"), raw(a, "scale_factor"), "F.upsample")),
  );
  register(
    t,
    { F: ["channel_shuffle", "native_channel_shuffle"], torch: ["channel_shuffle"] },
    [input, ["groups", REQUIRED]],
    (a) =>
      onInput(a, "channel_shuffle", (x) => {
        const g = sizeArg(a, "groups", "channel_shuffle");
        if (x.length < 3 || x[1]! % g !== 0)
          throw new ShapeError(`channel_shuffle(${g}) expected channels divisible by ${g}, got ${showShape(x)}`);
        return [...x];
      }),
  );
  register(t, { F: ["pad"] }, [input, ["pad", REQUIRED], ["mode", "constant"], ["value", null]], (a) =>
    onInput(a, "F.pad", (x) => padShape(x, intListArg(a, "pad", "F.pad"), "F.pad")),
  );
  register(t, { F: ["pixel_shuffle"], torch: ["pixel_shuffle"] }, [input, ["upscale_factor", REQUIRED]], (a) =>
    onInput(a, "pixel_shuffle", (x) =>
      pixelShuffleShape(x, sizeArg(a, "upscale_factor", "pixel_shuffle"), true, "pixel_shuffle"),
    ),
  );
  register(t, { F: ["pixel_unshuffle"], torch: ["pixel_unshuffle"] }, [input, ["downscale_factor", REQUIRED]], (a) =>
    onInput(a, "pixel_unshuffle", (x) =>
      pixelShuffleShape(x, sizeArg(a, "downscale_factor", "pixel_unshuffle"), false, "pixel_unshuffle"),
    ),
  );
  const foldTail: Signature = [
    ["dilation", 1],
    ["padding", 0],
    ["stride", 1],
  ];
  register(t, { F: ["unfold"] }, [input, ["kernel_size", REQUIRED], ...foldTail], (a) =>
    onInput(a, "F.unfold", (x) => unfoldShape(x, a, "F.unfold")),
  );
  register(t, { F: ["fold"] }, [input, ["output_size", REQUIRED], ["kernel_size", REQUIRED], ...foldTail], (a) =>
    onInput(a, "F.fold", (x) => foldShape(x, a, "F.fold")),
  );
  register(
    t,
    { F: ["grid_sample"] },
    [input, ["grid", REQUIRED], ["mode", "bilinear"], ["padding_mode", "zeros"], ["align_corners", null]],
    (a) => {
      // (N, C, *in) sampled at grid (N, *out, n) gives (N, C, *out).
      const x = shapeOf(a, "input", "F.grid_sample");
      const g = shapeOf(a, "grid", "F.grid_sample");
      if (x === null || g === null) return { output: tensor(null, dtypeArg(a, "input")), macs: 0 };
      return { output: tensor([x[0]!, x[1]!, ...g.slice(1, -1)], dtypeArg(a, "input")), macs: 0 };
    },
  );
  register(
    t,
    { F: ["affine_grid"] },
    [
      ["theta", REQUIRED],
      ["size", REQUIRED],
      ["align_corners", null],
    ],
    (a) => {
      const size = intListArg(a, "size", "F.affine_grid");
      return { output: tensor([size[0]!, ...size.slice(2), size.length - 2], dtypeArg(a, "theta")), macs: 0 };
    },
  );
}
