/**
 * The queue between a sync's producer (source) and consumer (sink), bounded in serialized
 * bytes, not items: a producer waits while the queue holds `capacity` bytes (one item larger
 * than the capacity still passes when the queue is empty). The consumer takes batches bounded
 * in count and bytes. `close()` ends it after what is queued; `fail()` wakes everybody.
 */

export interface Sized {
  bytes: number;
}

export class ByteQueue<T extends Sized> {
  private items: T[] = [];
  private head = 0;
  private used = 0;
  private closed = false;
  private error: unknown = null;
  private wakeProducer: (() => void) | null = null;
  private wakeConsumer: (() => void) | null = null;

  constructor(readonly capacity: number) {}

  get bytes(): number {
    return this.used;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  async push(item: T): Promise<void> {
    while (this.error === null && this.length > 0 && this.used + item.bytes > this.capacity) {
      await new Promise<void>((r) => (this.wakeProducer = r));
    }
    if (this.error !== null) throw this.error;
    if (this.closed) throw new Error('queue closed');
    this.items.push(item);
    this.used += item.bytes;
    this.wake('consumer');
  }

  /**
   * Up to `maxItems` / `maxBytes` (at least one item); [] once closed and drained. Once an item
   * is there, waits up to `lingerMs` for a fuller batch: one bulk request per document would
   * cost a round trip (or a transaction) each.
   */
  async take(maxItems: number, maxBytes: number, lingerMs = 0): Promise<T[]> {
    let deadline = 0;
    while (this.error === null && !this.closed && this.length < maxItems && this.used < maxBytes) {
      if (this.length === 0) {
        await new Promise<void>((r) => (this.wakeConsumer = r));
        continue;
      }
      deadline ||= Date.now() + lingerMs;
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        this.wakeConsumer = r;
        timer = setTimeout(r, left);
      });
      clearTimeout(timer);
    }
    if (this.error !== null) throw this.error;
    const out: T[] = [];
    let bytes = 0;
    while (this.length > 0 && out.length < maxItems) {
      const next = this.items[this.head];
      if (out.length > 0 && bytes + next.bytes > maxBytes) break;
      out.push(next);
      bytes += next.bytes;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.used -= bytes;
    this.wake('producer');
    return out;
  }

  close(): void {
    this.closed = true;
    this.wake('consumer');
  }

  fail(err: unknown): void {
    if (this.error === null) this.error = err ?? new Error('queue failed');
    this.wake('consumer');
    this.wake('producer');
  }

  private wake(who: 'producer' | 'consumer'): void {
    const w = who === 'producer' ? this.wakeProducer : this.wakeConsumer;
    if (who === 'producer') this.wakeProducer = null;
    else this.wakeConsumer = null;
    w?.();
  }
}
