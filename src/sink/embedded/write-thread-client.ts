/**
 * The main thread's side of the embedded sink's write thread (write-thread.ts): a piscina pool
 * of one thread (piscina is the codebase's one worker-pool library), started on first use.
 */
import { Piscina } from 'piscina';
import { threadModule } from '../../platform/worker-thread.js';
import type { WriteReply, WriteRequest } from './write-thread.js';

export class WriteThreadError extends Error {
  constructor(
    message: string,
    readonly type?: string,
  ) {
    super(message);
    this.name = 'WriteThreadError';
  }
}

export class WriteThread {
  private readonly pool: Piscina<WriteRequest, WriteReply>;
  private closed = false;

  constructor(path: string, sliceMs: number) {
    this.pool = new Piscina({
      ...threadModule(import.meta.url, 'write-thread'),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 1,
      workerData: { path, sliceMs },
      // A smaller young generation than V8's default: the thread's garbage is one batch at a
      // time (measured: ~20 MB less peak RSS of the serving process, same rate).
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    // A thread that dies fails its task (the caller sees it); piscina also emits 'error', which
    // unheard would be thrown as an uncaught exception and take the server down.
    this.pool.on('error', () => {});
  }

  async call<T>(req: Exclude<WriteRequest, { op: 'close' }>): Promise<T> {
    if (this.closed) throw new Error('the embedded index write thread is closed');
    const reply = await this.pool.run(req);
    if ('error' in reply) throw new WriteThreadError(reply.error.message, reply.error.type);
    return reply.ok as T;
  }

  /** Closes the thread's connection (after the tasks queued before), then ends the thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.run({ op: 'close' }).catch(() => undefined);
    await this.pool.destroy();
  }
}
