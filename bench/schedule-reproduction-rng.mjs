// A port of the parts of numpy's random Generator that Let's Wait Awhile's job generator uses
// (simulate.py: generate_batch_jobs, numpy >= 1.17 default_rng(0)), so the benchmark can rebuild
// the paper's 3,387 ML jobs bit for bit without Python:
//   - SeedSequence (entropy hashing, pool of 4 x uint32) -> generate_state(4, uint64);
//   - PCG64 (128-bit LCG, multiplier 0x2360ED051FC65DA44385DF649FCCF645, XSL-RR output);
//   - next_uint32 (halves of one 64-bit draw, low half first), next_double ((x >> 11) * 2^-53);
//   - integers(0, n) for n <= 2^32 (Lemire's bounded method on 32-bit draws), as choice() uses;
//   - multinomial(n, p) as a chain of binomials, each drawn by inversion (n * p <= 30 here).
// Written from the algorithms' descriptions (O'Neill 2014 PCG; numpy's SeedSequence design notes;
// Lemire 2019) and checked against numpy 2.4 output (the bench prints a fingerprint of the jobs).

const M32 = 0xffffffffn;
const M64 = (1n << 64n) - 1n;
const M128 = (1n << 128n) - 1n;
const PCG_MULT = 0x2360ed051fc65da44385df649fcc_f645n;

const mul32 = (a, b) => Math.imul(a, b) >>> 0;

/** numpy.random.SeedSequence(entropy).generate_state(nWords64, uint64) for a small non-negative integer entropy. */
export function seedSequenceState64(entropy, nWords64) {
  const INIT_A = 0x43b0d7e5;
  const MULT_A = 0x931e8875;
  const INIT_B = 0x8b51f9dd;
  const MULT_B = 0x58f38ded;
  const MIX_MULT_L = 0xca01f9dd;
  const MIX_MULT_R = 0x4973f715;
  const XSHIFT = 16;
  const words = [];
  let e = BigInt(entropy);
  do {
    words.push(Number(e & M32));
    e >>= 32n;
  } while (e > 0n);
  let hashConst = INIT_A;
  const hashmix = (value) => {
    value = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_A);
    value = mul32(value, hashConst);
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x, y) => {
    const r = (mul32(x, MIX_MULT_L) - mul32(y, MIX_MULT_R)) >>> 0;
    return (r ^ (r >>> XSHIFT)) >>> 0;
  };
  const pool = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
  for (let src = 0; src < 4; src++) for (let dst = 0; dst < 4; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  for (let src = 4; src < words.length; src++) for (let dst = 0; dst < 4; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  let hashB = INIT_B;
  const out32 = [];
  for (let i = 0; i < nWords64 * 2; i++) {
    let v = (pool[i % 4] ^ hashB) >>> 0;
    hashB = mul32(hashB, MULT_B);
    v = mul32(v, hashB);
    out32.push((v ^ (v >>> XSHIFT)) >>> 0);
  }
  const out = [];
  for (let i = 0; i < nWords64; i++) out.push((BigInt(out32[2 * i + 1]) << 32n) | BigInt(out32[2 * i]));
  return out;
}

export class Pcg64Generator {
  constructor(seed) {
    const [s0, s1, i0, i1] = seedSequenceState64(seed, 4);
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.inc = ((initSeq << 1n) | 1n) & M128;
    this.state = 0n;
    this.step();
    this.state = (this.state + initState) & M128;
    this.step();
    this.hasUint32 = false;
    this.uinteger = 0;
  }
  step() {
    this.state = (this.state * PCG_MULT + this.inc) & M128;
  }
  next64() {
    this.step();
    const s = this.state;
    const x = ((s >> 64n) ^ s) & M64;
    const rot = Number(s >> 122n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & M64;
  }
  next32() {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const n = this.next64();
    this.hasUint32 = true;
    this.uinteger = Number(n >> 32n);
    return Number(n & M32);
  }
  nextDouble() {
    return Number(this.next64() >> 11n) * (1 / 9007199254740992);
  }
  /** integers(0, n) for 1 <= n <= 2^32 - 1: Lemire's method on 32-bit draws. */
  integer(n) {
    const rng = n - 1;
    if (rng === 0) return 0;
    const excl = BigInt(n);
    let m = BigInt(this.next32()) * excl;
    let leftover = Number(m & M32);
    if (leftover < n) {
      const threshold = Number((M32 - BigInt(rng)) % excl);
      while (leftover < threshold) {
        m = BigInt(this.next32()) * excl;
        leftover = Number(m & M32);
      }
    }
    return Number(m >> 32n);
  }
  /** choice(values, size) with replacement and equal probabilities. */
  choice(values, size) {
    return Array.from({ length: size }, () => values[this.integer(values.length)]);
  }
  /** Binomial(n, p) by inversion, numpy's algorithm for n * min(p, 1 - p) <= 30. */
  binomialInversion(n, p) {
    const q = 1 - p;
    const qn = Math.exp(n * Math.log(q));
    const np = n * p;
    const bound = Math.min(n, Math.trunc(np + 10 * Math.sqrt(np * q + 1)));
    let x = 0;
    let px = qn;
    let u = this.nextDouble();
    while (u > px) {
      x++;
      if (x > bound) {
        x = 0;
        px = qn;
        u = this.nextDouble();
      } else {
        u -= px;
        px = ((n - x + 1) * p * px) / (x * q);
      }
    }
    return x;
  }
  binomial(n, p) {
    if (n === 0 || p === 0) return 0;
    if (p <= 0.5) {
      if (p * n > 30) throw new Error('binomial: BTPE branch not ported (n * p > 30)');
      return this.binomialInversion(n, p);
    }
    if ((1 - p) * n > 30) throw new Error('binomial: BTPE branch not ported (n * q > 30)');
    return n - this.binomialInversion(n, 1 - p);
  }
  /** multinomial(n, pvals): successive conditional binomials, the last category takes the rest. */
  multinomial(n, pvals) {
    const out = new Array(pvals.length).fill(0);
    let remaining = 1;
    let dn = n;
    for (let j = 0; j < pvals.length - 1; j++) {
      out[j] = this.binomial(dn, pvals[j] / remaining);
      dn -= out[j];
      if (dn <= 0) break;
      remaining -= pvals[j];
    }
    if (dn > 0) out[pvals.length - 1] = dn;
    return out;
  }
}
