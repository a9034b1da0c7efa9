/**
 * A debugging aid for tests and soak runs: with `TRIBUTARY_DEBUG_GC_MS=<ms>` and Node started
 * with `--expose-gc`, a full garbage collection is forced every <ms> (at least 10 ms), so that
 * native objects (SQLite statements and connections) are finalized while the process works,
 * not only when V8 feels like it. Off unless the variable is set; the timer never keeps the
 * process alive.
 */
import type { EnvName } from '../config/environment.js';

export const DEBUG_GC_ENV: EnvName = 'TRIBUTARY_DEBUG_GC_MS';

export function startDebugGc(env: NodeJS.ProcessEnv = process.env, warn: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): (() => void) | null {
  const raw = env[DEBUG_GC_ENV];
  if (raw === undefined || raw === '') return null;
  const gc = (globalThis as { gc?: () => void }).gc;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    warn(`tributary: ${DEBUG_GC_ENV}=${raw} is not a positive number of milliseconds; no forced collections`);
    return null;
  }
  if (typeof gc !== 'function') {
    warn(`tributary: ${DEBUG_GC_ENV} is set but Node was started without --expose-gc; no forced collections`);
    return null;
  }
  const timer = setInterval(() => gc(), Math.max(10, ms));
  timer.unref();
  return () => clearInterval(timer);
}
