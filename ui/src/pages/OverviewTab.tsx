/** The connector's overview: status, its error, the last sync, the index, and the enabled schedules with their next run. */
import { Alert, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import type { Connector, SourceType } from '../api/types';
import { ConnectorStatusBadge, count, SyncStatusBadge, when } from '../components/status';
import { scheduleLine } from '../scheduling/cron';
import { SourceIcon } from '../components/SourceIcon';

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase">
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** What to do about a connector in this status. */
export function nextStep(c: Connector): string | null {
  if (c.status === 'created') return 'The connector service has not picked this connector up yet; fill its configuration meanwhile.';
  if (c.status === 'needs_configuration') return 'Fill the configuration (required fields), then start a sync.';
  if (c.status === 'error') return 'Fix the configuration or the source named in the error, then sync again.';
  return null;
}

export function OverviewTab({ connector: c, sourceType }: { connector: Connector; sourceType: SourceType | undefined }) {
  const step = nextStep(c);
  const schedules = Object.entries(c.scheduling ?? {}).filter(([, s]) => s.enabled);
  return (
    <Stack>
      {c.error && (
        <Alert color="red" title="Error" role="alert">
          {c.error}
        </Alert>
      )}
      {step && <Alert color="blue">{step}</Alert>}
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Item label="Status">
          <ConnectorStatusBadge status={c.status} />
        </Item>
        <Item label="Source">
          <Group gap={6} wrap="nowrap">
            <SourceIcon serviceType={c.service_type} name={sourceType?.name} size="xs" />
            {sourceType ? `${sourceType.name} (${c.service_type})` : (c.service_type ?? '—')}
          </Group>
        </Item>
        <Item label="Index">{c.index_name ?? '—'}</Item>
        <Item label="Id">
          <Text ff="monospace">{c.id}</Text>
        </Item>
        <Item label="Last sync">
          <SyncStatusBadge status={c.last_sync_status} /> {when(c.last_synced)}
        </Item>
        <Item label="Documents indexed (last sync)">{count(c.last_indexed_document_count)}</Item>
        <Item label="Documents deleted (last sync)">{count(c.last_deleted_document_count)}</Item>
        <Item label="Last seen by the connector service">{when(c.last_seen)}</Item>
      </SimpleGrid>
      {c.last_sync_error && (
        <Alert color="orange" title="Last sync failed">
          {c.last_sync_error}
        </Alert>
      )}
      <Item label="Scheduled syncs">
        {schedules.length ? (
          schedules.map(([type, s]) => (
            <Text size="sm" key={type} data-next-sync={type}>
              {scheduleLine(type, s.interval)}
            </Text>
          ))
        ) : (
          <Text size="sm">none enabled</Text>
        )}
      </Item>
    </Stack>
  );
}
