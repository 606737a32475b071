// FP100: the size of each model the script builds — exact parameters, forward FLOPs per sample.
import { exact, flops, paramCount, shape } from "../format";
import type { ModelCost } from "../types";
import type { Rule } from "./rule";

/** With an input shape known or a layer's weights unknown, "no input shape" would mislead: say why instead. */
function unknownWhy(m: ModelCost): string | undefined {
  return m.inputShape || m.paramsInexact ? m.unknowns[0]?.message : undefined;
}

export const modelSize: Rule = {
  code: "FP100",
  title: "Model size",
  defaultSeverity: "information",
  check({ models }) {
    return models.map((m) => {
      const frozen = m.params - m.trainableParams;
      const params = `${paramCount(m.params, m.paramsInexact)} params${frozen > 0 ? ` (${exact(m.trainableParams)} trainable, ${exact(frozen)} frozen)` : ""}`;
      const cost =
        m.forwardFlops !== null
          ? `${flops(m.forwardFlops)}/sample forward at input ${shape(m.inputShape)} (FLOPs = 2 × MACs)`
          : `FLOPs unknown: ${m.unknowns.find((u) => u.hint)?.hint ?? unknownWhy(m) ?? "no input shape — add `# footprint: input 3x224x224`"}`;
      return { message: `${m.name} (${m.className}): ${params} · ${cost}`, range: m.range };
    });
  },
};
