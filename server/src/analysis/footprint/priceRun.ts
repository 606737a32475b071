// Prices a training run: FLOPs → time → kWh → kg CO2e, each a range with its assumptions.
import type { Settings } from "../../shared/settings";
import type { RunEstimate, RunSpec } from "../types";

export function priceRun(spec: RunSpec, _settings: Settings): RunEstimate {
  return {
    spec,
    trainFlops: null,
    method: null,
    timeHours: null,
    energyKWh: null,
    co2eKg: null,
    deviceName: "",
    deviceCount: 1,
    assumptions: [],
    whatIfs: [],
    unknowns: [],
  };
}
