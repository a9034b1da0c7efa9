/** Adapts a pino logger (the server's, or the worker CLI's) to the worker's logger shape. */
import type { Logger as Pino } from 'pino';

export function pinoLog(p: Pino) {
  return {
    info: (msg: string, extra?: object) => (extra ? p.info(extra, msg) : p.info(msg)),
    warn: (msg: string, extra?: object) => (extra ? p.warn(extra, msg) : p.warn(msg)),
    error: (msg: string, extra?: object) => (extra ? p.error(extra, msg) : p.error(msg)),
  };
}
