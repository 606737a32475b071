// Python's `random` and `collections.deque` as training scripts use them: draws are run-time values (Unknown), but
// `random.sample(pop, k)` is a list of k of pop's elements, so a replay buffer's
// `zip(*random.sample(memory, batch_size))` gives batch-sized columns, and the batch of an RL
// update is known. The elements are pop's own values (its first item stands for each draw): the
// draw is unknown, what a drawn element looks like is not.
import type { Node } from "web-tree-sitter";
import { MAX_LIST_ITERATION } from "./budget";
import type { Interp } from "./interp";
import { iterate } from "./iteration";
import { fn, nativeModule, nativeObject } from "./nativeHelpers";
import { asInt, list, NONE, unknown, type Value } from "./values";

function sample(ip: Interp, pop: Value | undefined, k: Value | undefined, node: Node | null): Value {
  const n = asInt(k);
  if (n === null || n < 0 || n > MAX_LIST_ITERATION) return unknown("random.sample of an unknown size", node);
  const items = pop ? iterate(ip, pop, node) : null;
  // A population the analysis sees empty or cannot list is filled at run time: elements unknown.
  const item = items?.[0] ?? unknown("an element drawn at run time", node);
  return list(Array.from({ length: n }, () => item));
}

export function randomModule(): Value {
  const drawn = (name: string) =>
    fn(`random.${name}`, (_ip, _a, _kw, node) => unknown(`random.${name}() at run time`, node));
  return nativeModule("random", {
    sample: fn("random.sample", (ip, [pop, k], kw, node) => sample(ip, pop, k ?? kw.get("k"), node)),
    choice: fn("random.choice", (ip, [seq], _kw, node) => {
      const items = seq ? iterate(ip, seq, node) : null;
      return items?.[0] ?? unknown("random.choice at run time", node);
    }),
    choices: fn("random.choices", (ip, [pop], kw, node) =>
      sample(ip, pop, kw.get("k") ?? { k: "num", v: 1, int: true }, node),
    ),
    shuffle: fn("random.shuffle", () => NONE),
    seed: fn("random.seed", () => NONE),
    random: drawn("random"),
    uniform: drawn("uniform"),
    randint: drawn("randint"),
    randrange: drawn("randrange"),
    gauss: drawn("gauss"),
    getstate: drawn("getstate"),
    setstate: fn("random.setstate", () => NONE),
  });
}

/**
 * collections.deque: a replay buffer or a sliding window. Its items are the ones the traced code
 * appended (random.sample draws look like them), but its length is a run-time value: the loop
 * that fills it runs once here, so `if len(memory) >= batch_size:` read as 1 >= 128 skipped the
 * whole update, and the run with it.
 */
export function dequeOf(ip: Interp, init: Value | undefined, node: Node | null): Value {
  const items: Value[] = init ? (iterate(ip, init, node) ?? []) : [];
  const self = nativeObject(
    "collections.deque",
    {},
    {
      append: (_i, _s, [x]) => {
        items.push(x ?? NONE);
        return NONE;
      },
      appendleft: (_i, _s, [x]) => {
        items.unshift(x ?? NONE);
        return NONE;
      },
      extend: (i, _s, [xs], _kw, n) => {
        items.push(...((xs ? iterate(i, xs, n) : null) ?? []));
        return NONE;
      },
      pop: (_i, _s, _a, _kw, n) => items[items.length - 1] ?? unknown("deque.pop at run time", n),
      popleft: (_i, _s, _a, _kw, n) => items[0] ?? unknown("deque.popleft at run time", n),
      clear: () => NONE,
    },
  );
  self.iter = () => items.slice();
  self.len = () => null;
  self.getitem = (_i, _s, key, n) => {
    const k = asInt(key);
    return (k !== null ? items.at(k) : undefined) ?? unknown("a deque item at run time", n);
  };
  return self;
}
