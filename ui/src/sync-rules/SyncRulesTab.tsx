/**
 * `/_ui/connectors/<id>/sync-rules`: the draft → validation → active flow as Kibana shows it.
 * The user edits the draft (basic rules table, advanced rules JSON), saves it (`PUT
 * _connector/<id>/_filtering`, state `edited`); the connector service validates it (`valid` /
 * `invalid` with its errors) and activates a valid one; a valid draft not active yet can be
 * activated here (`PUT _connector/<id>/_filtering/_activate`). Loaded on demand (its checks use
 * the server's regular-expression engine).
 */
import { ActionIcon, Alert, Badge, Button, Group, Loader, NativeSelect, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { ApiError } from '../api/client';
import type { Connector, RuleCondition, RulePolicy } from '../api/types';
import { SaveResult, type SaveOutcome } from '../components/SaveResult';
import {
  CONDITIONS, DEFAULT_RULE, draftBody, draftStatus, editableRules, filteringOf, move, newRuleId, POLICIES, ruleProblems, snippetProblem, snippetText,
  type EditableRule,
} from './rules';

export interface SyncRulesTabProps {
  connector: Connector;
  readOnly: boolean;
  /** The source has advanced rules (`features.sync_rules.advanced`). */
  advanced: boolean;
  saveDraft(body: ReturnType<typeof draftBody>): Promise<void>;
  activate(): Promise<void>;
}

const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };
const conditionLabel = (c: string) => CONDITIONS.find((x) => x.value === c)?.label ?? c;

function DraftState({ connector, readOnly, activate }: Pick<SyncRulesTabProps, 'connector' | 'readOnly' | 'activate'>) {
  const f = filteringOf(connector.filtering);
  const status = draftStatus(f);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (status === 'edited') {
    return (
      <Alert color="yellow" title="Draft being validated" data-draft-state="edited" icon={<Loader size="xs" />}>
        The connector service checks the draft the next time it sees this connector, then activates it when it is valid.
      </Alert>
    );
  }
  if (status === 'invalid') {
    return (
      <Alert color="red" title="Draft rules are invalid" role="alert" data-draft-state="invalid">
        <Stack gap={4}>
          {(f?.draft.validation.errors ?? []).flatMap((e) => e.messages).map((m, i) => (
            <Text size="sm" key={i}>
              {m}
            </Text>
          ))}
          <Text size="sm">Fix the draft below and save it again; the active rules stay in force meanwhile.</Text>
        </Stack>
      </Alert>
    );
  }
  if (status === 'valid-pending') {
    return (
      <Alert color="green" title="Draft rules are valid" data-draft-state="valid">
        <Group justify="space-between">
          <Text size="sm">They apply from the next sync once activated.</Text>
          {!readOnly && (
            <Button
              size="xs"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  await activate();
                } catch (e) {
                  setError((e as Error).message);
                } finally {
                  setBusy(false);
                }
              }}
            >
              Activate draft rules
            </Button>
          )}
        </Group>
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
      </Alert>
    );
  }
  return (
    <Alert color="gray" data-draft-state="active">
      The draft is the active rule set.
    </Alert>
  );
}

