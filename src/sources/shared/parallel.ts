/**
 * Ordered concurrent map over an async iterable: up to `n` calls of `fn` in flight, results in
 * input order. The directory source reads and extracts several files at once, and the
 * object-store sources download `concurrent_downloads` objects at once, while the walk or
 * listing stays a stream (one page held).
 */
export async function* mapOrdered<T, R>(src: AsyncIterable<T>, n: number, fn: (item: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  for await (const item of src) {
    const p = fn(item);
    p.catch(() => {}); // rejections surface when awaited below, in order
    window.push(p);
    if (window.length >= n) yield await window.shift()!;
  }
  while (window.length) yield await window.shift()!;
}
