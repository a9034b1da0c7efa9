/**
 * The connector's `language` (Elastic's connector language codes: "en", "de", "pt-br", …) as
 * the name of an analyser built into both Elasticsearch and OpenSearch (issue 8: "the
 * connector's language analyser"). An unknown or empty code falls back to `standard`, so a
 * typo never stops a sync; the analyser is fixed when the index is created.
 */

const ANALYZERS: Record<string, string> = {
  ar: 'arabic',
  hy: 'armenian',
  eu: 'basque',
  bn: 'bengali',
  'pt-br': 'brazilian',
  bg: 'bulgarian',
  ca: 'catalan',
  // Chinese, Japanese and Korean: bigrams (cjk) are what both engines ship without plugins.
  zh: 'cjk',
  ja: 'cjk',
  ko: 'cjk',
  cs: 'czech',
  da: 'danish',
  nl: 'dutch',
  en: 'english',
  et: 'estonian',
  fi: 'finnish',
  fr: 'french',
  gl: 'galician',
  de: 'german',
  el: 'greek',
  hi: 'hindi',
  hu: 'hungarian',
  id: 'indonesian',
  ga: 'irish',
  it: 'italian',
  lv: 'latvian',
  lt: 'lithuanian',
  no: 'norwegian',
  nb: 'norwegian',
  nn: 'norwegian',
  fa: 'persian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  ckb: 'sorani',
  es: 'spanish',
  sv: 'swedish',
  tr: 'turkish',
  th: 'thai',
};

const NAMES = new Set(Object.values(ANALYZERS));

/**
 * `en`, `EN`, `en-US`, `en_GB` → english; `pt-BR` → brazilian (before the bare `pt`);
 * an analyser name itself (`german`) is accepted too. Anything else → standard.
 */
export function analyzerFor(language: string | null | undefined): string {
  if (!language) return 'standard';
  const code = language.trim().toLowerCase().replace(/_/g, '-');
  if (ANALYZERS[code]) return ANALYZERS[code];
  if (NAMES.has(code)) return code;
  const primary = code.split('-')[0];
  return ANALYZERS[primary] ?? 'standard';
}
