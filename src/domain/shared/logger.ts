/**
 * The one logger shape of Tributary: sources, sinks, the sync runtime and the worker log
 * through it, and the composition (app/) adapts pino to it. `extra` is structured context
 * (pino's merge object), never part of the message.
 */
export interface Logger {
  info(msg: string, extra?: object): void;
  warn(msg: string, extra?: object): void;
  error(msg: string, extra?: object): void;
  /** Optional: only adapters with a debug level provide it. */
  debug?(msg: string, extra?: object): void;
}

/** Drops everything (tests, and callers that pass no logger). */
export const silentLogger: Logger = Object.freeze({ info() {}, warn() {}, error() {} });
