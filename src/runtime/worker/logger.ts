/** Adapts a pino logger (the server's, or the worker CLI's) to Tributary's `Logger`. */
import type { BaseLogger } from 'pino';
import type { Logger } from '../../domain/shared/logger.js';

/** Fastify's logger is this part of pino's, so both adapt without a cast. */
type PinoLike = Pick<BaseLogger, 'info' | 'warn' | 'error' | 'debug'>;

export function pinoLog(p: PinoLike): Logger {
  return {
    info: (msg, extra) => (extra ? p.info(extra, msg) : p.info(msg)),
    warn: (msg, extra) => (extra ? p.warn(extra, msg) : p.warn(msg)),
    error: (msg, extra) => (extra ? p.error(extra, msg) : p.error(msg)),
    debug: (msg, extra) => (extra ? p.debug(extra, msg) : p.debug(msg)),
  };
}
