/**
 * How a worker-thread pool (piscina) finds its thread module, from the compiled build or from
 * the sources. Used by the search threads (`content-index/read-pool.ts`) and the extraction
 * threads (`extraction/extract-pool.ts`). `platform/` holds process-level helpers that
 * several layers need and that are not domain logic; it imports nothing of ours.
 */

/**
 * The thread file beside `callerUrl` (`<base>.js` in the build, `<base>.ts` from the sources),
 * and the options the thread needs. Threads inherit the process's options (`execArgv`
 * undefined) unless tsx must be added: running from the sources, `bin/tributary.js` registers
 * tsx programmatically, which threads do not inherit. Given explicitly in any other case,
 * Node 24 refuses some options for threads (ERR_WORKER_INVALID_EXEC_ARGV, e.g. under its test
 * runner).
 */
export function threadModule(callerUrl: string, base: string): { filename: string; execArgv?: string[] } {
  const ts = callerUrl.endsWith('.ts');
  const filename = new URL(`./${base}.${ts ? 'ts' : 'js'}`, callerUrl).href;
  if (!ts || process.execArgv.some((a) => a.includes('tsx'))) return { filename };
  return { filename, execArgv: [...loaderOptions(process.execArgv), '--import', import.meta.resolve('tsx')] };
}

/** Options that take the next argument as their value. */
const WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/**
 * The options a thread needs to load modules as the process does (`--import`, `--require`,
 * `--loader`, `--conditions`, `--experimental-*`), without the process-wide ones that
 * `new Worker` refuses (`--expose-gc`, `--max-old-space-size`, …: ERR_WORKER_INVALID_EXEC_ARGV).
 */
export function loaderOptions(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    if (WITH_VALUE.has(a)) {
      if (i + 1 < execArgv.length) out.push(a, execArgv[++i]);
    } else if (/^--(import|require|loader|experimental-loader|conditions)=/.test(a) || /^--experimental-[a-z-]+(=|$)/.test(a) || a === '--enable-source-maps') {
      out.push(a);
    }
  }
  return out;
}