function ActiveRules({ connector }: { connector: Connector }) {
  const active = filteringOf(connector.filtering)?.active;
  const rules = [...editableRules(active), DEFAULT_RULE];
  const snippet = snippetText(active);
  return (
    <Stack gap="xs" data-active-rules>
      <Title order={4}>Active rules</Title>
      <Table.ScrollContainer minWidth={480}>
        <Table withTableBorder striped>
          <RuleHeader />
          <Table.Tbody>
            {rules.map((r, i) => (
              <Table.Tr key={r.id} data-active-rule={r.id}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>{r.policy}</Table.Td>
                <Table.Td ff="monospace">{r.field}</Table.Td>
                <Table.Td>{conditionLabel(r.rule)}</Table.Td>
                <Table.Td ff="monospace">{r.value}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {snippet && (
        <Text component="pre" size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap' }}>
          {snippet}
        </Text>
      )}
    </Stack>
  );
}

/** The column headers of a rules table (active rules; the draft's, with an Order column when editable). */
function RuleHeader({ order = false }: { order?: boolean }) {
  return (
    <Table.Thead>
      <Table.Tr>
        <Table.Th>#</Table.Th>
        <Table.Th>Policy</Table.Th>
        <Table.Th>Field</Table.Th>
        <Table.Th>Rule</Table.Th>
        <Table.Th>Value</Table.Th>
        {order && <Table.Th>Order</Table.Th>}
      </Table.Tr>
    </Table.Thead>
  );
}

export function SyncRulesTab({ connector, readOnly, advanced, saveDraft, activate }: SyncRulesTabProps) {
  const draft = filteringOf(connector.filtering)?.draft;
  // Local edits; until the first one, the page follows the stored draft as it is polled.
  const [rules, setRules] = useState<EditableRule[] | null>(null);
  const [snippet, setSnippet] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [result, setResult] = useState<SaveOutcome | null>(null);
  const shown = rules ?? editableRules(draft);
  const text = snippet ?? snippetText(draft);
  const problems = ruleProblems(shown);
  const snippetError = snippetProblem(text);
  const blocked = problems.byId.size > 0 || problems.general.length > 0 || snippetError !== null;
  const edited = rules !== null || snippet !== null;

  const update = (i: number, patch: Partial<EditableRule>) => setRules(shown.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (blocked || readOnly) return;
    setSaving(true);
    setResult(null);
    try {
      await saveDraft(draftBody(shown, text));
      setRules(null);
      setSnippet(null);
      setResult(null); // the draft's state above says what happens next
    } catch (err) {
      setResult({ ok: false, message: err instanceof ApiError ? err.message : String(err) });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Stack>
      <DraftState connector={connector} readOnly={readOnly} activate={activate} />
      <form onSubmit={submit} noValidate aria-label="Draft sync rules">
        <Stack>
          <Group justify="space-between">
            <Title order={4}>Draft basic rules</Title>
            {edited && <Badge color="yellow">unsaved changes</Badge>}
          </Group>
          <Text size="sm" c="dimmed">
            Checked top to bottom: the first rule whose field matches decides whether a document is synced; the default rule includes everything else.
          </Text>
          <Table.ScrollContainer minWidth={720}>
            <Table withTableBorder>
              <RuleHeader order={!readOnly} />
              <Table.Tbody>
                {shown.map((r, i) => {
                  const errs = problems.byId.get(r.id);
                  const n = i + 1;
                  return (
                    <Table.Tr key={r.id} data-rule={n}>
                      <Table.Td>{n}</Table.Td>
                      <Table.Td>
                        <NativeSelect aria-label={`Rule ${n} policy`} data={POLICIES} value={r.policy} disabled={readOnly} onChange={(e) => update(i, { policy: e.currentTarget.value as RulePolicy })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput aria-label={`Rule ${n} field`} styles={MONO} value={r.field} readOnly={readOnly} error={errs?.join(' ')} onChange={(e) => update(i, { field: e.currentTarget.value })} />
                      </Table.Td>
                      <Table.Td>
                        <NativeSelect aria-label={`Rule ${n} condition`} data={CONDITIONS} value={r.rule} disabled={readOnly} onChange={(e) => update(i, { rule: e.currentTarget.value as RuleCondition })} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput aria-label={`Rule ${n} value`} styles={MONO} value={r.value} readOnly={readOnly} onChange={(e) => update(i, { value: e.currentTarget.value })} />
                      </Table.Td>
                      {!readOnly && (
                        <Table.Td>
                          <Group gap={4} wrap="nowrap">
                            <ActionIcon variant="subtle" aria-label={`Move rule ${n} up`} disabled={i === 0} onClick={() => setRules(move(shown, i, i - 1))}>
                              ↑
                            </ActionIcon>
                            <ActionIcon variant="subtle" aria-label={`Move rule ${n} down`} disabled={i === shown.length - 1} onClick={() => setRules(move(shown, i, i + 1))}>
                              ↓
                            </ActionIcon>
                            <ActionIcon variant="subtle" color="red" aria-label={`Remove rule ${n}`} onClick={() => setRules(shown.filter((_, j) => j !== i))}>
                              ✕
                            </ActionIcon>
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  );
                })}
                <Table.Tr data-rule="default">
                  <Table.Td>{shown.length + 1}</Table.Td>
                  <Table.Td>include</Table.Td>
                  <Table.Td ff="monospace">_</Table.Td>
                  <Table.Td>regex</Table.Td>
                  <Table.Td ff="monospace">.* (default rule: everything else; always last)</Table.Td>
                  {!readOnly && <Table.Td />}
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {problems.general.map((m, i) => (
            <Text size="sm" c="red" key={i} role="alert">
              {m}
            </Text>
          ))}
          {!readOnly && (
            <Group>
              <Button variant="light" onClick={() => setRules([...shown, { id: newRuleId(), policy: 'include', field: '', rule: 'equals', value: '' }])}>
                Add rule
              </Button>
            </Group>
          )}
          {advanced && (
            <Textarea
              label="Draft advanced rules (JSON)"
              description="The source's own query syntax (docs/sync-rules.md); empty for none."
              styles={MONO}
              autosize
              minRows={3}
              maxRows={16}
              value={text}
              readOnly={readOnly}
              error={snippetError ?? undefined}
              onChange={(e) => setSnippet(e.currentTarget.value)}
            />
          )}
          <SaveResult result={result} />
          {!readOnly && (
            <Group>
              <Button type="submit" loading={saving} disabled={blocked}>
                Save and validate draft
              </Button>
              {edited && (
                <Button
                  variant="subtle"
                  onClick={() => {
                    setRules(null);
                    setSnippet(null);
                  }}
                >
                  Discard changes
                </Button>
              )}
            </Group>
          )}
        </Stack>
      </form>
      <ActiveRules connector={connector} />
    </Stack>
  );
}

export default SyncRulesTab;
