/**
 * What the signed-in user may change, asked once per session with Elasticsearch's
 * `POST _security/user/_has_privileges` over the Connector API's action names (each decided as
 * the server decides that request, docs/security.md). Edit controls the user lacks the
 * privilege for are hidden; the server refuses them anyway. Until the answer is in, nothing is
 * offered; a server that cannot answer (an error other than 401) leaves the controls on and
 * lets the API's 403 explain.
 */
import { useEffect, useState } from 'react';
import { api } from './client';
import { currentSession, onSessionChange } from './session';
import type { HasPrivileges } from './types';

const CONNECTOR = 'cluster:admin/xpack/connector/';

/** Each capability of the UI and the actions any one of which allows it. */
export const CAPABILITIES = {
  createConnector: [`${CONNECTOR}post`, `${CONNECTOR}put`],
  configure: [`${CONNECTOR}update_configuration`],
  schedule: [`${CONNECTOR}update_scheduling`],
  syncRules: [`${CONNECTOR}update_filtering`],
  sync: [`${CONNECTOR}sync_job/post`],
  cancelSync: [`${CONNECTOR}sync_job/cancel`],
} as const;
export type Capability = keyof typeof CAPABILITIES;
export type Capabilities = Record<Capability, boolean>;

const ACTIONS = [...new Set(Object.values(CAPABILITIES).flat())];
const ALL: Capabilities = Object.fromEntries(Object.keys(CAPABILITIES).map((k) => [k, true])) as Capabilities;
const NONE: Capabilities = Object.fromEntries(Object.keys(CAPABILITIES).map((k) => [k, false])) as Capabilities;

export function capabilitiesOf(answer: Pick<HasPrivileges, 'cluster'>): Capabilities {
  const out = { ...NONE };
  for (const [cap, actions] of Object.entries(CAPABILITIES) as [Capability, readonly string[]][]) {
    out[cap] = actions.some((a) => answer.cluster[a] === true);
  }
  return out;
}

/** One question per credentials: the pages share the answer. */
let cached: { key: string; answer: Promise<Capabilities> } | null = null;

export function loadCapabilities(): Promise<Capabilities> {
  const key = currentSession()?.authorization ?? '';
  if (cached?.key !== key) {
    const answer = api.hasPrivileges(ACTIONS).then(capabilitiesOf, (e: { status?: number }) => (e?.status === 401 ? NONE : ALL));
    cached = { key, answer };
  }
  return cached.answer;
}

/** The capabilities, or null while they are being asked. */
export function useCapabilities(): Capabilities | null {
  const [caps, setCaps] = useState<Capabilities | null>(null);
  const [session, setSession] = useState(() => currentSession()?.authorization ?? '');
  useEffect(() => onSessionChange(() => setSession(currentSession()?.authorization ?? '')), []);
  useEffect(() => {
    let live = true;
    setCaps(null);
    void loadCapabilities().then((c) => live && setCaps(c));
    return () => {
      live = false;
    };
  }, [session]);
  return caps;
}
