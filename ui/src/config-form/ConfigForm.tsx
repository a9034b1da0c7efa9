/**
 * The configuration form generated from a registered schema (docs/ui.md "Configuration form"):
 * one input per `display` (textbox, textarea, numeric, toggle, dropdown, list), `required` and
 * `validations` checked inline, fields hidden by `depends_on`, `tooltip` as the description,
 * sensitive fields as password inputs that start empty and are sent only when typed into.
 */
import { Button, Group, NativeSelect, PasswordInput, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import type { ConfigScalar, Configuration } from '../api/types';
import { formErrors, hasStoredValue, initialValues, isToggle, isVisible, orderedKeys, valuesToSend, type FieldValue, type FormValues } from './fields';
import { SaveResult, type SaveOutcome } from '../components/SaveResult';

export interface ConfigFormProps {
  configuration: Configuration;
  /** Saves the typed `values` (sensitive ones only when typed); rejects with a message to show. */
  onSave(values: Record<string, ConfigScalar>, form: FormValues): Promise<void>;
  readOnly?: boolean;
}

export function ConfigForm({ configuration, onSave, readOnly = false }: ConfigFormProps) {
  const [values, setValues] = useState<FormValues>(() => initialValues(configuration));
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<SaveOutcome | null>(null);
  const errors = useMemo(() => formErrors(configuration, values), [configuration, values]);
  const keys = orderedKeys(configuration).filter((k) => isVisible(configuration, values, k));

  const set = (key: string, v: FieldValue) => {
    setValues((old) => ({ ...old, [key]: v }));
    setResult(null);
  };

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setSaving(true);
    try {
      await onSave(valuesToSend(configuration, values), values);
      setResult({ ok: true, message: 'Configuration saved' });
      // A typed secret is not kept in the form once saved.
      setValues((old) => {
        const next = { ...old };
        for (const k of Object.keys(configuration)) if (configuration[k].sensitive) next[k] = '';
        return next;
      });
    } catch (e) {
      setResult({ ok: false, message: (e as Error).message });
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Configuration">
      <Stack gap="sm" maw={640}>
        {keys.map((k) => {
          const e = configuration[k];
          const v = values[k];
          const id = `config-${k}`;
          const error = showErrors ? errors[k] : undefined;
          const common = { id, name: k, label: e.label, description: e.tooltip ?? undefined, required: e.required === true, error, disabled: readOnly, 'data-field': k };
          if (isToggle(e)) {
            return <Switch key={k} {...common} checked={v === true} onChange={(ev) => set(k, ev.currentTarget.checked)} />;
          }
          if (e.sensitive) {
            const stored = hasStoredValue(e);
            return (
              <PasswordInput
                key={k}
                {...common}
                autoComplete="new-password"
                placeholder={stored ? 'Stored — type to replace' : (e.placeholder ?? '')}
                value={String(v)}
                onChange={(ev) => set(k, ev.currentTarget.value)}
              />
            );
          }
          if (e.display === 'dropdown') {
            const data = [{ label: '—', value: '' }, ...(e.options ?? []).map((o) => ({ label: o.label, value: String(o.value) }))];
            return <NativeSelect key={k} {...common} data={data} value={String(v)} onChange={(ev) => set(k, ev.currentTarget.value)} />;
          }
          if (e.display === 'textarea') {
            return <Textarea key={k} {...common} autosize minRows={2} maxRows={8} placeholder={e.placeholder} value={String(v)} onChange={(ev) => set(k, ev.currentTarget.value)} />;
          }
          const numeric = e.display === 'numeric' || e.type === 'int';
          const list = e.display === 'list' || e.type === 'list';
          return (
            <TextInput
              key={k}
              {...common}
              inputMode={numeric ? 'numeric' : undefined}
              placeholder={e.placeholder ?? (list ? 'comma-separated' : undefined)}
              value={String(v)}
              onChange={(ev) => set(k, ev.currentTarget.value)}
            />
          );
        })}
        <SaveResult result={result} />
        {!readOnly && (
          <Group>
            <Button type="submit" loading={saving}>
              Save configuration
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
