/**
 * `/_ui/connectors/<id>` and its tabs, each with its own URL: overview, `/configuration`,
 * `/scheduling`, `/sync-rules`, `/jobs`, `/documents`. The connector is polled (faster while a
 * sync runs); the sync buttons start on-demand jobs. Controls the user has no privilege for are
 * not offered (api/privileges.ts).
 */
import { Alert, Anchor, Button, Group, Loader, Tabs, Text, Title } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { usePoll } from '../api/poll';
import { useCapabilities } from '../api/privileges';
import type { Connector, JobType, Page, SourceType, SyncJob } from '../api/types';
import { ConnectorStatusBadge } from '../components/status';
import { ConfigurationTab } from './ConfigurationTab';
import { DocumentsTab } from './DocumentsTab';
import { JobsTab } from './JobsTab';
import { OverviewTab } from './OverviewTab';
import { SchedulingTab } from '../scheduling/SchedulingTab';

// Its own chunk: the rule checks bring the server's regular-expression engine (docs/ui.md "Size").
const SyncRulesTab = lazy(() => import('../sync-rules/SyncRulesTab'));

export type ConnectorTab = 'overview' | 'configuration' | 'scheduling' | 'sync-rules' | 'jobs' | 'documents';

const ACTIVE = new Set(['pending', 'in_progress', 'canceling']);

export function hasActiveJob(jobs: Page<SyncJob> | null | undefined): boolean {
  return (jobs?.results ?? []).some((j) => ACTIVE.has(j.status));
}

export function ConnectorPage({ tab }: { tab: ConnectorTab }) {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const jobs = usePoll((s) => api.listSyncJobs({ connector_id: id, size: 20 }, s), [id], {
    interval: (d) => (hasActiveJob(d as Page<SyncJob> | null) ? 1000 : 5000),
  });
  const running = hasActiveJob(jobs.data);
  // Faster while a sync runs or a saved draft of sync rules waits for the connector service.
  const connector = usePoll((s) => api.getConnector(id, s), [id], {
    interval: (d) => (running || (d as Connector | null)?.filtering?.[0]?.draft?.validation?.state === 'edited' ? 1500 : 5000),
  });
  const types = usePoll((s) => api.sourceTypes(s), [], { interval: 300_000 });
  const can = useCapabilities();
  const [actionError, setActionError] = useState<string | null>(null);
  const [starting, setStarting] = useState<JobType | null>(null);
  const c = connector.data;
  const sourceType: SourceType | undefined = types.data?.results.find((t) => t.service_type === c?.service_type);

  async function sync(type: JobType) {
    setStarting(type);
    setActionError(null);
    try {
      await api.startSync(id, type);
      jobs.refresh();
      connector.refresh();
      navigate(`/connectors/${encodeURIComponent(id)}/jobs`);
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      setStarting(null);
    }
  }

  if (!c) {
    return connector.error ? (
      <Alert color="red" role="alert" title="Cannot show this connector">
        {connector.error.message} · <Anchor component={Link} to="/connectors">All connectors</Anchor>
      </Alert>
    ) : (
      <Loader aria-label="Loading" />
    );
  }
  const incremental = c.features?.incremental_sync?.enabled ?? sourceType?.features.incremental_sync ?? false;
  const dls = c.features?.document_level_security?.enabled ?? false;
  const base = `/connectors/${encodeURIComponent(id)}`;

  return (
    <>
      <Text size="sm" mb="xs">
        <Anchor component={Link} to="/connectors">
          Connectors
        </Anchor>{' '}
        / {c.id}
      </Text>
      <Group justify="space-between" mb="md" align="start">
        <Group>
          <Title order={2}>{c.name || c.id}</Title>
          <ConnectorStatusBadge status={c.status} />
        </Group>
        {can?.sync && (
          <Group gap="xs">
            <Button onClick={() => sync('full')} loading={starting === 'full'}>
              Full sync
            </Button>
            {incremental && (
              <Button variant="light" onClick={() => sync('incremental')} loading={starting === 'incremental'}>
                Incremental sync
              </Button>
            )}
            {dls && (
              <Button variant="light" onClick={() => sync('access_control')} loading={starting === 'access_control'}>
                Access control sync
              </Button>
            )}
          </Group>
        )}
      </Group>
      {actionError && (
        <Alert color="red" mb="md" role="alert" withCloseButton onClose={() => setActionError(null)}>
          {actionError}
        </Alert>
      )}
      <Tabs value={tab} onChange={(t) => navigate(t === 'overview' ? base : `${base}/${t}`)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="configuration">Configuration</Tabs.Tab>
          <Tabs.Tab value="scheduling">Scheduling</Tabs.Tab>
          <Tabs.Tab value="sync-rules">Sync rules</Tabs.Tab>
          <Tabs.Tab value="jobs">Sync jobs{running ? ' (running)' : ''}</Tabs.Tab>
          <Tabs.Tab value="documents">Documents</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <OverviewTab connector={c} sourceType={sourceType} />
        </Tabs.Panel>
        <Tabs.Panel value="configuration">
          <ConfigurationTab connector={c} sourceType={sourceType} onSaved={connector.refresh} readOnly={!can?.configure} />
        </Tabs.Panel>
        <Tabs.Panel value="scheduling">
          <SchedulingTab
            connector={c}
            types={(['full', 'incremental', 'access_control'] as JobType[]).filter((t) => t === 'full' || (t === 'incremental' ? incremental : dls))}
            readOnly={!can?.schedule}
            save={async (s) => {
              await api.putScheduling(id, s);
              connector.refresh();
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="sync-rules">
          <Suspense fallback={<Loader aria-label="Loading" />}>
            <SyncRulesTab
              connector={c}
              readOnly={!can?.syncRules}
              advanced={c.features?.sync_rules?.advanced?.enabled ?? sourceType?.features.sync_rules.advanced ?? false}
              saveDraft={async (body) => {
                await api.putFilteringDraft(id, body);
                connector.refresh();
              }}
              activate={async () => {
                await api.activateFiltering(id);
                connector.refresh();
              }}
            />
          </Suspense>
        </Tabs.Panel>
        <Tabs.Panel value="jobs">
          <JobsTab jobs={jobs} canCancel={can?.cancelSync ?? false} />
        </Tabs.Panel>
        <Tabs.Panel value="documents">
          <DocumentsTab connector={c} />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

export type { Connector };
