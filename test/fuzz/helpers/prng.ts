/**
 * A small deterministic PRNG for the fuzz test (mulberry32, 32-bit state). Request `n` of seed
 * `s` draws from `Rng.forRequest(s, n)`, so it can be replayed alone (`FUZZ_ONLY=n`), whatever
 * ran before it.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static forRequest(seed: number, n: number): Rng {
    // splitmix-style mixing, so neighbouring request numbers get unrelated streams.
    let h = (seed ^ Math.imul(n + 1, 0x9e3779b9)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    return new Rng((h ^ (h >>> 16)) >>> 0);
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** An integer in [1, max], small ones far likelier (log-uniform). */
  size(max: number): number {
    return Math.max(1, Math.floor(Math.exp(this.next() * Math.log(max + 1))));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: `[[weight, value], …]`. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    const total = items.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return items[items.length - 1][1];
  }

  word(max = 12): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz';
    let s = '';
    for (let i = this.int(1, max); i > 0; i--) s += alphabet[this.int(0, 25)];
    return s;
  }
}
