/**
 * Commander argument parsers for numeric flags: a bad value stops the command with
 * "error: option '--port <port>' argument 'abc' is invalid. <why>" before anything starts.
 * The checks themselves are src/app/option-values.ts. They return the string unchanged, so the
 * option types stay strings.
 */
import { InvalidArgumentError } from 'commander';
import { checkPort, checkPositiveInteger } from '../app/option-values.js';

function parser(check: (v: string) => string): (v: string) => string {
  return (v) => {
    try {
      return check(v);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
  };
}

export const port = parser(checkPort);
export const positiveInteger = parser((v) => checkPositiveInteger(v));
export const bytes = parser((v) => checkPositiveInteger(v, 'bytes'));
