// einops patterns ("b c (h p1) (w p2) -> b (h w) (p1 p2 c)") as shape rules: parses both sides,
// binds axis sizes from the input shape and the axis-length keywords, and builds the output shape
// for rearrange, repeat and reduce. Plain data in and out, like the torch function table.

import { ArgError, ShapeError } from "./layerSpec";
import { prod, showShape } from "./layers/shapeUtils";

/** One element of a pattern side: an axis, a parenthesised composition, `...`, or a literal size. */
type Elem = { axis: string } | { group: Array<string | number> } | { ellipsis: true } | { size: number };

const ELLIPSIS = "…";

function parseSide(side: string, owner: string): Elem[] {
  const out: Elem[] = [];
  const tokens = side
    .replace(/\.\.\./g, ` ${ELLIPSIS} `)
    .replace(/[()]/g, " $& ")
    .trim()
    .split(/\s+/);
  let group: Array<string | number> | null = null;
  for (const tok of tokens) {
    if (tok === "") continue;
    if (tok === "(") {
      if (group) throw new ArgError(`${owner}: nested parentheses in "${side}"`);
      group = [];
    } else if (tok === ")") {
      if (!group) throw new ArgError(`${owner}: unbalanced parentheses in "${side}"`);
      out.push({ group });
      group = null;
    } else {
      const item: string | number = /^\d+$/.test(tok) ? Number(tok) : tok;
      if (typeof item === "string" && item !== ELLIPSIS && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(item))
        throw new ArgError(`${owner}: bad axis name "${tok}"`);
      if (group) group.push(item);
      else
        out.push(item === ELLIPSIS ? { ellipsis: true } : typeof item === "number" ? { size: item } : { axis: item });
    }
  }
  if (group) throw new ArgError(`${owner}: unbalanced parentheses in "${side}"`);
  return out;
}

/**
 * Output shape of `kind(x, pattern, **axes)` for an input of `shape`. rearrange moves axes, repeat
 * may add axes (sized by `axes` or a literal), reduce drops axes missing on the right.
 */
export function einopsShape(
  kind: "rearrange" | "repeat" | "reduce",
  pattern: string,
  shape: readonly number[],
  axes: Readonly<Record<string, number>>,
): number[] {
  const owner = `einops.${kind}`;
  const arrow = pattern.split("->");
  if (arrow.length !== 2) throw new ArgError(`${owner}: pattern "${pattern}" needs one "->"`);
  const left = parseSide(arrow[0]!, owner);
  const right = parseSide(arrow[1]!, owner);
  const sizes = new Map<string, number>(Object.entries(axes));
  const fixed = left.filter((e) => !("ellipsis" in e)).length;
  const hasEllipsis = left.some((e) => "ellipsis" in e);
  if (hasEllipsis ? shape.length < fixed : shape.length !== fixed)
    throw new ShapeError(`${owner}: "${arrow[0]!.trim()}" does not match an input of shape ${showShape(shape)}`);
  let ell: number[] = [];
  let dim = 0;
  for (const e of left) {
    if ("ellipsis" in e) {
      ell = shape.slice(dim, dim + shape.length - fixed);
      dim += ell.length;
      continue;
    }
    const d = shape[dim++]!;
    if ("axis" in e) bindAxis(sizes, e.axis, d, owner);
    else if ("size" in e) {
      if (e.size !== d) throw new ShapeError(`${owner}: axis of size ${d} where the pattern says ${e.size}`);
    } else bindGroup(sizes, e.group, d, owner);
  }
  const out: number[] = [];
  for (const e of right) {
    if ("ellipsis" in e) out.push(...ell);
    else if ("size" in e) out.push(e.size);
    else if ("axis" in e) out.push(sizeOf(sizes, e.axis, owner));
    else
      out.push(
        prod(e.group.map((g) => (g === ELLIPSIS ? prod(ell) : typeof g === "number" ? g : sizeOf(sizes, g, owner)))),
      );
  }
  if (kind === "rearrange" && prod(out) !== prod(shape))
    throw new ShapeError(`${owner}: "${pattern}" changes the element count of ${showShape(shape)}`);
  return out;
}

function bindAxis(sizes: Map<string, number>, name: string, d: number, owner: string): void {
  const known = sizes.get(name);
  if (known !== undefined && known !== d) throw new ShapeError(`${owner}: axis ${name} is ${d}, expected ${known}`);
  sizes.set(name, d);
}

/** `(h p1)` over a dim of d: every member known, or all but one, which is then d / the others. */
function bindGroup(sizes: Map<string, number>, group: Array<string | number>, d: number, owner: string): void {
  let knownProd = 1;
  let free: string | null = null;
  for (const g of group) {
    if (g === ELLIPSIS) throw new ArgError(`${owner}: "..." inside parentheses on the left is not supported`);
    const v = typeof g === "number" ? g : sizes.get(g);
    if (v !== undefined) knownProd *= v;
    else if (free === null) free = g as string;
    else throw new ArgError(`${owner}: axes ${free} and ${g} are both unknown in (${group.join(" ")})`);
  }
  if (free === null) {
    if (knownProd !== d) throw new ShapeError(`${owner}: (${group.join(" ")}) is ${knownProd}, the dim is ${d}`);
    return;
  }
  if (d % knownProd !== 0)
    throw new ShapeError(`${owner}: ${d} is not divisible by ${knownProd} in (${group.join(" ")})`);
  sizes.set(free, d / knownProd);
}

function sizeOf(sizes: Map<string, number>, name: string, owner: string): number {
  const v = sizes.get(name);
  if (v === undefined) throw new ArgError(`${owner}: the size of axis ${name} is not given`);
  return v;
}

/** `einops.einsum(a, b, "b i d, b j d -> b i j")`: the same equation with one letter per axis name. */
export function einsumEquation(pattern: string): string {
  const names = new Map<string, string>();
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return pattern.replace(/\.\.\.|[A-Za-z_][A-Za-z0-9_]*|\s+/g, (tok) => {
    if (tok === "..." || /^\s+$/.test(tok)) return tok === "..." ? tok : "";
    let l = names.get(tok);
    if (!l) {
      l = letters[names.size] ?? "?";
      names.set(tok, l);
    }
    return l;
  });
}
