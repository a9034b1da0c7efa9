/**
 * `/_ui/connectors/<id>/scheduling`: the full, incremental and access control schedules
 * (`scheduling.<type>.{enabled, interval}`), each a switch and a Quartz cron expression with
 * what it means in words and its next three runs (UTC). The expression is checked as it is typed
 * by the server's own rules; saving sends `PUT _connector/<id>/_scheduling` and shows the API's
 * reason inline when it refuses.
 */
import { Button, Card, Group, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Connector, JobType, ScheduleConfig, Scheduling } from '../api/types';
import { formatRun, previewCron } from './cron';
import { SaveResult, type SaveOutcome } from '../components/SaveResult';

const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };
const LABELS: Record<JobType, string> = { full: 'Full content sync', incremental: 'Incremental content sync', access_control: 'Access control sync' };
const DEFAULT: ScheduleConfig = { enabled: false, interval: '0 0 0 * * ?' };

export interface SchedulingTabProps {
  connector: Connector;
  /** Which schedule types the connector has (incremental and access control need the feature). */
  types: JobType[];
  readOnly: boolean;
  save(scheduling: Partial<Scheduling>): Promise<void>;
  now?: Date;
}

function ScheduleCard({ type, value, onChange, readOnly, now }: {
  type: JobType;
  value: ScheduleConfig;
  onChange(v: ScheduleConfig): void;
  readOnly: boolean;
  now?: Date;
}) {
  const preview = previewCron(value.interval, now);
  const id = `schedule-${type}`;
  return (
    <Card withBorder data-schedule={type}>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>{LABELS[type]}</Title>
          <Switch
            label="Enabled"
            aria-label={`${LABELS[type]} enabled`}
            name={`${type}.enabled`}
            checked={value.enabled}
            disabled={readOnly}
            onChange={(e) => onChange({ ...value, enabled: e.currentTarget.checked })}
          />
        </Group>
        <TextInput
          id={id}
          name={`${type}.interval`}
          label="Cron expression (Quartz: second minute hour day-of-month month day-of-week [year], UTC)"
          aria-label={`${LABELS[type]} cron expression`}
          styles={MONO}
          value={value.interval}
          readOnly={readOnly}
          error={preview.valid ? undefined : preview.reason}
          onChange={(e) => onChange({ ...value, interval: e.currentTarget.value })}
        />
        {preview.valid && (
          <>
            <Text size="sm" data-cron-sentence>
              {preview.sentence}
            </Text>
            <Text size="sm" c="dimmed" data-next-runs={preview.next.length}>
              {preview.next.length
                ? `Next runs${value.enabled ? '' : ' (when enabled)'}: ${preview.next.map(formatRun).join(' · ')}`
                : 'This expression never fires again.'}
            </Text>
          </>
        )}
      </Stack>
    </Card>
  );
}

export function SchedulingTab({ connector, types, readOnly, save, now }: SchedulingTabProps) {
  const [edited, setEdited] = useState<Partial<Scheduling>>({});
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<SaveOutcome | null>(null);
  const stored = (t: JobType) => connector.scheduling?.[t] ?? DEFAULT;
  const current = (t: JobType) => edited[t] ?? stored(t);
  const invalid = types.some((t) => !previewCron(current(t).interval).valid);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (invalid || readOnly) return;
    const body: Partial<Scheduling> = {};
    for (const t of types) body[t] = { enabled: current(t).enabled, interval: current(t).interval.trim() };
    setSaving(true);
    setResult(null);
    try {
      await save(body);
      setEdited({});
      setResult({ ok: true, message: 'Schedules saved' });
    } catch (err) {
      setResult({ ok: false, message: err instanceof ApiError ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Schedules">
      <Stack>
        {types.map((t) => (
          <ScheduleCard key={t} type={t} value={current(t)} readOnly={readOnly} now={now} onChange={(v) => setEdited((x) => ({ ...x, [t]: v }))} />
        ))}
        <SaveResult result={result} data-schedule-result={result?.ok ? 'ok' : 'error'} />
        {!readOnly && (
          <Group>
            <Button type="submit" loading={saving} disabled={invalid}>
              Save schedules
            </Button>
            {Object.keys(edited).length > 0 && (
              <Button variant="subtle" onClick={() => setEdited({})}>
                Discard changes
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}
