/** @module store: the Store port, its SQLite and PostgreSQL adapters, opening and copying. */
export type * from './store.js';
export { RUN_SORTS, MAX_PAGE, ALERT_DELIVERY_STATES, ALERT_EVENTS } from './store.js';
export { openStore, defaultDbPath, parseStoreLocation, type OpenStoreOptions, type StoreLocation } from './open.js';
export { copyStore, type CopyOptions, type CopyProgress, type CopyReport } from './copy.js';
export { HttpStore, openHttpStore, RemoteStoreError, isTransient, type HttpStoreOptions } from './http.js';
export {
  createSpoolingStore,
  syncSpool,
  pendingSyncs,
  spoolDirFor,
  shouldSpool,
  type SpoolingStore,
  type SpoolingStoreOptions,
  type SpoolMark,
  type SpoolEvent,
  type SyncOptions,
  type SyncReport,
  type SyncedRun,
} from './spool.js';
export { openRecordingStore, spoolDirOf, type RecordingStoreOptions } from './recording.js';
export { migrationStatus, type MigrationState, type MigrationStatus } from './migration-status.js';
