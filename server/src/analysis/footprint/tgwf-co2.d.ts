// Types for the one @tgwf/co2 export the footprint model reads (the package ships no .d.ts).
declare module "@tgwf/co2/data" {
  /** Ember annual average grid intensity, gCO2e/kWh, keyed by ISO alpha-3 country or region ("WORLD"). */
  export const averageIntensity: { data: Record<string, number>; type: string };
}
