/**
 * Jira's answers → documents with Elastic's fields (the `jira` connector of elastic/connectors):
 *
 *   project     `_id` project-<id>, `Type` "Project", `Project` (the project resource)
 *   issue       `_id` <project name>-<issue key>, `Type` the issue type's name, `Issue` (the
 *               issue's fields), `_timestamp` the issue's `updated`
 *   attachment  `_id` <issue key>-<attachment id>, `Type` "Attachment", `title` the file name,
 *               `issue` the issue key, `size`, `_timestamp` its `created`, `body` its text
 *
 * Rich text is made plain: Cloud's Atlassian Document Format (description, environment,
 * comments, rich-text custom fields) through ../shared/atlassian/adf.ts; custom fields
 * (`customfield_NNNNN`) are rendered to text (options → value, users → display name, lists
 * joined), and listed by their names under `Issue.custom_fields`. Tributary adds `title`
 * (`KEY: summary`), `body` (summary, description, comments and custom fields as one text) and
 * `url` (the issue's browse link). Every text is bounded.
 */
import { adfToText, isAdf } from '../shared/atlassian/adf.js';
import type { SourceDocument } from '../source.js';
import type { Json, JiraIssue, JiraProject } from './client.js';

/** Characters of one rendered field, and of an issue's `body`. */
export const MAX_FIELD_CHARS = 256 * 1024;
export const MAX_BODY_CHARS = 1024 * 1024;
const MAX_LIST = 1000;

/** An ISO-8601 time from Jira's `2024-01-02T10:20:30.000+0100`, or undefined. */
export function isoTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const t = Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** A field value as text: ADF → text, options / users / versions → their name, lists joined. */
export function renderValue(v: unknown, depth = 0): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.slice(0, MAX_FIELD_CHARS);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (depth > 8) return null;
  if (Array.isArray(v)) {
    const parts = v.slice(0, MAX_LIST).map((x) => renderValue(x, depth + 1)).filter((x): x is string => x !== null && x !== '');
    return parts.length ? parts.join(', ').slice(0, MAX_FIELD_CHARS) : null;
  }
  if (typeof v === 'object') {
    if (isAdf(v)) return adfToText(v, MAX_FIELD_CHARS);
    const o = v as Json;
    for (const k of ['value', 'displayName', 'name', 'title', 'key', 'text']) {
      if (typeof o[k] === 'string' || typeof o[k] === 'number') {
        const child = o.child ? renderValue(o.child, depth + 1) : null; // cascading select: "parent - child"
        return child ? `${String(o[k])} - ${child}` : String(o[k]);
      }
    }
    return null;
  }
  return null;
}

function text(v: unknown): string | null {
  return isAdf(v) ? adfToText(v, MAX_FIELD_CHARS) : typeof v === 'string' ? v.slice(0, MAX_FIELD_CHARS) : null;
}

export function projectDocument(p: JiraProject, timestamp: string): SourceDocument {
  return { _id: `project-${p.id}`, _timestamp: timestamp, Type: 'Project', Project: p };
}

/** A comment as it is indexed: author's name, plain body, times. */
export function renderComment(c: Json): Json {
  const author = c.author as Json | undefined;
  return {
    id: c.id,
    author: typeof author?.displayName === 'string' ? author.displayName : null,
    body: text(c.body) ?? '',
    created: isoTime(c.created) ?? null,
    updated: isoTime(c.updated) ?? null,
  };
}

export function issueDocument(issue: JiraIssue, names: Record<string, string>, comments: Json[], site: URL): SourceDocument {
  const f = issue.fields;
  const fields: Json = {};
  const custom: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) {
    if (k.startsWith('customfield_')) {
      const t = renderValue(v);
      fields[k] = t;
      if (t !== null && t !== '') custom[(names[k] ?? k).slice(0, 200)] = t;
    } else if (k === 'comment') {
      fields.comment = { total: comments.length, comments: comments.map(renderComment) };
    } else if (isAdf(v)) {
      fields[k] = adfToText(v, MAX_FIELD_CHARS);
    } else {
      fields[k] = v;
    }
  }
  if (Object.keys(custom).length) fields.custom_fields = custom;
  if (!('comment' in fields) && comments.length) fields.comment = { total: comments.length, comments: comments.map(renderComment) };
  const project = (f.project ?? {}) as Json;
  const summary = typeof f.summary === 'string' ? f.summary : '';
  const parts = [summary, text(f.description), text(f.environment), ...(fields.comment ? ((fields.comment as Json).comments as Json[]).map((c) => c.body as string) : []), ...Object.values(custom)];
  let body = '';
  for (const p of parts) {
    if (!p) continue;
    if (body.length + p.length + 1 > MAX_BODY_CHARS) {
      body += (body ? '\n' : '') + p.slice(0, Math.max(0, MAX_BODY_CHARS - body.length - 1));
      break;
    }
    body += (body ? '\n' : '') + p;
  }
  const issuetype = f.issuetype as Json | undefined;
  return {
    _id: `${String(project.name ?? project.key ?? '')}-${issue.key}`,
    _timestamp: isoTime(f.updated),
    Type: typeof issuetype?.name === 'string' ? issuetype.name : 'Issue',
    Issue: fields,
    title: `${issue.key}: ${summary}`.slice(0, 1000),
    body,
    url: `${site.href.replace(/\/+$/, '')}/browse/${encodeURIComponent(issue.key)}`,
  };
}

export interface JiraAttachment {
  id: string;
  filename: string;
  size: number;
  created?: string;
  mimeType?: string;
}

/** The attachments listed on an issue (`fields.attachment`), well-formed ones only. */
export function attachmentsOf(issue: JiraIssue): JiraAttachment[] {
  const list = Array.isArray(issue.fields.attachment) ? (issue.fields.attachment as Json[]) : [];
  return list
    .filter((a) => (typeof a?.id === 'string' || typeof a?.id === 'number') && typeof a.filename === 'string')
    .slice(0, MAX_LIST)
    .map((a) => ({ id: String(a.id), filename: a.filename as string, size: Number(a.size) || 0, created: a.created as string | undefined, mimeType: a.mimeType as string | undefined }));
}

export function attachmentDocument(issueKey: string, a: JiraAttachment): SourceDocument {
  return { _id: `${issueKey}-${a.id}`, _timestamp: isoTime(a.created), Type: 'Attachment', title: a.filename, issue: issueKey, size: a.size, ...(a.mimeType ? { content_type: a.mimeType } : {}) };
}
