// Binds Python-style positional and keyword arguments to a layer/function Signature, filling defaults.

import { type Arg, ArgError, type Args, REQUIRED, type Signature } from "../layerSpec";

type Entry = Signature[number];

/** What binding needs from a signature, read once per signature (catalog signatures are constants). */
interface SignatureShape {
  star: Entry | undefined;
  starStar: Entry | undefined;
  named: Entry[];
  namedNames: Set<string>;
  positionalSlots: Entry[];
}

// Every layer construction and forward call bound its arguments by rescanning the signature
// (find/filter/slice): ~4% of the interpreter's time on the 337-line bench script.
const shapes = new WeakMap<Signature, SignatureShape>();

function shapeOf(signature: Signature): SignatureShape {
  let shape = shapes.get(signature);
  if (shape) return shape;
  const star = signature.find(([n]) => n.startsWith("*") && !n.startsWith("**"));
  const starStar = signature.find(([n]) => n.startsWith("**"));
  const named = signature.filter(([n]) => !n.startsWith("*"));
  // Parameters after a *args entry are keyword-only.
  const starIndex = star ? signature.indexOf(star) : signature.length;
  const positionalSlots = signature.slice(0, starIndex).filter(([n]) => !n.startsWith("*"));
  shape = { star, starStar, named, namedNames: new Set(named.map(([n]) => n)), positionalSlots };
  shapes.set(signature, shape);
  return shape;
}

/**
 * Binds `positional` then `keywords` to `signature` as Python would: extra positionals go to a
 * `*name` entry, unknown keywords to a `**name` entry; a missing required argument is an ArgError.
 */
export function bindArgs(
  owner: string,
  signature: Signature,
  positional: readonly Arg[],
  keywords: Readonly<Record<string, Arg>> = {},
): Args {
  const out: Args = {};
  const { star, starStar, named, namedNames, positionalSlots } = shapeOf(signature);
  const extra: Arg[] = [];
  positional.forEach((v, i) => {
    const slot = positionalSlots[i];
    if (slot) out[slot[0]] = v;
    else if (star) extra.push(v);
    else
      throw new ArgError(
        `${owner}: takes ${positionalSlots.length} positional arguments but ${positional.length} were given`,
      );
  });
  const extraKw: Record<string, Arg> = {};
  for (const [k, v] of Object.entries(keywords)) {
    if (namedNames.has(k)) {
      if (k in out) throw new ArgError(`${owner}: got multiple values for argument '${k}'`);
      out[k] = v;
    } else if (starStar) extraKw[k] = v;
    else throw new ArgError(`${owner}: got an unexpected keyword argument '${k}'`);
  }
  for (const [n, fallback] of named) {
    if (n in out) continue;
    if (fallback === REQUIRED) throw new ArgError(`${owner}: missing required argument '${n}'`);
    out[n] = fallback;
  }
  if (star) out[star[0]] = extra;
  if (starStar) out[starStar[0]] = extraKw;
  return out;
}
