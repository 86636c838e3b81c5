/**
 * Compact range tables: disjoint, sorted address ranges, each with a value, held in typed arrays
 * (IPv4 as Uint32, IPv6 as four Uint32 words per address) and searched by binary search. A few
 * hundred thousand ranges take a few MB and answer an IPv4 lookup in well under 100 ns, so an
 * enricher can afford several lookups per event.
 *
 * Ranges are inclusive [start, end]. Where ranges overlap, the builder cuts them so that the
 * narrower range wins inside it: for CIDR blocks that is longest-prefix match (the constituency),
 * and for geo data it lets a specific entry (a geofeed line) override the wider block around it.
 * Identical ranges: the one added first wins.
 */
import { compareWords } from './ip-words.js';

export class RangeTable<V> {
  constructor(
    /** IPv4 range starts, ascending. */
    readonly starts4: Uint32Array,
    readonly ends4: Uint32Array,
    /** Index into `values` for each IPv4 range. */
    readonly vals4: Uint32Array,
    /** IPv6 range starts, four words each, ascending. */
    readonly starts6: Uint32Array,
    readonly ends6: Uint32Array,
    readonly vals6: Uint32Array,
    /** The distinct values. */
    readonly values: readonly V[],
  ) {}

  get size4(): number {
    return this.vals4.length;
  }

  get size6(): number {
    return this.vals6.length;
  }

  /** Index of the IPv4 range holding `ip` (an unsigned 32-bit number), or -1. */
  find4(ip: number): number {
    const starts = this.starts4;
    let lo = 0;
    let hi = starts.length - 1;
    let r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= ip) {
        r = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return r >= 0 && this.ends4[r]! >= ip ? r : -1;
  }

  /** Index of the IPv6 range holding the address in words[at..at+3], or -1. */
  find6(words: ArrayLike<number>, at = 0): number {
    const starts = this.starts6;
    let lo = 0;
    let hi = this.vals6.length - 1;
    let r = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (compareWords(starts, mid * 4, words, at) <= 0) {
        r = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return r >= 0 && compareWords(this.ends6, r * 4, words, at) >= 0 ? r : -1;
  }

  /** Value of the IPv4 address, or undefined. */
  get4(ip: number): V | undefined {
    const r = this.find4(ip);
    return r < 0 ? undefined : this.values[this.vals4[r]!];
  }

  get6(words: ArrayLike<number>, at = 0): V | undefined {
    const r = this.find6(words, at);
    return r < 0 ? undefined : this.values[this.vals6[r]!];
  }
}

/** A Uint32Array that grows by doubling. */
class U32 {
  a = new Uint32Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
  view(): Uint32Array {
    return this.a.subarray(0, this.n);
  }
  /** An exact-size copy. */
  take(): Uint32Array {
    return this.a.slice(0, this.n);
  }
}

/** How the builder resolved overlapping ranges. */
export interface OverlapReport {
  /** Ranges that overlap a wider (or equal, earlier) range. */
  readonly count: number;
  /** A few of them, as "file:line inside file:line". */
  readonly examples: readonly string[];
}

const MAX_EXAMPLES = 5;

/** Collects ranges in any order; `build` sorts them and resolves overlaps (the narrower wins). */
export class RangeTableBuilder<V> {
  private readonly s4 = new U32();
  private readonly e4 = new U32();
  private readonly v4 = new U32();
  private readonly w4 = new U32();
  private readonly s6 = new U32();
  private readonly e6 = new U32();
  private readonly v6 = new U32();
  private readonly w6 = new U32();
  /** Where each range came from: source index * 2^26 + line would overflow; keep two arrays. */
  private readonly src4 = new U32();
  private readonly src6 = new U32();
  private readonly sources: string[] = [];
  private readonly values: V[] = [];
  private readonly index = new Map<V, number>();
  private overlaps4: OverlapReport = { count: 0, examples: [] };
  private overlaps6: OverlapReport = { count: 0, examples: [] };

