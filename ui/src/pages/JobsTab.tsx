/** The connector's sync jobs, newest first: status, type, trigger, counts, duration, error; cancel for running ones. */
import { Alert, Button, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client';
import type { Polled } from '../api/poll';
import type { Page, SyncJob } from '../api/types';
import { count, SyncStatusBadge, when } from '../components/status';

const CANCELLABLE = new Set(['pending', 'in_progress', 'suspended']);

export function duration(j: SyncJob, now = Date.now()): string {
  if (!j.started_at) return '—';
  const end = j.completed_at ? Date.parse(j.completed_at) : now;
  const s = Math.max(0, Math.round((end - Date.parse(j.started_at)) / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * The indexed volume: the bytes Tributary's worker records, else `indexed_document_volume`
 * (whole MiB, as Elasticsearch's connector service writes it).
 */
export function volume(j: SyncJob): string {
  const bytes = j.metadata?.tributary?.indexed_bytes ?? (typeof j.indexed_document_volume === 'number' ? j.indexed_document_volume * 1024 * 1024 : null);
  if (bytes === null) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** The per-document failures the worker listed for a job, folded. */
function Failures({ job }: { job: SyncJob }) {
  const list = job.metadata?.tributary?.failures ?? [];
  if (list.length === 0) return null;
  return (
    <details data-failures={job.id}>
      <summary>
        {list.length}
        {job.metadata?.tributary?.failures_truncated ? '+' : ''} document{list.length === 1 ? '' : 's'} failed
      </summary>
      <ul>
        {list.slice(0, 100).map((f) => (
          <li key={f.id}>
            <code>{f.id}</code>: {f.reason}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function JobsTab({ jobs, canCancel = true }: { jobs: Polled<Page<SyncJob>>; canCancel?: boolean }) {
  const [error, setError] = useState<string | null>(null);
  async function cancel(id: string) {
    try {
      await api.cancelSync(id);
      jobs.refresh();
    } catch (e) {
      setError((e as Error).message);
    }
  }
  const list = jobs.data?.results ?? [];
  return (
    <>
      {(error || jobs.error) && (
        <Alert color="red" mb="md" role="alert">
          {error ?? jobs.error?.message}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={900}>
        <Table striped aria-label="Sync jobs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Trigger</Table.Th>
              <Table.Th>Started</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th>Indexed</Table.Th>
              <Table.Th>Deleted</Table.Th>
              <Table.Th>Volume</Table.Th>
              <Table.Th>Error</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((j) => (
              <Table.Tr key={j.id} data-job={j.id} data-job-status={j.status}>
                <Table.Td>
                  <SyncStatusBadge status={j.status} />
                </Table.Td>
                <Table.Td>{j.job_type.replace('_', ' ')}</Table.Td>
                <Table.Td>{j.trigger_method.replace('_', ' ')}</Table.Td>
                <Table.Td>{when(j.started_at ?? j.created_at)}</Table.Td>
                <Table.Td>{duration(j)}</Table.Td>
                <Table.Td data-indexed>{count(j.indexed_document_count)}</Table.Td>
                <Table.Td>{count(j.deleted_document_count)}</Table.Td>
                <Table.Td>{volume(j)}</Table.Td>
                <Table.Td>
                  <Text size="sm" c="red">
                    {j.error ?? ''}
                  </Text>
                  <Failures job={j} />
                </Table.Td>
                <Table.Td>
                  {canCancel && CANCELLABLE.has(j.status) && (
                    <Button size="xs" variant="subtle" color="red" onClick={() => cancel(j.id)}>
                      Cancel
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {!jobs.loading && list.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={10}>
                  <Text c="dimmed">No sync has run yet.</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
