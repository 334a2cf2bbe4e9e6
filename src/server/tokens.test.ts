import { describe, expect, it } from 'vitest';
import { generateApiToken, hashApiToken, looksLikeToken, sameDigest } from './tokens.js';

describe('API tokens', () => {
  it('are gml_ plus 43 base64url characters, hashed with SHA-256, compared in constant time', () => {
    const a = generateApiToken();
    const b = generateApiToken();
    expect(a.token).toMatch(/^gml_[A-Za-z0-9_-]{43}$/);
    expect(looksLikeToken(a.token)).toBe(true);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashApiToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    // SHA-256 of "abc": the FIPS 180-2 test vector.
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameDigest(a.hash, a.hash)).toBe(true);
    expect(sameDigest(a.hash, b.hash)).toBe(false);
    expect(sameDigest(a.hash, a.hash.slice(0, 10))).toBe(false);
    expect(looksLikeToken('gml_short')).toBe(false);
  });
});
