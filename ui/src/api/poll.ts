/**
 * Live updates by polling (docs/ui.md "Live updates"): a loader runs now, then again after
 * `interval`; after a failure the wait doubles up to `maxInterval`, and returns to `interval`
 * after a success. While the tab is hidden nothing is polled; showing it polls at once.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface PollOptions {
  /** Wait after a success (ms); a function of the last data to poll faster while something runs. */
  interval: number | ((data: unknown) => number);
  maxInterval?: number;
}

export interface Polled<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  /** Poll now (after an action). */
  refresh(): void;
}

/** The wait before the next poll: `base` after a success, doubled per consecutive failure up to `max`. */
export function nextDelay(base: number, failures: number, max: number): number {
  return failures === 0 ? base : Math.min(max, base * 2 ** Math.min(failures, 16));
}

export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[], opts: PollOptions): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const optsRef = useRef(opts);
  optsRef.current = opts;
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    let stopped = false;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ctrl: AbortController | null = null;
    let last: unknown = null;
    const schedule = () => {
      if (stopped) return;
      const o = optsRef.current;
      const base = typeof o.interval === 'function' ? o.interval(last) : o.interval;
      timer = setTimeout(run, nextDelay(base, failures, o.maxInterval ?? 30_000));
    };
    const run = async () => {
      if (stopped) return;
      if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return schedule();
      ctrl = new AbortController();
      try {
        const d = await load(ctrl.signal);
        if (stopped) return;
        last = d;
        failures = 0;
        setData(d);
        setError(null);
      } catch (e) {
        if (stopped) return;
        failures++;
        setError(e as Error);
      } finally {
        if (!stopped) setLoading(false);
      }
      schedule();
    };
    const onVisible = () => {
      if (document.visibilityState === 'visible') {
        clearTimeout(timer);
        void run();
      }
    };
    setLoading(true);
    void run();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      ctrl?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);

  return { data, error, loading, refresh };
}
