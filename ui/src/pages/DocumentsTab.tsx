/** The connector's documents: a search box over its index (`POST <index>/_search`), the total and a page of hits. */
import { Alert, Code, Group, Pagination, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { Connector, SearchHit, SearchResult } from '../api/types';

const SIZE = 10;

/** A hit's title: a title-like field, else its id. */
export function hitTitle(h: SearchHit): string {
  const s = h._source ?? {};
  for (const f of ['title', 'name', 'path', 'file', 'filename']) if (typeof s[f] === 'string' && s[f]) return s[f] as string;
  return h._id;
}

/** Highlight fragments come back with <em> marks: shown as text with the marks as bold, never as HTML. */
function Fragment({ text }: { text: string }) {
  const parts = text.split(/(<em>.*?<\/em>)/g);
  return (
    <>
      {parts.map((p, i) => (p.startsWith('<em>') ? <mark key={i}>{p.slice(4, -5)}</mark> : <span key={i}>{p}</span>))}
    </>
  );
}

/** A document's source as indented JSON, cut at 100 000 characters (a page shows ten). */
export function documentJson(source: unknown, max = 100_000): string {
  const text = JSON.stringify(source ?? {}, null, 2);
  return text.length > max ? `${text.slice(0, max)}\n… (${(text.length - max).toLocaleString()} more characters)` : text;
}

export function DocumentsTab({ connector: c }: { connector: Connector }) {
  const [draft, setDraft] = useState('');
  const [text, setText] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => {
      setText(draft);
      setPage(1);
    }, 300);
    return () => clearTimeout(t);
  }, [draft]);
  useEffect(() => {
    if (!c.index_name) return;
    const ctrl = new AbortController();
    api
      .search(c.index_name, { text, from: (page - 1) * SIZE, size: SIZE }, ctrl.signal)
      .then((r) => {
        setResult(r);
        setError(null);
      })
      .catch((e: Error) => {
        if (e.name !== 'AbortError') setError(e.message);
      });
    return () => ctrl.abort();
  }, [c.index_name, text, page]);

  if (!c.index_name) return <Alert color="yellow">This connector has no index.</Alert>;
  return (
    <Stack>
      <Group align="end">
        <TextInput label={`Search ${c.index_name}`} placeholder="words to find" value={draft} onChange={(e) => setDraft(e.currentTarget.value)} w={360} />
        <Text size="sm" data-total={result?.total ?? ''} aria-live="polite">
          {result ? `${result.total.toLocaleString()} documents` : ''}
        </Text>
      </Group>
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
      {result?.hits.map((h) => (
        <Stack key={h._id} gap={2} data-hit={h._id}>
          <Title order={5}>{hitTitle(h)}</Title>
          {Object.entries(h.highlight ?? {})
            .slice(0, 2)
            .map(([f, frags]) => (
              <Text size="sm" key={f}>
                <Code>{f}</Code> <Fragment text={frags.slice(0, 2).join(' … ')} />
              </Text>
            ))}
          <Text size="xs" c="dimmed" ff="monospace">
            {h._id}
          </Text>
          <details data-json={h._id}>
            <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-xs)' }}>Document JSON</summary>
            <Code block style={{ maxHeight: 480, overflow: 'auto' }}>
              {documentJson(h._source)}
            </Code>
          </details>
        </Stack>
      ))}
      {result && result.total > SIZE && <Pagination total={Math.min(1000, Math.ceil(result.total / SIZE))} value={page} onChange={setPage} />}
    </Stack>
  );
}
