/**
 * Checks of the numeric options (ports, byte sizes, counts), shared by the command line (which
 * reports a bad flag before anything starts) and `serve()` (whose values may also come from
 * TRIBUTARY_* variables, which the command line takes as defaults without parsing). Each returns
 * the value unchanged or throws an Error saying what is expected (issue 12 item 10: `--port abc`
 * gave "options.port should be >= 0 … Received type number (NaN)").
 */

const DIGITS = /^\d+$/;

export function checkPort(value: string): string {
  const v = value.trim();
  if (!DIGITS.test(v) || Number(v) > 65535) throw new Error(`[${value}] is not a port number: expected an integer from 0 to 65535 (0 picks a free port)`);
  return v;
}

export function checkPositiveInteger(value: string, unit = ''): string {
  const v = value.trim();
  if (!DIGITS.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw new Error(`[${value}] is not a positive integer${unit ? ` (${unit})` : ''}`);
  }
  return v;
}

/** Runs `check` on an option's value; the error names the flag and its environment variable. */
export function checkOption<T extends string | undefined>(value: T, flag: string, env: string | null, check: (v: string) => string): T {
  if (value === undefined) return value;
  try {
    return check(value) as T;
  } catch (e) {
    throw new Error(`${flag}${env ? ` (or ${env})` : ''}: ${(e as Error).message}`);
  }
}