  /** Name the file (or other source) the next ranges come from, for messages. */
  beginSource(label: string): void {
    this.sources.push(label);
  }

  /** Values are interned by identity (`Map` semantics): pass the same object or primitive for equal values. */
  private intern(value: V): number {
    let i = this.index.get(value);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value);
      this.index.set(value, i);
    }
    return i;
  }

  /** Add an IPv4 range; start and end are unsigned 32-bit numbers, start <= end. `line` is for messages. */
  add4(start: number, end: number, value: V, line = 0): void {
    this.s4.push(start);
    this.e4.push(end);
    this.v4.push(this.intern(value));
    this.w4.push(line);
    this.src4.push(Math.max(0, this.sources.length - 1));
  }

  /** Add an IPv6 range given as words (start[sa..sa+3], end[ea..ea+3]), start <= end. */
  add6(start: ArrayLike<number>, sa: number, end: ArrayLike<number>, ea: number, value: V, line = 0): void {
    for (let k = 0; k < 4; k++) {
      this.s6.push(start[sa + k] ?? 0);
      this.e6.push(end[ea + k] ?? 0);
    }
    this.v6.push(this.intern(value));
    this.w6.push(line);
    this.src6.push(Math.max(0, this.sources.length - 1));
  }

  /** Overlaps met by the last `build`. */
  get overlaps(): { readonly v4: OverlapReport; readonly v6: OverlapReport } {
    return { v4: this.overlaps4, v6: this.overlaps6 };
  }

  build(): RangeTable<V> {
    const t4 = this.build4();
    const t6 = this.build6();
    return new RangeTable<V>(t4[0], t4[1], t4[2], t6[0], t6[1], t6[2], this.values.slice());
  }

  private where(src: Uint32Array, lines: Uint32Array, i: number): string {
    const label = this.sources[src[i] ?? 0] ?? 'data';
    const line = lines[i] ?? 0;
    return line > 0 ? `${label}:${line}` : `${label} (range ${i + 1})`;
  }

  private build4(): [Uint32Array, Uint32Array, Uint32Array] {
    const s = this.s4.view();
    const e = this.e4.view();
    const v = this.v4.view();
    const n = v.length;
    let clean = true;
    for (let i = 1; i < n && clean; i++) if (s[i]! <= e[i - 1]!) clean = false;
    if (clean) return [this.s4.take(), this.e4.take(), this.v4.take()];

    // Sort by start ascending, wider first, and for identical ranges the first-added last (so it
    // ends innermost and wins). Then sweep with a stack of the ranges that cover the cursor.
    let sorted = true;
    for (let i = 1; i < n && sorted; i++)
      if (s[i]! < s[i - 1]! || (s[i] === s[i - 1] && e[i]! >= e[i - 1]!)) sorted = false;
    const order = sorted
      ? undefined
      : Array.from({ length: n }, (_, k) => k).sort((a, b) => s[a]! - s[b]! || e[b]! - e[a]! || b - a);
    const effEnd = Float64Array.from(e);
    const os = new U32();
    const oe = new U32();
    const ov = new U32();
    const emit = (from: number, to: number, val: number) => {
      if (from > to) return;
      const last = ov.n - 1;
      if (last >= 0 && ov.a[last] === val && oe.a[last]! + 1 === from) {
        oe.a[last] = to;
        return;
      }
      os.push(from);
      oe.push(to);
      ov.push(val);
    };
    const stack: number[] = [];
    let cursor = 0;
    let count = 0;
    const examples: string[] = [];
    for (let k = 0; k < n; k++) {
      const i = order ? order[k]! : k;
      while (stack.length > 0 && effEnd[stack[stack.length - 1]!]! < s[i]!) {
        const top = stack.pop()!;
        emit(cursor, effEnd[top]!, v[top]!);
        cursor = effEnd[top]! + 1;
      }
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        emit(cursor, s[i]! - 1, v[top]!);
        if (effEnd[i]! > effEnd[top]!) effEnd[i] = effEnd[top]!;
        count++;
        if (examples.length < MAX_EXAMPLES)
          examples.push(
            `${this.where(this.src4.view(), this.w4.view(), i)} inside ${this.where(this.src4.view(), this.w4.view(), top)}`,
          );
      }
      stack.push(i);
      cursor = s[i]!;
    }
    while (stack.length > 0) {
      const top = stack.pop()!;
      emit(cursor, effEnd[top]!, v[top]!);
      cursor = effEnd[top]! + 1;
    }
    this.overlaps4 = { count, examples };
    return [os.take(), oe.take(), ov.take()];
  }

  private build6(): [Uint32Array, Uint32Array, Uint32Array] {
    const s = this.s6.view();
    const e = this.e6.view();
    const v = this.v6.view();
    const n = v.length;
    let clean = true;
    for (let i = 1; i < n && clean; i++) if (compareWords(s, i * 4, e, (i - 1) * 4) <= 0) clean = false;
    if (clean) return [this.s6.take(), this.e6.take(), this.v6.take()];

    let sorted = true;
    for (let i = 1; i < n && sorted; i++) {
      const c = compareWords(s, i * 4, s, (i - 1) * 4);
      if (c < 0 || (c === 0 && compareWords(e, i * 4, e, (i - 1) * 4) >= 0)) sorted = false;
    }
    const order = sorted
      ? Array.from({ length: n }, (_, k) => k)
      : Array.from({ length: n }, (_, k) => k).sort(
          (a, b) => compareWords(s, a * 4, s, b * 4) || compareWords(e, b * 4, e, a * 4) || b - a,
        );
    const effEnd = e.slice();
    const os = new U32();
    const oe = new U32();
    const ov = new U32();
    const from = new Uint32Array(4);
    const to = new Uint32Array(4);
    // Set once a segment ended at the very last address: nothing can follow it.
    let exhausted = false;
    const emit = (val: number) => {
      if (exhausted || compareWords(from, 0, to, 0) > 0) return;
      for (let k = 0; k < 4; k++) {
        os.push(from[k]!);
        oe.push(to[k]!);
      }
      ov.push(val);
    };
    const stack: number[] = [];
    let count = 0;
    const examples: string[] = [];
    // Emit [from, effEnd[top]] for the popped top, then from = effEnd[top] + 1.
    const popTop = () => {
      const top = stack.pop()!;
      to.set(effEnd.subarray(top * 4, top * 4 + 4));
      emit(v[top]!);
      from.set(to);
      if (!increment(from)) exhausted = true;
    };
    for (const i of order) {
      while (stack.length > 0 && compareWords(effEnd, stack[stack.length - 1]! * 4, s, i * 4) < 0) popTop();
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        to.set(s.subarray(i * 4, i * 4 + 4));
        if (decrement(to)) emit(v[top]!);
        if (compareWords(effEnd, i * 4, effEnd, top * 4) > 0) effEnd.copyWithin(i * 4, top * 4, top * 4 + 4);
        count++;
        if (examples.length < MAX_EXAMPLES)
          examples.push(
            `${this.where(this.src6.view(), this.w6.view(), i)} inside ${this.where(this.src6.view(), this.w6.view(), top)}`,
          );
      }
      stack.push(i);
      from.set(s.subarray(i * 4, i * 4 + 4));
    }
    while (stack.length > 0) popTop();
    this.overlaps6 = { count, examples };
    return [os.take(), oe.take(), ov.take()];
  }
}

/** words += 1; false when it wrapped past the last address. */
function increment(w: Uint32Array): boolean {
  for (let k = 3; k >= 0; k--) {
    w[k] = (w[k]! + 1) >>> 0;
    if (w[k] !== 0) return true;
  }
  return false;
}

/** words -= 1; false when w was 0 (nothing before it). */
function decrement(w: Uint32Array): boolean {
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0) return false;
  for (let k = 3; k >= 0; k--) {
    const before = w[k]!;
    w[k] = (before - 1) >>> 0;
    if (before !== 0) return true;
  }
  return true;
}
