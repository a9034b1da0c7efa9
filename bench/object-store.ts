/**
 * The shape shared by the object-store source benchmarks (bench/s3-source.ts,
 * bench/azure-blob-source.ts, bench/gcs-source.ts; issue 17): N objects (BENCH_OBJECTS, default 2000) of K KiB of
 * text (BENCH_OBJECT_KB, default 16) across prefixes on a local test server, read per round
 * (BENCH_ROUNDS, default 2) by a raw client loop (listing pages of 1000, CONCURRENCY downloads
 * at once, bodies read whole) and by the source's full enumeration (same page size and
 * concurrency, plus text extraction and document building). Prints objects/s and MB/s of both
 * and the ratio.
 */
import { execFileSync } from 'node:child_process';
import { testContext } from '../src/sources/source.case.js';
import type { Source } from '../src/sources/source.js';

export const N = Number(process.env.BENCH_OBJECTS ?? 2000);
export const KB = Number(process.env.BENCH_OBJECT_KB ?? 16);
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
export const CONCURRENCY = 8;

export interface Counted {
  n: number;
  bytes: number;
}

/** The text of every object: K KiB of ASCII. */
export function benchBody(): string {
  return 'lorem ipsum dolor sit amet '.repeat(Math.ceil((KB * 1024) / 27)).slice(0, KB * 1024);
}

/** Object `i`'s key: spread over 20 × 13 prefixes. */
export function benchKey(i: number): string {
  return `p${i % 20}/q${i % 13}/object-${i}.txt`;
}

/** A source's full enumeration, counted; every document must carry its text. */
export async function readAll(src: Source): Promise<Counted> {
  let n = 0;
  let bytes = 0;
  for await (const d of src.getDocs(testContext())) {
    n++;
    if (typeof d.body !== 'string' || d.body.length === 0) throw new Error(`no body for ${d._id}`);
    bytes += Buffer.byteLength(d.body); // the text read (ASCII here: as many bytes as the object)
  }
  await src.close();
  return { n, bytes };
}

function line(label: string, r: Counted, ms: number): number {
  const rate = (r.n / ms) * 1000;
  console.log(`${label.padEnd(8)} ${r.n} objects ${(r.bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms: ${rate.toFixed(0)} objects/s, ${((r.bytes / 1e6 / ms) * 1000).toFixed(1)} MB/s`);
  return rate;
}

export function header(): void {
  console.log(`${new Date().toISOString()} | ${execFileSync('uptime').toString().trim()}`);
  console.log(`node ${process.version}; ${N} objects of ${KB} KiB; ${ROUNDS} rounds; ${CONCURRENCY} downloads at once`);
}

/** ROUNDS rounds of `raw` then `viaSource`; prints each and the source / raw ratios. */
export async function rounds(rawLabel: string, raw: () => Promise<Counted>, viaSource: () => Promise<Counted>): Promise<void> {
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    let t0 = performance.now();
    const rawRate = line(rawLabel, await raw(), performance.now() - t0);
    t0 = performance.now();
    const srcRate = line('source', await viaSource(), performance.now() - t0);
    ratios.push(srcRate / rawRate);
  }
  console.log(`source / raw: ${ratios.map((r) => `${(r * 100).toFixed(0)} %`).join(', ')}`);
}
