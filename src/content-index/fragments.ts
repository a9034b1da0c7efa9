/**
 * Highlight fragments (highlight.ts): FTS5 marks the matched tokens of a value with two control
 * characters; this cuts the marked text into fragments of about `fragment_size` characters
 * around the matches, in one pass over it (linear in the value's length). Each fragment holds
 * the matches that fall in it and scores their count; the best `number_of_fragments` are kept,
 * in text order (or by score with `order: score`). `number_of_fragments: 0` gives whole values.
 */

export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

export interface FragmentOptions {
  fragmentSize: number;
  fragments: number;
  pre: string;
  post: string;
  /** `order: score`: best fragments first (default: in text order). */
  byScore: boolean;
  /** `no_match_size`: characters from the start of the field when nothing matched. */
  noMatchSize: number;
  /** `encoder: html`: the text is HTML-escaped (not the tags). */
  html: boolean;
}

interface Span {
  s: number;
  e: number;
}

interface Fragment {
  value: number;
  start: number;
  end: number;
  spans: Span[];
}

/** The text without marks and the marked spans in it. */
function unmark(marked: string): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let text = '';
  let last = 0;
  let open = -1;
  for (let i = 0; i < marked.length; i++) {
    const c = marked.charCodeAt(i);
    if (c !== 1 && c !== 2) continue;
    text += marked.slice(last, i);
    last = i + 1;
    if (c === 1) open = text.length;
    else if (open >= 0) {
      spans.push({ s: open, e: text.length });
      open = -1;
    }
  }
  text += marked.slice(last);
  return { text, spans };
}

const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);

/** Fragments of the marked values (one marked string per value that matched). */
export function fragmentsOf(markedValues: string[], o: FragmentOptions): string[] {
  const values = markedValues.map(unmark);
  if (o.fragments === 0) return values.filter((v) => v.spans.length > 0).map((v) => render(v.text, 0, v.text.length, v.spans, o));
  const frags: Fragment[] = [];
  values.forEach(({ text, spans }, value) => {
    if (spans.length === 0) return;
    if (text.length <= o.fragmentSize) {
      frags.push({ value, start: 0, end: text.length, spans });
      return;
    }
    let prevEnd = 0;
    let k = 0;
    while (k < spans.length) {
      const first = spans[k];
      let start = Math.max(prevEnd, first.s - Math.floor(Math.max(0, o.fragmentSize - (first.e - first.s)) / 2));
      let end = Math.min(text.length, start + o.fragmentSize);
      if (end - start < o.fragmentSize) start = Math.max(prevEnd, end - o.fragmentSize);
      // Start at a word: skip a cut word's tail (never past the first match).
      if (start > 0 && !isSpace(text[start - 1])) {
        let i = start;
        while (i < first.s && !isSpace(text[i])) i++;
        if (i < first.s) start = i;
      }
      let j = k;
      while (j < spans.length && spans[j].s < end) {
        end = Math.max(end, spans[j].e); // a match is never cut
        j++;
      }
      // End at a word: drop a cut word's head (never before the last match's end).
      if (end < text.length && !isSpace(text[end])) {
        let i = end;
        const floor = spans[j - 1].e;
        while (i > floor && !isSpace(text[i - 1])) i--;
        if (i > floor) end = i;
      }
      frags.push({ value, start, end, spans: spans.slice(k, j) });
      prevEnd = end;
      k = j;
    }
  });
  const best = frags
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.spans.length - a.f.spans.length || a.i - b.i)
    .slice(0, o.fragments);
  if (!o.byScore) best.sort((a, b) => a.i - b.i);
  return best.map(({ f }) => render(values[f.value].text, f.start, f.end, f.spans, o));
}

function render(text: string, start: number, end: number, spans: Span[], o: FragmentOptions): string {
  const enc = o.html ? escapeHtml : (x: string) => x;
  let out = '';
  let at = start;
  for (const sp of spans) {
    if (sp.s < start || sp.e > end) continue;
    out += enc(text.slice(at, sp.s)) + o.pre + enc(text.slice(sp.s, sp.e)) + o.post;
    at = sp.e;
  }
  out += enc(text.slice(at, end));
  return start === 0 && end === text.length ? out : out.trim();
}

/** `no_match_size`: the start of the value, cut at a word boundary. */
export function noMatchFragment(value: string, o: FragmentOptions): string {
  let end = Math.min(value.length, o.noMatchSize);
  if (end < value.length && !isSpace(value[end])) {
    let i = end;
    while (i > 0 && !isSpace(value[i - 1])) i--;
    if (i > 0) end = i;
  }
  const text = value.slice(0, end).trim();
  return o.html ? escapeHtml(text) : text;
}

function escapeHtml(x: string): string {
  return x.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
