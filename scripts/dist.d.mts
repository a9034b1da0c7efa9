export const ROOT: string;
export function buildIsFresh(root?: string): boolean;
export function nodeArgsFor(tsFile: string, root?: string): string[];
