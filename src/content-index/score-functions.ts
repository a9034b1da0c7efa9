/**
 * The per-document math of `function_score` (function-score.ts), registered as SQL functions on
 * every connection (schema.ts): `field_value_factor`, the decay functions and `random_score`.
 * Pure: no I/O. A missing value gives 1 (the function does not change the score).
 */

const MODIFIERS: Record<string, (v: number) => number> = {
  none: (v) => v,
  log: (v) => Math.log10(v),
  log1p: (v) => Math.log10(v + 1),
  log2p: (v) => Math.log10(v + 2),
  ln: (v) => Math.log(v),
  ln1p: (v) => Math.log1p(v),
  ln2p: (v) => Math.log(v + 2),
  square: (v) => v * v,
  sqrt: (v) => Math.sqrt(v),
  reciprocal: (v) => 1 / v,
};

export const FIELD_VALUE_MODIFIERS = new Set(Object.keys(MODIFIERS));

/** A score must be a finite non-negative number: anything else (log of 0, 1/0, negative) counts 0. */
function clean(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 0;
}

/** `ci_fvf(value, factor, modifier)`: modifier(factor × value); null value → 1. */
export function fieldValueFactor(value: unknown, factor: unknown, modifier: unknown): number {
  if (value === null || value === undefined) return 1;
  const v = Number(value) * Number(factor);
  const m = MODIFIERS[String(modifier)] ?? MODIFIERS.none;
  return clean(m(v));
}

/**
 * `ci_decay(shape, value, origin, scale, offset, decay)`: Elasticsearch's decay functions of the
 * distance max(0, |value − origin| − offset); `decay` is the score at `scale` beyond the offset.
 */
export function decayScore(shape: unknown, value: unknown, origin: unknown, scale: unknown, offset: unknown, decay: unknown): number {
  if (value === null || value === undefined) return 1;
  const d = Math.max(0, Math.abs(Number(value) - Number(origin)) - Number(offset));
  const s = Number(scale);
  const k = Number(decay);
  switch (shape) {
    case 'gauss': {
      const sigma2 = -(s * s) / (2 * Math.log(k));
      return clean(Math.exp(-(d * d) / (2 * sigma2)));
    }
    case 'exp':
      return clean(Math.exp((Math.log(k) / s) * d));
    default: {
      const span = s / (1 - k);
      return clean((span - d) / span);
    }
  }
}

/** `ci_random(seed, key)`: a uniform score in [0, 1) from a seed and a document key (murmur3's finaliser). */
export function randomScore(seed: unknown, key: unknown): number {
  let h = (Number(seed) | 0) ^ Math.imul(hashOf(key), 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

function hashOf(key: unknown): number {
  if (typeof key === 'number' && Number.isInteger(key)) return (key ^ Math.floor(key / 2 ** 32)) | 0;
  const s = String(key);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}
