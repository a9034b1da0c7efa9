/**
 * A counting semaphore over an amount (bytes, threads): `acquire(n)` waits until `n` fits under
 * the capacity, first come first served. Bounds what is held or run at once across the process:
 * the extraction threads (extract-pool.ts), the directory source's whole-file bytes
 * (docs/sources/directory.md "Limits").
 */
export class Budget {
  private used = 0;
  private readonly waiting: { n: number; go: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Takes `min(n, capacity)`; returns the function that gives it back (call it once). */
  async acquire(n: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw signal.reason;
    const amount = Math.max(0, Math.min(n, this.capacity));
    if (this.waiting.length === 0 && this.used + amount <= this.capacity) {
      this.used += amount;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          const i = this.waiting.indexOf(item);
          if (i >= 0) {
            this.waiting.splice(i, 1);
            reject(signal!.reason);
            this.drain();
          }
        };
        const item = {
          n: amount,
          go: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        this.waiting.push(item);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= amount;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiting.length && this.used + this.waiting[0].n <= this.capacity) {
      const next = this.waiting.shift()!;
      this.used += next.n;
      next.go();
    }
  }
}
