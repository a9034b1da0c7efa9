/**
 * Atlassian Document Format (the JSON rich text of Jira Cloud REST v3 descriptions, comments and
 * text custom fields, and of Confluence Cloud's `atlas_doc_format` bodies) → plain text, as
 * Atlassian documents the node types (developer.atlassian.com/cloud/jira/platform/apis/document/
 * structure): block nodes (paragraph, heading, listItem, codeBlock, blockquote, tableCell, panel,
 * rule…) end a line; inline nodes contribute their text (`text`, `mention` and `status` `attrs.text`,
 * `emoji` `shortName`, `inlineCard` / `blockCard` `url`, `date` `timestamp` as ISO); media have no
 * text. Bounded: nesting past MAX_DEPTH and nodes past MAX_NODES are skipped, text past
 * `maxChars` is cut.
 */

export const MAX_DEPTH = 64;
export const MAX_NODES = 200_000;

const BLOCKS = new Set([
  'doc', 'paragraph', 'heading', 'blockquote', 'codeBlock', 'bulletList', 'orderedList', 'listItem', 'rule', 'panel', 'table',
  'tableRow', 'tableHeader', 'tableCell', 'mediaSingle', 'mediaGroup', 'expand', 'nestedExpand', 'taskList', 'taskItem',
  'decisionList', 'decisionItem', 'blockCard', 'embedCard', 'layoutSection', 'layoutColumn', 'extension', 'bodiedExtension',
]);

/** Whether a value looks like an ADF document (`{type: "doc", content: [...]}`). */
export function isAdf(v: unknown): v is { type: 'doc'; content: unknown[] } {
  return v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'doc' && Array.isArray((v as { content?: unknown }).content);
}

function inlineText(n: Record<string, unknown>): string {
  const attrs = (n.attrs ?? {}) as Record<string, unknown>;
  switch (n.type) {
    case 'text':
      return typeof n.text === 'string' ? n.text : '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'status':
      return typeof attrs.text === 'string' ? attrs.text : '';
    case 'emoji':
      return typeof attrs.text === 'string' ? attrs.text : typeof attrs.shortName === 'string' ? attrs.shortName : '';
    case 'inlineCard':
    case 'blockCard':
    case 'embedCard':
      return typeof attrs.url === 'string' ? attrs.url : '';
    case 'date': {
      const t = Number(attrs.timestamp);
      return Number.isFinite(t) && Math.abs(t) < 8.64e15 ? new Date(t).toISOString().slice(0, 10) : '';
    }
    case 'expand':
    case 'nestedExpand':
      return typeof attrs.title === 'string' && attrs.title ? `${attrs.title}\n` : '';
    default:
      return '';
  }
}

/** The plain text of an ADF document (or node), at most `maxChars` characters. */
export function adfToText(doc: unknown, maxChars = 1_000_000): string {
  const out: string[] = [];
  let chars = 0;
  let nodes = 0;
  const push = (s: string) => {
    if (!s || chars >= maxChars) return;
    const cut = s.length > maxChars - chars ? s.slice(0, maxChars - chars) : s;
    out.push(cut);
    chars += cut.length;
  };
  const walk = (n: unknown, depth: number) => {
    if (n === null || typeof n !== 'object' || depth > MAX_DEPTH || ++nodes > MAX_NODES || chars >= maxChars) return;
    const node = n as Record<string, unknown>;
    push(inlineText(node));
    if (Array.isArray(node.content)) for (const c of node.content) walk(c, depth + 1);
    if (typeof node.type === 'string' && BLOCKS.has(node.type) && out.length && !out[out.length - 1].endsWith('\n')) push('\n');
  };
  walk(doc, 0);
  return out.join('').replace(/\n{3,}/g, '\n\n').trim();
}
