/**
 * Time-ordered ids for records the server creates (ULID layout: 48-bit epoch ms then 80 random
 * bits, Crockford base 32, 26 characters), so ids sort by creation and prefixes stay short.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newId(nowMs: number): string {
  let time = '';
  let t = Math.max(0, Math.floor(nowMs));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] as number) % 32];
  return time + rand;
}
