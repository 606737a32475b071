// Everyday equivalents of a CO2e estimate, from the one set of cited factors below (docs/EQUIVALENTS.md):
// km by car and smartphone charges first (the pictures people know), then gasoline and car-days.
import type { Interval } from "../../../server/src/analysis/types";

export interface EquivalentFactor {
  id: string;
  /** How one unit reads: "litres of gasoline burned". */
  unit: string;
  /** kg CO2 per one unit of the equivalent. */
  kgPerUnit: number;
  citation: string;
}

/** US gallon in litres: exact by definition (231 in³; NIST Handbook 44, Appendix C). */
export const LITRES_PER_US_GALLON = 3.785411784;

/** EPA fact sheet EPA-420-F-11-041 (Nov 2011): 8,887 g CO2 per gallon of gasoline (75 FR 25324, May 7, 2010). */
export const KG_CO2_PER_GALLON_GASOLINE = 8.887;

/** EPA Green Vehicle Guide (fact sheet EPA-420-F-23-014, June 2023): a typical passenger vehicle emits about 4.6 t CO2 per year. */
export const KG_CO2_PER_PASSENGER_VEHICLE_YEAR = 4600;

/** International mile in km: exact by definition (1959 international yard and pound agreement; NIST SP 811 B.8). */
export const KM_PER_MILE = 1.609344;

/**
 * EPA Greenhouse Gas Equivalencies Calculator — Calculations and References (revision using
 * eGRID2022 data): "Miles driven by the average gasoline-powered passenger vehicle",
 * 3.93 × 10⁻⁴ metric tons CO2e/mile.
 */
export const KG_CO2E_PER_VEHICLE_MILE = 0.393;

/**
 * Same EPA page, "Number of smartphones charged": 1.24 × 10⁻⁵ metric tons CO2 per smartphone
 * charged (energy of one full charge × the US delivered-electricity emission rate).
 */
export const KG_CO2_PER_SMARTPHONE_CHARGE = 0.0124;

const EPA_EQUIVALENCIES =
  "US EPA, Greenhouse Gas Equivalencies Calculator — Calculations and References (eGRID2022 revision), https://www.epa.gov/energy/greenhouse-gas-equivalencies-calculator-calculations-and-references";

export const EQUIVALENT_FACTORS: readonly EquivalentFactor[] = [
  {
    id: "car-km",
    unit: "km driven by an average gasoline passenger car",
    kgPerUnit: KG_CO2E_PER_VEHICLE_MILE / KM_PER_MILE,
    citation: `${EPA_EQUIVALENCIES}: 3.93 × 10⁻⁴ t CO2e per mile driven; 1 mile = 1.609344 km`,
  },
  {
    id: "phone-charges",
    unit: "smartphone charges",
    kgPerUnit: KG_CO2_PER_SMARTPHONE_CHARGE,
    citation: `${EPA_EQUIVALENCIES}: 1.24 × 10⁻⁵ t CO2 per smartphone charged`,
  },
  {
    id: "gasoline",
    unit: "litres of gasoline burned",
    kgPerUnit: KG_CO2_PER_GALLON_GASOLINE / LITRES_PER_US_GALLON,
    citation:
      "US EPA, Greenhouse Gas Emissions from a Typical Passenger Vehicle, EPA-420-F-11-041 (Nov 2011): 8,887 g CO2/gallon of gasoline; 1 US gallon = 3.785411784 L",
  },
  {
    id: "car-days",
    unit: "days of a typical US passenger car's driving",
    kgPerUnit: KG_CO2_PER_PASSENGER_VEHICLE_YEAR / 365,
    citation:
      "US EPA Green Vehicle Guide, Greenhouse Gas Emissions from a Typical Passenger Vehicle (EPA-420-F-23-014, June 2023): about 4.6 metric tons CO2 per vehicle per year, spread over 365 days",
  },
];

export interface Equivalent {
  id: string;
  unit: string;
  /** How many units the CO2e range equals, low–high. */
  amount: Interval;
  citation: string;
}

/**
 * The CO2e range in everyday units. The factors are tailpipe CO2 while the estimate is CO2e; the
 * difference (CH4, N2O) is a few percent for gasoline, far inside the estimate's own range.
 */
export function equivalentsFor(co2eKg: Interval | null): Equivalent[] {
  if (!co2eKg) return [];
  return EQUIVALENT_FACTORS.map((f) => ({
    id: f.id,
    unit: f.unit,
    amount: { low: co2eKg.low / f.kgPerUnit, high: co2eKg.high / f.kgPerUnit },
    citation: f.citation,
  }));
}
