/**
 * A source type's icon: its initials on a colour picked from the service type, the same
 * everywhere a connector's source is shown (list, create page, overview). Drawn here, so no
 * vendor logo (and no logo licence) is involved; decorative, the name is always next to it.
 */
import { Avatar } from '@mantine/core';

const COLOURS = ['blue', 'teal', 'grape', 'orange', 'indigo', 'cyan', 'pink', 'lime', 'violet', 'red', 'green', 'yellow'];

/** Two letters: the initials of a two-word name ("Google Cloud Storage" → "GC"), else its first two. */
export function initials(name: string): string {
  const words = name.replace(/[^\p{L}\p{N} ]+/gu, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (words.length === 1) return words[0].slice(0, 2).replace(/^./, (x) => x.toUpperCase());
  return (words[0][0] + words[1][0]).toUpperCase();
}

export function colourOf(serviceType: string): string {
  let h = 0;
  for (const ch of serviceType) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return COLOURS[h % COLOURS.length];
}

export function SourceIcon({ serviceType, name, size = 'sm' }: { serviceType: string | null | undefined; name?: string; size?: 'xs' | 'sm' | 'md' }) {
  const type = serviceType ?? '';
  return (
    <Avatar size={size} radius="sm" color={colourOf(type)} variant="light" aria-hidden="true" data-source-icon={type}>
      {initials(name ?? type.replace(/_/g, ' '))}
    </Avatar>
  );
}
