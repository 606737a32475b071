// FP190: the run's grid is much dirtier than an alternative region the footprint model priced;
// the same job elsewhere emits a fraction of the CO2e.
import type { Rule } from "./rule";
import { describeSaving, whatIf } from "./savings";

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
      out.push({
        message: `${w.title}: ${describeSaving(run, w) ?? `≈ −${Math.round(-w.saving * 100)}% CO2e`} — set footprint.region to the region you will train in`,
        range: run.spec.range,
      });
    }
    return out;
  },
};
