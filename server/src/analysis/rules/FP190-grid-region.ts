// FP190: the run's grid is much dirtier than an alternative region the footprint model priced;
// the same job elsewhere emits a fraction of the CO2e.
import type { RunEstimate } from "../types";
import { runsLabel } from "./mergeFindings";
import type { Rule } from "./rule";
import { describeSavings, whatIf } from "./savings";

/** Report only when the alternative at least halves the emissions: smaller gaps are within the grid data's own spread. */
export const REGION_SAVING_THRESHOLD = 0.5;

export const dirtyRegion: Rule = {
  code: "FP190",
  title: "Lower-carbon region available",
  defaultSeverity: "information",
  check({ runs }) {
    const out = [];
    for (const run of runs) {
      const w = whatIf(run, "region");
      // `saving` is the relative CO2e change, negative when the alternative emits less.
      if (!w || w.saving === null || -w.saving < REGION_SAVING_THRESHOLD) continue;
      out.push({ message: message([run]), range: run.spec.range, run });
    }
    return out;
  },
  mergedMessage: message,
};

/** The finding's text for one run, or for the passes of a list loop together (their CO2e summed). */
function message(runs: RunEstimate[]): string {
  const w = whatIf(runs[0], "region")!;
  const saving = describeSavings(runs.map((run) => ({ run, w: whatIf(run, "region") })));
  const who = runs.length > 1 ? ` (${runsLabel(runs)})` : "";
  return `${w.title}${who}: ${saving ?? `≈ −${Math.round(-(w.saving ?? 0) * 100)}% CO2e`} — set footprint.region to the region you will train in`;
}
