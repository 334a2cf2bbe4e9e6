/**
 * API token secrets: `gml_` + 32 random bytes (base64url, 43 characters). Only the SHA-256 of the
 * whole string is stored; a presented token is hashed and the stored digest compared in constant
 * time, so neither the database nor response timing gives the secret away.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'gml_';
/** 32 bytes = 256 bits of entropy (NIST SP 800-63B asks at least 112 for look-up secrets). */
const TOKEN_BYTES = 32;
export const TOKEN_PATTERN = /^gml_[A-Za-z0-9_-]{43}$/;

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface NewToken {
  /** Shown to the user once, never stored. */
  token: string;
  hash: string;
  /** A short public id for listings and revocation. */
  id: string;
}

export function generateApiToken(): NewToken {
  const token = TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashApiToken(token), id: `tok_${randomBytes(6).toString('hex')}` };
}

export const looksLikeToken = (s: string): boolean => TOKEN_PATTERN.test(s);

/** Constant-time equality of two hex digests of equal length. */
export function sameDigest(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
