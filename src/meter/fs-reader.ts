/**
 * The meter reads /proc and /sys through this port so that every sampler runs against fixtures in
 * tests (a directory standing in for "/") and against the real kernel in production.
 *
 * Reads are synchronous on purpose: procfs and sysfs files are generated from kernel memory on
 * read and never wait on a disk, and a synchronous read costs about a quarter of the CPU of
 * fs.promises.readFile (measured here: 15 us against 66 us per /proc/<pid>/stat read, Node 20),
 * which matters for a sampler whose overhead budget is 0.5 % of one core.
 */
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface FsReader {
  /** Whole file as text. procfs and sysfs are ASCII except process names, so latin1 keeps bytes intact. */
  readText(path: string): string;
  /**
   * Like readText for a file read on every tick (a member's stat, energy_uj): the file stays open
   * and is re-read from offset 0, which makes procfs and sysfs generate it afresh. A /proc/<pid>
   * file opened for one process fails with ESRCH once that process is gone, even if its PID is reused.
   */
  readHot(path: string): string;
  /** Closes the files readHot keeps open. */
  release(): void;
  readBytes(path: string): Buffer;
  /** Entry names of a directory. */
  list(path: string): string[];
  exists(path: string): boolean;
  /** True when the current user may write to the path (cgroup delegation checks). */
  writable(path: string): boolean;
  /** The real path on disk for an absolute kernel path (what writers and mkdir use). */
  resolve(path: string): string;
}

/** Files kept open by readHot at most: well under the usual 1024 descriptors per process. */
const MAX_HOT_FILES = 256;
/** procfs files report size 0, so readFileSync allocates a fresh 64 KiB buffer per read; reuse one. */
const SCRATCH_BYTES = 64 * 1024;

/** A reader for which `root` stands in for "/": "/" in production, a fixture directory in tests. */
export function rootedReader(root = '/'): FsReader {
  const resolve = (path: string): string => (root === '/' ? path : join(root, path));
  const scratch = Buffer.allocUnsafe(SCRATCH_BYTES);
  const hot = new Map<string, number>();

  /** Reads an open file from offset 0 into the scratch buffer; null when it does not fit. */
  const readFd = (fd: number): string | null => {
    let n = 0;
    for (;;) {
      const got = readSync(fd, scratch, n, SCRATCH_BYTES - n, n);
      if (got === 0) return scratch.toString('latin1', 0, n);
      n += got;
      if (n === SCRATCH_BYTES) return null;
    }
  };
  const readText = (path: string): string => {
    const fd = openSync(resolve(path), 'r');
    try {
      return readFd(fd) ?? readFileSync(resolve(path), 'latin1');
    } finally {
      closeSync(fd);
    }
  };
  return {
    readText,
    readHot: (path) => {
      let fd = hot.get(path);
      if (fd === undefined) {
        if (hot.size >= MAX_HOT_FILES) return readText(path);
        fd = openSync(resolve(path), 'r');
        hot.set(path, fd);
      }
      try {
        return readFd(fd) ?? readFileSync(resolve(path), 'latin1');
      } catch (e) {
        hot.delete(path);
        closeSync(fd);
        throw e;
      }
    },
    release: () => {
      for (const fd of hot.values()) closeSync(fd);
      hot.clear();
    },
    readBytes: (path) => readFileSync(resolve(path)),
    list: (path) => readdirSync(resolve(path)),
    exists: (path) => {
      try {
        accessSync(resolve(path), constants.F_OK);
        return true;
      } catch {
        return false;
      }
    },
    writable: (path) => {
      try {
        accessSync(resolve(path), constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    resolve,
  };
}

export const errnoOf = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Reads a file, returning null when it does not exist (a process that exited, a missing zone). */
export function readTextOrNull(reader: FsReader, path: string, hot = false): string | null {
  try {
    return hot ? reader.readHot(path) : reader.readText(path);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ESRCH') return null;
    throw e;
  }
}
