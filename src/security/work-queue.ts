/**
 * A bounded queue for expensive work (issue 11 item 9: scrypt password checks): at most
 * `maxConcurrent` tasks run at once, at most `maxQueued` wait, and a task beyond both is refused
 * at once with `QueueFull` (the caller answers 429 `es_rejected_execution_exception`, as
 * Elasticsearch does when a thread pool's queue is full). Tasks start in arrival order.
 */
export class QueueFull extends Error {
  constructor(
    readonly pool: string,
    readonly running: number,
    readonly queued: number,
    readonly capacity: number,
  ) {
    super(`rejected execution of work on [${pool}]: queue capacity [${capacity}] reached ([${running}] running, [${queued}] queued)`);
  }
}

export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly name: string,
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; rejects with `QueueFull` at once when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) {
      if (this.waiting.length >= this.maxQueued) throw new QueueFull(this.name, this.running, this.waiting.length, this.maxQueued);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
