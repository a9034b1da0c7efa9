/**
 * The configuration tab: the form generated from the connector's registered configuration, or,
 * before the connector service registered one, from its source type's schema (then saved whole).
 */
import { Alert, Text } from '@mantine/core';
import { api } from '../api/client';
import type { Connector, SourceType } from '../api/types';
import { ConfigForm } from '../config-form/ConfigForm';
import { configurationWithValues } from '../config-form/fields';

export function ConfigurationTab({ connector: c, sourceType, onSaved, readOnly }: { connector: Connector; sourceType: SourceType | undefined; onSaved(): void; readOnly: boolean }) {
  const registered = Object.keys(c.configuration ?? {}).length > 0;
  const schema = registered ? c.configuration : sourceType?.configuration;
  if (!schema) {
    return <Alert color="yellow">No configuration schema is known for the service type [{c.service_type ?? 'none'}]: no connector service registered one, and this server has no such source.</Alert>;
  }
  return (
    <>
      {!registered && (
        <Text size="sm" c="dimmed" mb="sm">
          The {sourceType?.name ?? c.service_type} schema, not registered on the connector yet: saving registers it with these values.
        </Text>
      )}
      <ConfigForm
        // Not re-created when the service registers the schema meanwhile: what was typed stays.
        key={c.id}
        configuration={schema}
        readOnly={readOnly}
        onSave={async (values, form) => {
          // The connector service may have registered the schema since the page last polled:
          // then only values are sent, so its registration and this save cannot undo each other.
          const now = registered || Object.keys((await api.getConnector(c.id)).configuration ?? {}).length > 0;
          if (now) await api.putConfigurationValues(c.id, values);
          else await api.putConfiguration(c.id, configurationWithValues(schema, form));
          onSaved();
        }}
      />
    </>
  );
}
