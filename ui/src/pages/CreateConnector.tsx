/**
 * `/_ui/connectors/new`: pick a registered source type (`GET _tributary/source_types`), then
 * name, index and optionally an id; the API's own validation messages are shown as they come.
 */
import { Alert, Button, Card, Group, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client';
import { SourceIcon } from '../components/SourceIcon';
import { usePoll } from '../api/poll';

/** An index name from a connector name, as Kibana suggests it. */
export function suggestIndex(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug ? `search-${slug}`.slice(0, 200) : '';
}

export function CreateConnector() {
  const navigate = useNavigate();
  const types = usePoll((s) => api.sourceTypes(s), [], { interval: 300_000 });
  const [serviceType, setServiceType] = useState('');
  const [name, setName] = useState('');
  const [index, setIndex] = useState('');
  const [indexTouched, setIndexTouched] = useState(false);
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const indexName = indexTouched ? index : suggestIndex(name);

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    if (!serviceType) return setError('Pick a source type');
    if (!name.trim()) return setError('Give the connector a name');
    setSaving(true);
    setError(null);
    try {
      const res = await api.createConnector({ id: id.trim() || undefined, name: name.trim(), index_name: indexName.trim(), service_type: serviceType });
      const created = res.id ?? id.trim();
      navigate(`/connectors/${encodeURIComponent(created)}/configuration`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="New connector">
      <Title order={2} mb="md">
        New connector
      </Title>
      {types.error && <Alert color="red" mb="md">{types.error.message}</Alert>}
      <Radio.Group label="Source" value={serviceType} onChange={setServiceType} name="service_type" mb="lg" required>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} mt="xs">
          {(types.data?.results ?? []).map((t) => (
            <Card key={t.service_type} withBorder padding="sm" data-source-type={t.service_type}>
              <Group gap="sm" wrap="nowrap" align="start">
                <SourceIcon serviceType={t.service_type} name={t.name} size="md" />
                <Radio value={t.service_type} label={t.name} description={`${t.service_type} · ${[
                  t.features.incremental_sync && 'incremental sync',
                  t.features.document_level_security && 'document-level security',
                  t.features.sync_rules.advanced && 'advanced sync rules',
                ].filter(Boolean).join(' · ') || 'full sync'}`} />
              </Group>
            </Card>
          ))}
        </SimpleGrid>
      </Radio.Group>
      <Stack maw={480} gap="sm">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label="Index name"
          description="Where the synced documents go; created on the first sync."
          required
          value={indexName}
          onChange={(e) => {
            setIndexTouched(true);
            setIndex(e.currentTarget.value);
          }}
        />
        <TextInput label="Id" description="Optional: the server picks one when empty." value={id} onChange={(e) => setId(e.currentTarget.value)} />
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={saving}>
            Create connector
          </Button>
          <Text size="sm" c="dimmed">
            Then fill its configuration.
          </Text>
        </Group>
      </Stack>
    </form>
  );
}
