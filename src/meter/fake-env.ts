/** The environment variable that swaps in the scripted fake meter (docs/meter.md, "Fake meter"). */
export const FAKE_METER_ENV = 'GREENML_FAKE_METER';
