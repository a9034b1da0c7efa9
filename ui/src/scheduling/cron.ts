/**
 * A connector schedule's cron expression, as the scheduling tab shows it: checked and evaluated
 * by the server's own module (src/domain/shared/cron.ts, pure, docs/cron.md: Quartz syntax, UTC),
 * so the page accepts and fires exactly what the server does; described in English by cronstrue
 * (MIT), told that day-of-week 1 is Sunday as in Quartz.
 */
import cronstrue from 'cronstrue';
import { nextFireTime, validateCron } from '../../../src/domain/shared/cron';

export type CronPreview = { valid: true; sentence: string; next: Date[] } | { valid: false; reason: string };

/** Longer input is refused before parsing (the field is user-typed on every keystroke). */
const MAX_LENGTH = 256;

export function previewCron(expr: string, now: Date = new Date(), runs = 3): CronPreview {
  const e = expr.trim();
  if (e.length > MAX_LENGTH) return { valid: false, reason: `Invalid cron expression: longer than ${MAX_LENGTH} characters` };
  const check = validateCron(e);
  if (!check.valid) return check;
  const next: Date[] = [];
  let after = now;
  for (let i = 0; i < runs; i++) {
    const t = nextFireTime(e, after);
    if (t === null) break;
    next.push(t);
    after = t;
  }
  let sentence: string;
  try {
    sentence = `${cronstrue.toString(e, { dayOfWeekStartIndexZero: false, use24HourTimeFormat: true })} (UTC)`;
  } catch {
    sentence = e; // a form the describer does not know; the server's rules still accepted it
  }
  return { valid: true, sentence, next };
}

/** A fire time as the page lists it: UTC, to the second, unambiguous. */
export function formatRun(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

/** An enabled schedule in one line (the overview): its kind, what the cron means, its next run. */
export function scheduleLine(type: string, interval: string, now?: Date): string {
  const p = previewCron(interval, now, 1);
  const kind = type.replace('_', ' ');
  if (!p.valid) return `${kind}: ${interval} (invalid: ${p.reason})`;
  return `${kind}: ${p.sentence}; next ${p.next[0] ? formatRun(p.next[0]) : 'never'}`;
}
