/**
 * Follows tqdm progress bars on a copy of a child's stderr, with no change to the workload.
 *
 * The stream is replayed as a terminal would: '\r' restarts the line, '\n' and cursor-up/down
 * escapes move between rows, other escapes (colours, OSC titles) are dropped. tqdm draws a bar at
 * `position` p by moving p rows down, writing '\r' + line, and moving p rows up again
 * (tqdm/std.py `display`/`moveto`, tqdm 4.64, 2022), so a line followed by a cursor-up belongs to a
 * nested bar and any other line to the outermost one (the "home" row). Events report the outermost
 * live bar (the epochs, not the batches).
 *
 * Events come out as soon as a known bar's closing ']' arrives, and for a new bar once its line is
 * ended, so they depend only on the bytes and never on how the stream was chunked. Memory stays
 * bounded: one line of at most MAX_LINE_CHARS, at most MAX_BARS bars, short escape buffers.
 */
import type { ProgressEvent } from './event.js';
import { parseTqdmLine, type TqdmLine } from './tqdm-line.js';
import { createUtf8Decoder, REPLACEMENT } from './utf8.js';

/** Longest line kept; tqdm lines are ~80-200 characters, a wide terminal a few hundred (greenml, 2026). */
const MAX_LINE_CHARS = 4096;
const KEEP_ON_OVERFLOW = 1024;
/** Bars tracked at once and bar identities remembered (greenml, 2026): far above tqdm's 20-row default. */
const MAX_BARS = 64;
const MAX_KINDS = 256;
/** Longest CSI parameter string and OSC payload read before giving up on an escape (greenml, 2026). */
const MAX_CSI_PARAMS = 32;
const MAX_OSC_CHARS = 4096;
/** Rows moved by one escape, at most; larger counts are treated as this (greenml, 2026). */
const MAX_MOVE = 1000;

const ESC = 0x1b;
const BEL = 0x07;
const EPOCH_IN_DESC = /\bepoch\s*(\d+)\s*(?:\/|\s+of\s+)\s*(\d+)/i;

type Terminator = 'cr' | 'lf' | 'up' | 'down' | 'end';

interface Bar {
  key: string;
  row: number;
  nested: boolean;
  line: TqdmLine;
}

export interface TqdmParser {
  /** Observes a chunk of the stream (bytes or text); returns the progress events it completed. Never throws. */
  push(chunk: Uint8Array | string): ProgressEvent[];
  /** Ends the stream: reads the last, unterminated line. */
  end(): ProgressEvent[];
  /** Characters buffered for the current line and bars tracked, to check the bounds. */
  inspect(): { bufferedChars: number; bars: number };
}

const identityOf = (l: TqdmLine): string =>
  `${l.desc.replace(/\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, '#')}|${l.total === null ? '-' : l.total}|${l.unit}`;

export function toProgressEvent(line: TqdmLine, barIndex: number): ProgressEvent {
  let fraction: number | null = null;
  if (line.total !== null && line.total > 0) fraction = line.n / line.total;
  else if (line.total !== null && line.percent !== null) fraction = line.percent / 100;
  if (fraction !== null) fraction = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : null;

  let epoch: ProgressEvent['epoch'] = null;
  const m = EPOCH_IN_DESC.exec(line.desc);
  if (m) {
    const k = Number(m[1]);
    const count = Number(m[2]);
    if (count > 0 && k <= count) {
      epoch = { index: k, count };
      // "Epoch 3/40" is 1-based (Keras, most loops); "Epoch 0/40" can only be 0-based.
      const done = k === 0 ? 0 : k - 1;
      fraction = Math.min(1, (done + (fraction ?? 0)) / count);
    }
  }
  return {
    fraction,
    n: line.n,
    total: line.total,
    desc: line.desc,
    unit: line.unit,
    rateUnitsPerS: line.rateUnitsPerS,
    elapsedS: line.elapsedS,
    remainingS: line.remainingS,
    barIndex,
    epoch,
    source: 'tqdm',
  };
}

const sameEvent = (a: ProgressEvent | null, b: ProgressEvent): boolean =>
  a !== null &&
  a.fraction === b.fraction &&
  a.n === b.n &&
  a.total === b.total &&
  a.desc === b.desc &&
  a.unit === b.unit &&
  a.rateUnitsPerS === b.rateUnitsPerS &&
  a.elapsedS === b.elapsedS &&
  a.remainingS === b.remainingS &&
  a.barIndex === b.barIndex;

