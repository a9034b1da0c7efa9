/** Status badges with a colour per state, and short time and number formats. */
import { Badge } from '@mantine/core';
import type { ConnectorStatus, SyncStatus } from '../api/types';

const CONNECTOR_COLOURS: Record<ConnectorStatus, string> = {
  created: 'gray',
  needs_configuration: 'yellow',
  configured: 'blue',
  connected: 'green',
  error: 'red',
};
const SYNC_COLOURS: Record<SyncStatus, string> = {
  pending: 'gray',
  in_progress: 'blue',
  completed: 'green',
  error: 'red',
  canceling: 'orange',
  canceled: 'gray',
  suspended: 'yellow',
};

export function ConnectorStatusBadge({ status }: { status: ConnectorStatus }) {
  return (
    <Badge color={CONNECTOR_COLOURS[status] ?? 'gray'} variant="light" data-status={status}>
      {status.replace(/_/g, ' ')}
    </Badge>
  );
}

export function SyncStatusBadge({ status }: { status: SyncStatus | null | undefined }) {
  if (!status) return <span>—</span>;
  return (
    <Badge color={SYNC_COLOURS[status] ?? 'gray'} variant="dot" data-sync-status={status} style={{ minWidth: 'max-content' }}>
      {status.replace(/_/g, ' ')}
    </Badge>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleString();
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

export const CONNECTOR_STATUSES: ConnectorStatus[] = ['created', 'needs_configuration', 'configured', 'connected', 'error'];
