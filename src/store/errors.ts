/**
 * Engine failures that mean "the database cannot be used right now" become STORE_UNAVAILABLE with
 * a message a user can act on; our own GreenmlErrors and programming errors pass through unchanged.
 */
import { GreenmlError, isGreenmlError } from '../core/index.js';

const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|READONLY|CANTOPEN|IOERR|FULL|NOTADB|CORRUPT|PERM|AUTH)/;
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** A short, human reason for a failure to open or use a database. */
export function describeFailure(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown; errors?: unknown };
  const code = typeof err?.code === 'string' ? err.code : '';
  const fsReasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a parent of the path is a file, not a directory',
    EEXIST: 'a parent of the path is a file, not a directory', // mkdir -p meeting a file
    EISDIR: 'the path is a directory',
    ENOSPC: 'no space left on the device',
    ECONNREFUSED: 'the server refused the connection (is PostgreSQL running and listening there?)',
    ENOTFOUND: 'the host name does not resolve',
  };
  if (fsReasons[code]) return fsReasons[code];
  // AggregateError (pg connecting to several addresses) keeps the useful text in .errors.
  if (Array.isArray(err?.errors) && err.errors.length > 0) return describeFailure(err.errors[0]);
  const message = typeof err?.message === 'string' && err.message.length > 0 ? err.message : String(e);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export function isUnavailable(e: unknown): boolean {
  if (isGreenmlError(e)) return false;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (SQLITE_UNAVAILABLE.test(code) || NET_UNAVAILABLE.has(code)) return true;
    // PostgreSQL SQLSTATE classes 08 (connection exception), 53 (insufficient resources), 57P (operator intervention).
    if (/^(08|53|57P)/.test(code)) return true;
  }
  const message = (e as { message?: unknown })?.message;
  return typeof message === 'string' && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

export function unavailable(location: string, e: unknown, opening: boolean): GreenmlError {
  const message = opening
    ? `Cannot open the database at ${location}: ${describeFailure(e)}. Use --db <path> or GREENML_DB to choose another location.`
    : `The database at ${location} failed: ${describeFailure(e)}. Try again; if it keeps failing, check the disk or the server, or use --db <path> or GREENML_DB to choose another location.`;
  return new GreenmlError('STORE_UNAVAILABLE', message, { cause: e, details: { location } });
}

export function wrapFailure(location: string, e: unknown): unknown {
  return isUnavailable(e) ? unavailable(location, e, false) : e;
}
