/**
 * `/_ui/connectors`: the connectors, a page at a time (`GET _connector?from&size`), filtered by
 * text (`query`), type (`service_type`) and status; the filters and the page are in the URL.
 * `GET _connector` has no status filter (in Elasticsearch either), so with a status chosen the
 * list is read as Kibana reads it, by searching `.elastic-connectors` (api.searchConnectors):
 * the same connectors and order, filtered and paged by the server over all of them.
 */
import { Alert, Anchor, Button, Group, Pagination, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError } from '../api/client';
import { usePoll } from '../api/poll';
import { useCapabilities } from '../api/privileges';
import type { ConnectorStatus } from '../api/types';
import { SourceIcon } from '../components/SourceIcon';
import { CONNECTOR_STATUSES, ConnectorStatusBadge, count, SyncStatusBadge, when } from '../components/status';

export const PAGE_SIZE = 25;

export function ConnectorsList() {
  const [params, setParams] = useSearchParams();
  const text = params.get('q') ?? '';
  const type = params.get('type') ?? '';
  const status = (params.get('status') ?? '') as ConnectorStatus | '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const can = useCapabilities();
  const [draft, setDraft] = useState(text);
  useEffect(() => setDraft(text), [text]);

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  };
  // The text filter follows typing after a short pause.
  useEffect(() => {
    if (draft === text) return;
    const t = setTimeout(() => update({ q: draft }), 300);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft]);

  const types = usePoll((s) => api.sourceTypes(s), [], { interval: 300_000 });
  const typeNames = new Map((types.data?.results ?? []).map((t) => [t.service_type, t.name]));
  const list = usePoll(
    (s) => {
      const q = { from: (page - 1) * PAGE_SIZE, size: PAGE_SIZE, query: text || undefined, service_type: type ? [type] : undefined };
      return status ? api.searchConnectors({ ...q, status: [status] }, s) : api.listConnectors(q, s);
    },
    [text, type, status, page],
    { interval: 5000 },
  );
  const rows = list.data?.results ?? [];
  const denied = status && list.error instanceof ApiError && list.error.status === 403;
  const pages = Math.max(1, Math.ceil((list.data?.count ?? 0) / PAGE_SIZE));

  return (
    <>
      <Group justify="space-between" mb="md">
        <Title order={2}>Connectors</Title>
        {can?.createConnector && (
          <Button component={Link} to="/connectors/new">
            New connector
          </Button>
        )}
      </Group>
      <Group mb="md" align="end">
        <TextInput label="Search" placeholder="name, description or index" value={draft} onChange={(e) => setDraft(e.currentTarget.value)} w={280} />
        <Select
          label="Type"
          placeholder="any"
          clearable
          data={(types.data?.results ?? []).map((t) => ({ value: t.service_type, label: t.name }))}
          value={type || null}
          onChange={(v) => update({ type: v ?? '' })}
          w={200}
        />
        <Select
          label="Status"
          placeholder="any"
          clearable
          data={CONNECTOR_STATUSES.map((s) => ({ value: s, label: s.replace(/_/g, ' ') }))}
          value={status || null}
          onChange={(v) => update({ status: v ?? '' })}
          w={200}
        />
      </Group>
      {list.error && (
        <Alert color="red" mb="md" role="alert">
          {denied ? 'Filtering by status searches the .elastic-connectors index: your user needs the read privilege on it. Clear the status filter to list connectors.' : list.error.message}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover aria-label="Connectors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Id</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last sync</Table.Th>
              <Table.Th>Documents</Table.Th>
              <Table.Th>Index</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.id} data-connector={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/connectors/${encodeURIComponent(c.id)}`}>
                    {c.name || c.id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {c.id}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <SourceIcon serviceType={c.service_type} name={typeNames.get(c.service_type ?? '')} size="xs" />
                    <Text size="sm">{c.service_type ?? '—'}</Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <ConnectorStatusBadge status={c.status} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <SyncStatusBadge status={c.last_sync_status} />
                    <Text size="sm">{when(c.last_synced)}</Text>
                  </Group>
                </Table.Td>
                <Table.Td>{count(c.last_indexed_document_count)}</Table.Td>
                <Table.Td>{c.index_name ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
            {!list.loading && rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <Text c="dimmed">{status || text || type ? 'No connector matches these filters.' : 'No connectors yet.'}</Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between" mt="md">
        <Text size="sm" c="dimmed">
          {count(list.data?.count ?? 0)} connectors
        </Text>
        {pages > 1 && <Pagination total={pages} value={page} onChange={(p) => update({ page: String(p) })} />}
      </Group>
    </>
  );
}
