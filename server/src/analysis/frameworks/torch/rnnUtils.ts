// torch.nn.utils.rnn: pack_padded_sequence / pad_packed_sequence / pad_sequence. A packed batch is
// kept as its padded tensor, so the RNN after it is sized and costed at the padded length: an upper
// bound when sequences are shorter, said on the model. Before, packing was unknown and every
// tagger or speech model that packs had unknown FLOPs.
import { asInt, type NativeFn, NONE, tensor, truthy, tuple, unknown, type Value } from "../../evaluate/values";

const batchFirst = (v: Value | undefined) => (v ? truthy(v) === true : false);

export const packPaddedSequence: NativeFn = (ip, [input], _kw, node) => {
  if (input?.k !== "tensor") return unknown("pack_padded_sequence of an unknown tensor", node);
  ip.note(
    "pack_padded_sequence: the RNN is priced at the padded length, an upper bound when sequences are shorter",
    node,
  );
  return input;
};

export const padPackedSequence: NativeFn = (_ip, [seq, ...rest], kw, node) => {
  if (seq?.k !== "tensor") return unknown("pad_packed_sequence of an unknown sequence", node);
  const bf = batchFirst(kw.get("batch_first") ?? rest[0]);
  const total = asInt(kw.get("total_length") ?? rest[2] ?? NONE);
  let shape = seq.shape;
  // total_length pads the time dimension (1 when batch_first, else 0) to that length.
  if (shape && total !== null && shape.length >= 2) {
    shape = shape.slice();
    shape[bf ? 1 : 0] = total;
  }
  const b = seq.shape && seq.shape.length >= 2 ? seq.shape[bf ? 0 : 1] : null;
  return tuple([tensor(shape, seq.dtype), tensor(b === null ? null : [b], "int64")]);
};

/** pad_sequence([L_i × *], batch_first): (B, L_max, *) or (L_max, B, *). */
export const padSequence: NativeFn = (_ip, [seqs, bfArg], kw, node) => {
  const items = seqs && (seqs.k === "list" || seqs.k === "tuple") ? seqs.items : null;
  const shapes = items?.map((t) => (t.k === "tensor" ? t.shape : null));
  if (!items || !shapes || shapes.length === 0 || shapes.some((s) => !s || s.length === 0))
    return unknown("pad_sequence of sequences with unknown shapes", node);
  const known = shapes as number[][];
  const longest = Math.max(...known.map((s) => s[0]));
  const rest = known[0].slice(1);
  const bf = batchFirst(kw.get("batch_first") ?? bfArg);
  const first = items[0];
  const dtype = first.k === "tensor" ? first.dtype : "float32";
  return tensor(bf ? [items.length, longest, ...rest] : [longest, items.length, ...rest], dtype);
};
