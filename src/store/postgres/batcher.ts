/**
 * Combines the calls of concurrent requests into one statement (group commit for writes, one
 * `= ANY($1)` lookup for reads): the calls made while a batch runs, or in the same event-loop
 * turn, go out together as the next one. At most `maxInFlight` batches run at once (each holds a
 * pooled connection) and a batch holds at most `maxBatch` calls, so the statement and its
 * answer stay bounded. A batch that fails as a whole is settled by `runEach`, call by call,
 * when the failure may belong to one call only (a uniqueness clash): the others are not
 * failed with it.
 */
export interface BatchRunner<I, O> {
  /** Runs the whole batch; one result per item, in order. */
  runAll(items: I[]): Promise<O[]>;
  /** Runs one item alone (a batch of one, or each item after `runAll` failed with `retryEach`). */
  runOne(item: I): Promise<O>;
  /** Whether `runAll`'s error should be retried item by item instead of failing every item. */
  retryEach?(err: unknown): boolean;
}

interface Pending<I, O> {
  item: I;
  resolve(o: O): void;
  reject(e: unknown): void;
}

export class Batcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly runner: BatchRunner<I, O>,
    private readonly maxBatch = 128,
    private readonly maxInFlight = 2,
  ) {}

  push(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // The rest of this turn's calls join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }

  private async run(batch: Pending<I, O>[]): Promise<void> {
    if (batch.length === 1) return settle(batch[0], () => this.runner.runOne(batch[0].item));
    let out: O[];
    try {
      out = await this.runner.runAll(batch.map((p) => p.item));
    } catch (e) {
      if (this.runner.retryEach?.(e)) {
        for (const p of batch) await settle(p, () => this.runner.runOne(p.item));
      } else for (const p of batch) p.reject(e);
      return;
    }
    batch.forEach((p, i) => p.resolve(out[i]));
  }
}

async function settle<I, O>(p: Pending<I, O>, fn: () => Promise<O>): Promise<void> {
  try {
    p.resolve(await fn());
  } catch (e) {
    p.reject(e);
  }
}
