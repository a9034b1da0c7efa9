/**
 * `npm start --port 9300` (without `--`) hands `--port 9300` to npm, not to `tributary serve`:
 * npm keeps it as its own setting and exports it to the script as `npm_config_port=9300`, so the
 * server started on 9200 without a word (issue 12 item 10). Run through npm, `serve` looks for
 * `npm_config_port`, `npm_config_host` and `npm_config_data` and uses them when neither the flag
 * nor its TRIBUTARY_* variable was given, saying so, with the right spelling
 * (`npm start -- --port 9300`); otherwise it says which one it ignored.
 */

export const NPM_FLAGS = [
  { option: 'port', flag: '--port', env: 'TRIBUTARY_PORT' },
  { option: 'host', flag: '--host', env: 'TRIBUTARY_HOST' },
  { option: 'data', flag: '--data', env: 'TRIBUTARY_DATA' },
] as const;

export type NpmFlagOption = (typeof NPM_FLAGS)[number]['option'];

/**
 * Applies the flags npm swallowed to `o` where nothing else set them; returns one notice per
 * flag found. `fromCommandLine(option)` is true when the flag itself was given.
 */
export function applyNpmFlags(
  o: Record<NpmFlagOption, string>,
  fromCommandLine: (option: NpmFlagOption) => boolean,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (!env.npm_lifecycle_event) return [];
  const notices: string[] = [];
  for (const f of NPM_FLAGS) {
    const value = env[`npm_config_${f.option}`];
    // npm exports a flag given without a value as "true"; nothing to use.
    if (value === undefined || value === '' || value === 'true') continue;
    const spelled = `npm ${env.npm_lifecycle_event === 'start' ? 'start' : `run ${env.npm_lifecycle_event}`} -- ${f.flag} ${value}`;
    if (fromCommandLine(f.option) || env[f.env] !== undefined) {
      notices.push(`npm took ${f.flag} ${value} as its own option (npm_config_${f.option}); ignored, since ${fromCommandLine(f.option) ? f.flag : f.env} is given. To pass it to tributary: ${spelled}`);
      continue;
    }
    o[f.option] = value;
    notices.push(`npm took ${f.flag} ${value} as its own option (npm_config_${f.option}); using it. Write ${spelled} to pass flags to tributary.`);
  }
  return notices;
}
