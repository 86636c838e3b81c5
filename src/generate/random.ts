/**
 * Deterministic, counter-based randomness: every draw is a hash of (seed, what, index), so any
 * host's or C2's properties can be computed on their own, in any order, with no state to keep.
 * That is what lets the generator stream tens of millions of rows in bounded memory.
 */

/** A 32-bit integer mix with good avalanche (Chris Wellons' "lowbias32"). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of two 32-bit integers. */
export function hash2(a: number, b: number): number {
  return mix32((mix32(a) + Math.imul(b | 0, 0x9e3779b9)) | 0);
}

/** A small sequential generator seeded from a hash: used for the draws of one host or one C2. */
export class Draws {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    this.s = (this.s + 0x9e3779b9) | 0;
    return mix32(this.s);
  }
  /** Uniform in [0, 1). */
  unit(): number {
    return this.u32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.unit() * n);
  }
}

/**
 * Walker's alias method: O(1) draws from a fixed discrete distribution. Built once per table
 * (families, ports, countries, C2 servers), so per-row draws cost two random numbers.
 */
export class Alias {
  private readonly prob: Float64Array;
  private readonly alias: Uint32Array;
  readonly size: number;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('alias table needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (!(w >= 0) || !Number.isFinite(w))
        throw new Error(`weight ${i} is not a finite non-negative number`);
      total += w;
    }
    if (total <= 0) throw new Error('alias table weights sum to zero');
    this.size = n;
    this.prob = new Float64Array(n);
    this.alias = new Uint32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) {
      scaled[i] = ((weights[i] as number) * n) / total;
      ((scaled[i] as number) < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop() as number;
      const l = large.pop() as number;
      this.prob[s] = scaled[s] as number;
      this.alias[s] = l;
      scaled[l] = (scaled[l] as number) + (scaled[s] as number) - 1;
      ((scaled[l] as number) < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  /** Draw an index from two uniforms in [0, 1). */
  pick(u1: number, u2: number): number {
    const i = Math.floor(u1 * this.size);
    return u2 < (this.prob[i] as number) ? i : (this.alias[i] as number);
  }
}
