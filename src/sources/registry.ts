/**
 * The one explicit `service_type` → source factory map (architecture.md `sources/`). A worker
 * serves only the service types listed here (or the subset it is told to).
 */
import type { SourceFactory } from './source.js';

const factories = new Map<string, SourceFactory>();

export function registerSource(f: SourceFactory): void {
  factories.set(f.serviceType, f);
}

export function sourceFor(serviceType: string): SourceFactory | undefined {
  return factories.get(serviceType);
}

export function serviceTypes(): string[] {
  return [...factories.keys()].sort();
}
