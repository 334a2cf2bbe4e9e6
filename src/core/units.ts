/**
 * Canonical units and conversions. Quantities carry their unit in their name (energyKwh, powerW,
 * co2eG, intensityGPerKwh, priceUsdPerHour, durationS); this file is the one place they convert.
 */

/** 1 kWh = 3.6 MJ exactly (SI). CodeCarbon's 2.77778e-7 is a rounded inverse; we use the exact value. */
export const JOULES_PER_KWH = 3_600_000;
export const SECONDS_PER_HOUR = 3600;
export const HOURS_PER_YEAR = 8760;
/** 1 lb = 0.45359237 kg exactly (international avoirdupois pound, 1959). */
export const KG_PER_LB = 0.45359237;

export const kwhFromJoules = (energyJ: number): number => energyJ / JOULES_PER_KWH;
export const joulesFromKwh = (energyKwh: number): number => energyKwh * JOULES_PER_KWH;
export const joulesFromMicrojoules = (energyUj: number): number => energyUj / 1e6;
export const hoursFromSeconds = (durationS: number): number => durationS / SECONDS_PER_HOUR;
export const secondsFromHours = (durationH: number): number => durationH * SECONDS_PER_HOUR;
/** Energy of a constant power held for a duration. */
export const kwhFromWattSeconds = (powerW: number, durationS: number): number => (powerW * durationS) / JOULES_PER_KWH;
export const kgFromGrams = (massG: number): number => massG / 1000;
export const gramsFromKg = (massKg: number): number => massKg * 1000;
export const gramsFromTonnes = (massT: number): number => massT * 1e6;
/** WattTime reports lbs CO2 per MWh; 1 lb/MWh = 0.45359237 g/kWh. */
export const gPerKwhFromLbsPerMwh = (lbsPerMwh: number): number => lbsPerMwh * KG_PER_LB;
/** Cloud Carbon Footprint stores metric tonnes per kWh. */
export const gPerKwhFromTonnesPerKwh = (tPerKwh: number): number => tPerKwh * 1e6;
