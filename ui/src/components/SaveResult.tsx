/**
 * What a form's save answered, under the form: green and announced politely (`status`) when it
 * worked, red and announced at once (`alert`) when it did not. Used by the configuration,
 * scheduling and sync rules forms.
 */
import { Alert } from '@mantine/core';

export interface SaveOutcome {
  ok: boolean;
  message: string;
}

export function SaveResult({ result, ...data }: { result: SaveOutcome | null } & { [attribute: `data-${string}`]: string }) {
  if (!result) return null;
  return (
    <Alert color={result.ok ? 'green' : 'red'} role={result.ok ? 'status' : 'alert'} {...data}>
      {result.message}
    </Alert>
  );
}
