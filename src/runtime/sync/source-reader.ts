/**
 * Reads a source's async iterator under the runtime's control: each `next()` races the job's
 * stop signal and an idle timeout, so a source that hangs mid-stream fails the job with a
 * message instead of holding it `in_progress` forever, and a stop never waits on a source.
 */

export const STOPPED = Symbol('stopped');

export class SourceHungError extends Error {
  constructor(serviceType: string, idleMs: number) {
    super(
      `Source [${serviceType}] produced nothing for ${Math.round(idleMs / 1000)} s and looks hung; ` +
        'check that the source is reachable and responsive (or raise the worker\'s --source-idle-timeout), then sync again',
    );
    this.name = 'SourceHungError';
  }
}

export async function nextWithin<T, R>(
  it: AsyncIterator<T, R>,
  idleMs: number,
  signal: AbortSignal,
  serviceType: string,
): Promise<IteratorResult<T, R> | typeof STOPPED> {
  if (signal.aborted) return STOPPED;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      it.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SourceHungError(serviceType, idleMs)), idleMs);
      }),
      new Promise<typeof STOPPED>((resolve) => {
        onAbort = () => resolve(STOPPED);
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

/** Closes an iterator without waiting on a source that may be stuck. */
export function closeQuietly(it: AsyncIterator<unknown, unknown>): void {
  try {
    it.return?.(undefined)?.catch(() => {});
  } catch {
    // a generator that is running cannot be closed; it ends when its pending call does
  }
}
