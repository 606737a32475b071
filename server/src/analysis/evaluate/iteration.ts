// Turning a value into the finite list of items a loop, unpacking or comprehension sees.
// Anything that is not finitely known (an unknown, a loader, a huge range) gives null.
import type { Node } from "web-tree-sitter";
import { MAX_LIST_ITERATION } from "./budget";
import type { Interp } from "./interp";
import { int, rangeLength, str, tensor, unknown, type Value, vectorValues } from "./values";

const TUPLE_CLASSES = new Set(["collections.namedtuple", "typing.NamedTuple"]);

export function iterate(ip: Interp, v: Value, _node: Node | null): Value[] | null {
  switch (v.k) {
    case "list":
    case "tuple":
    case "set":
      return v.items.slice();
    case "str":
      return v.v.length <= MAX_LIST_ITERATION ? Array.from(v.v, (c) => str(c)) : null;
    case "dict":
      return Array.from(v.map.values(), ([k]) => k);
    case "range": {
      const n = rangeLength(v);
      if (n > MAX_LIST_ITERATION) return null;
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = int(v.start + i * v.step);
      return out;
    }
    case "tensor": {
      if (!v.shape || v.shape.length === 0 || v.shape[0] > MAX_LIST_ITERATION) return null;
      const rest = v.shape.slice(1);
      const known = vectorValues(v);
      // `for rate in torch.linspace(0, 0.1, 12)`: each element keeps its value for .item() / int().
      if (known) return known.map((x) => ({ ...tensor([], v.dtype), values: [x] }));
      return Array.from({ length: v.shape[0] }, () => tensor(rest, v.dtype));
    }
    case "instance": {
      const m = v.mod;
      // A namedtuple (collections or typing.NamedTuple) iterates over its fields: `zip(*transitions)`.
      if (!m && v.cls.fields && v.cls.mro.some((c) => TUPLE_CLASSES.has(c.qualname)))
        return v.cls.fields.map((f) => v.attrs.get(f.name) ?? unknown(`field ${f.name}`));
      if (!m) return null;
      if (m.className === "ModuleDict" || m.className === "ParameterDict")
        return Array.from(m.children.keys(), (k) => str(k));
      if (m.className === "ParameterList")
        return Array.from(m.params.values()).flatMap((p) => (p ? [{ ...tensor(p.shape), param: p }] : []));
      return Array.from(m.children.values());
    }
    case "native":
      return v.iter ? v.iter(ip) : null;
    default:
      return null;
  }
}
