// Shape arithmetic shared by torch layers and functions: dims, tuples, conv/pool sizes, broadcasting, reshape.

import { ShapeError } from "../layerSpec";

/** Product of a list of sizes (1 for an empty list, like torch's numel of a scalar). */
export function prod(sizes: readonly number[]): number {
  let n = 1;
  for (const s of sizes) n *= s;
  return n;
}

/** Wraps a possibly negative dim into [0, rank); torch accepts -rank..rank-1. */
export function normalizeDim(dim: number, rank: number, owner: string): number {
  // A 0-d tensor still accepts dim 0 / -1, as torch does.
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new ShapeError(`${owner}: dim ${dim} out of range for a ${rank}-d tensor`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Output length of a convolution/pooling window along one axis (floor, torch's formula). */
export function slidingOutLength(
  length: number,
  kernel: number,
  stride: number,
  padLow: number,
  padHigh: number,
  dilation: number,
  ceilMode = false,
): number {
  const span = length + padLow + padHigh - dilation * (kernel - 1) - 1;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let out = Math.ceil(span / stride) + 1;
  // torch drops a last window that would start entirely inside the right padding.
  if ((out - 1) * stride >= length + padLow) out -= 1;
  return out;
}

/** Output length of a transposed convolution along one axis. */
export function transposedOutLength(
  length: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  outputPadding: number,
): number {
  return (length - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

/** Broadcasts two shapes by numpy/torch rules (align right, 1 stretches). */
export function broadcastShapes(a: readonly number[], b: readonly number[], owner: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ShapeError(`${owner}: shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Collapses dims start..end (inclusive, negatives allowed) into one, as torch.flatten does. */
export function flattenShape(shape: readonly number[], start: number, end: number, owner: string): number[] {
  if (shape.length === 0) return [1];
  const s = normalizeDim(start, shape.length, owner);
  const e = normalizeDim(end, shape.length, owner);
  if (s > e) throw new ShapeError(`${owner}: start_dim ${start} comes after end_dim ${end}`);
  return [...shape.slice(0, s), prod(shape.slice(s, e + 1)), ...shape.slice(e + 1)];
}

/** Resolves a view/reshape target with at most one -1 against the element count of `shape`. */
export function inferReshape(shape: readonly number[], target: readonly number[], owner: string): number[] {
  const total = prod(shape);
  const holes = target.filter((d) => d === -1).length;
  if (holes > 1) throw new ShapeError(`${owner}: only one dimension can be -1, got [${target.join(", ")}]`);
  for (const d of target) {
    if (!Number.isInteger(d) || d < -1) throw new ShapeError(`${owner}: invalid size ${d} in [${target.join(", ")}]`);
  }
  const known = prod(target.filter((d) => d !== -1));
  if (holes === 1) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(`${owner}: shape [${target.join(", ")}] is invalid for input of size ${total}`);
    }
    return target.map((d) => (d === -1 ? total / known : d));
  }
  if (known !== total) {
    throw new ShapeError(`${owner}: shape [${target.join(", ")}] is invalid for input of size ${total}`);
  }
  return [...target];
}

/** Formats a shape for messages: [64, 3, 32, 32]. */
export function showShape(shape: readonly number[] | null): string {
  return shape === null ? "[?]" : `[${shape.join(", ")}]`;
}
