/**
 * The source-contract recipe of the `jira` source (source.case.ts): a FakeJira (jira.fixture.ts)
 * holding two projects and `n` documents in all — the project documents, issues, and a text
 * attachment on every fifth issue; `change()` edits, adds and deletes issues.
 */
import type { SourceFixture } from '../source.case.js';
import { jiraSource } from './datasource.js';
import { FakeJira, type Deployment } from './jira.fixture.js';

export function jiraConfig(j: FakeJira, o: Record<string, unknown> = {}): Record<string, unknown> {
  const creds = j.deployment === 'cloud' ? { account_email: j.login, api_token: j.secret } : j.deployment === 'server' ? { username: j.login, password: j.secret } : { data_center_username: j.login, data_center_password: j.secret };
  return { data_source: `jira_${j.deployment}`, jira_url: j.url, projects: '*', retry_count: 2, ...creds, ...o };
}

/** The ids the source should yield for the current data (projects, issues, attachments). */
export function expectedIds(j: FakeJira): string[] {
  const out = [...j.projects.values()].map((p) => `project-${p.id}`);
  for (const i of j.issues.values()) {
    out.push(`${j.projects.get(i.project)!.name}-${i.key}`);
    for (const a of i.attachments) out.push(`${i.key}-${a.id}`);
  }
  return out;
}

/** Two projects and issues until `n` documents exist. */
export function seed(j: FakeJira, n: number): void {
  j.project('DEMO', 'Demo project');
  j.project('OPS', 'Operations');
  let k = 0;
  while (expectedIds(j).length < n) {
    const i = j.issue(k % 2 ? 'OPS' : 'DEMO');
    if (k % 5 === 0 && expectedIds(j).length < n) j.attach(i, `notes-${k}.txt`, `attachment text of ${i.key}`);
    k++;
  }
}

export function jiraFixture(deployment: Deployment = 'cloud'): SourceFixture {
  let j: FakeJira;
  return {
    factory: jiraSource,
    async load(n) {
      j = await new FakeJira(deployment).start();
      seed(j, n);
      return jiraConfig(j);
    },
    async ids() {
      return expectedIds(j);
    },
    async change({ update, add, remove }) {
      const plain = [...j.issues.values()].filter((i) => i.attachments.length === 0);
      for (const i of plain.slice(0, update)) j.touch(i);
      for (const i of plain.slice(update, update + remove)) j.issues.delete(i.id);
      for (let k = 0; k < add; k++) j.issue('DEMO');
    },
    unreachable() {
      return { ...jiraConfig(j), jira_url: 'http://127.0.0.1:9', retry_count: 0 };
    },
    advancedRules: { valid: [{ query: 'project = DEMO ORDER BY created DESC' }], invalid: [{ query: 'project = DEMO', extra: 1 }] },
    async remove() {
      await j?.close();
    },
  };
}
