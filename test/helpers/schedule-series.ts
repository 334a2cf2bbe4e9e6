/** Intensity files for scheduling tests: one-second slots around the current time, so windows are seconds away. */
import { writeFileSync } from 'node:fs';

/**
 * Writes a time,value CSV from 5 s ago to 2 min ahead: 300 g/kWh, except 50 g/kWh in
 * [cleanFromS, cleanToS) seconds from now. Returns "now" as the file counts it (a whole second).
 */
export function secondsSeries(path: string, cleanFromS: number, cleanToS: number): number {
  const now = Math.ceil(Date.now() / 1000) * 1000;
  const lines = ['time,value'];
  for (let i = -5; i < 120; i++) lines.push(`${new Date(now + i * 1000).toISOString()},${i >= cleanFromS && i < cleanToS ? 50 : 300}`);
  writeFileSync(path, lines.join('\n') + '\n');
  return now;
}
