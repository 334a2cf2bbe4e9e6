/** @module intensity: carbon-intensity sources (catalog averages, files, live providers), caching and forecasts. */
export { SOURCE_IDS, type SourceId, type SourceDescription, type IntensitySource, type FetchLike } from './source.js';
export { staticSource, type StaticLookup } from './static-source.js';
export { fileSource, readIntensityFile, type FileSpec } from './file-source.js';
export {
  parseIntensityFile,
  detectFormat,
  checkFormat,
  FILE_FORMATS,
  EM_COLUMN_CHOICES,
  type FileFormat,
  type EmColumn,
  type ParseFileOptions,
  type ParsedFile,
} from './file-formats.js';
export { MAX_PLAUSIBLE_G_PER_KWH, type LineError } from './parse-kit.js';
export { electricityMapsSource, type ElectricityMapsOptions } from './electricitymaps.js';
export { wattTimeSource, type WattTimeOptions } from './watttime.js';
export { gbCarbonIntensitySource, parseGbZone, type GbCarbonIntensityOptions } from './gb-carbon-intensity.js';
export { cachedSource, storedSource, type IntensityCache, type IntensityQuery, type CacheOptions } from './cache.js';
export { withBaselineForecast, type BaselineOptions } from './baseline-source.js';
export { parseTimestamp } from './time.js';
