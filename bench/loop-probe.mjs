/**
 * Preloaded into a benchmarked server (`node --import ./bench/loop-probe.mjs …`): samples the
 * process's event-loop delay (perf_hooks.monitorEventLoopDelay with a 1 ms timer). The histogram
 * records whole timer intervals, so the timer's own millisecond is subtracted: an idle loop
 * reads about 0. On SIGUSR2 it writes the delays seen since the previous signal (ms: p50, p99,
 * max, and how many samples) as JSON to the file named by BENCH_LOOP_FILE, then starts a new
 * window.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_FILE;
if (file) {
  const RESOLUTION_MS = 1;
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
  process.on('SIGUSR2', () => {
    writeFileSync(file, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count }));
    h.reset();
  });
}