export function createTqdmParser(): TqdmParser {
  const decoder = createUtf8Decoder();
  let line = '';
  let row = 0;
  let homeRow = 0;
  let escState: 'none' | 'esc' | 'csi' | 'osc' | 'osc-esc' = 'none';
  let csiParams = '';
  let oscChars = 0;
  const bars = new Map<string, Bar>();
  /** Whether each bar identity was seen nested (drawn, then cursor up) or at home. */
  const kinds = new Map<string, 'home' | 'nested'>();
  let last: ProgressEvent | null = null;
  let out: ProgressEvent[] = [];

  const remember = (key: string, kind: 'home' | 'nested'): void => {
    if (kinds.get(key) === 'nested') return;
    kinds.delete(key);
    kinds.set(key, kind);
    if (kinds.size > MAX_KINDS) kinds.delete(kinds.keys().next().value as string);
  };

  const emitSelected = (): void => {
    let best: Bar | null = null;
    for (const b of bars.values()) if (!b.nested && (best === null || b.row < best.row)) best = b;
    if (best === null) for (const b of bars.values()) if (best === null || b.row < best.row) best = b;
    if (best === null) return;
    const ev = toProgressEvent(best.line, Math.max(0, best.row - homeRow));
    if (!sameEvent(last, ev)) {
      last = ev;
      out.push(ev);
    }
  };

  /** Records a bar drawn on the current row; `nestedNow` when the line was ended by a cursor-up. */
  const draw = (parsed: TqdmLine, nestedNow: boolean): void => {
    const key = identityOf(parsed);
    const existing = bars.get(key);
    const wasNested = kinds.get(key) === 'nested';
    if (wasNested && !nestedNow && existing && row < existing.row) {
      // tqdm's close() redraws a finished nested bar at position 0 before moving on: the bar is done.
      bars.delete(key);
      emitSelected();
      return;
    }
    remember(key, nestedNow ? 'nested' : 'home');
    const nested = nestedNow || wasNested;
    for (const [k, b] of bars) if (k !== key && b.row === row && !(nested && !b.nested)) bars.delete(k);
    bars.delete(key);
    bars.set(key, { key, row, nested, line: parsed });
    if (!nested) {
      homeRow = row;
      // Rows above the home row have scrolled into history: those bars are finished.
      for (const [k, b] of bars) if (b.row < homeRow) bars.delete(k);
    }
    while (bars.size > MAX_BARS) bars.delete(bars.keys().next().value as string);
    emitSelected();
  };

  /** A ']' may close a bar's statistics: report a bar already known, without waiting for the line's end. */
  const eager = (): void => {
    const parsed = parseTqdmLine(line);
    if (!parsed) return;
    const kind = kinds.get(identityOf(parsed));
    if (kind === 'home') draw(parsed, false);
    else if (kind === 'nested' && row > homeRow) draw(parsed, true);
  };

  const terminate = (how: Terminator, count = 1): void => {
    if (line.length > 0) {
      const parsed = parseTqdmLine(line);
      if (parsed) draw(parsed, how === 'up');
      else if (line.trim() === '') {
        // A line of spaces is tqdm clearing a bar (leave=False, or around tqdm.write).
        for (const [k, b] of bars) if (b.row === row) bars.delete(k);
      }
      line = '';
    }
    if (how === 'lf') row += 1;
    else if (how === 'down') row += count;
    else if (how === 'up') row -= count;
  };

  const append = (ch: string): void => {
    line += ch;
    if (line.length > MAX_LINE_CHARS) line = line.slice(-KEEP_ON_OVERFLOW);
  };

  const onCsi = (final: string): void => {
    const n = Math.min(MAX_MOVE, Math.max(1, Number.parseInt(csiParams, 10) || 1));
    if (final === 'A' || final === 'F') terminate('up', n);
    else if (final === 'B' || final === 'E') terminate('down', n);
  };

  const onCodePoint = (cp: number): void => {
    switch (escState) {
      case 'esc':
        if (cp === 0x5b) {
          escState = 'csi';
          csiParams = '';
        } else if (cp === 0x5d) {
          escState = 'osc';
          oscChars = 0;
        } else {
          escState = 'none';
          if (cp === 0x4d) terminate('up'); // ESC M: reverse line feed
          else if (cp === 0x44 || cp === 0x45) terminate('lf'); // ESC D / ESC E: line feed
        }
        return;
      case 'csi':
        if (cp >= 0x20 && cp <= 0x3f) {
          if (csiParams.length < MAX_CSI_PARAMS) csiParams += String.fromCharCode(cp);
          else escState = 'none';
        } else {
          escState = 'none';
          if (cp >= 0x40 && cp <= 0x7e) onCsi(String.fromCharCode(cp));
        }
        return;
      case 'osc':
        if (cp === BEL) escState = 'none';
        else if (cp === ESC) escState = 'osc-esc';
        else if (++oscChars > MAX_OSC_CHARS) escState = 'none';
        return;
      case 'osc-esc':
        escState = 'none';
        return;
      default:
        break;
    }
    if (cp === ESC) escState = 'esc';
    else if (cp === 0x0d) terminate('cr');
    else if (cp === 0x0a) terminate('lf');
    else if (cp === 0x09) append(' ');
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return;
    else {
      append(String.fromCodePoint(cp));
      if (cp === 0x5d) eager();
    }
  };

  const reset = (): void => {
    line = '';
    escState = 'none';
    csiParams = '';
    bars.clear();
  };

  const collect = (work: () => void): ProgressEvent[] => {
    out = [];
    try {
      work();
    } catch {
      // The parser only observes a copy of the stream; an internal fault must never reach the workload.
      reset();
    }
    const done = out;
    out = [];
    return done;
  };

  return {
    push(chunk) {
      return collect(() => {
        if (typeof chunk === 'string') {
          for (const ch of chunk) onCodePoint(ch.codePointAt(0) ?? REPLACEMENT);
        } else if (chunk instanceof Uint8Array) {
          decoder.push(chunk, onCodePoint);
        }
      });
    },
    end() {
      return collect(() => {
        decoder.end(onCodePoint);
        escState = 'none';
        terminate('end');
      });
    },
    inspect: () => ({ bufferedChars: line.length, bars: bars.size }),
  };
}
