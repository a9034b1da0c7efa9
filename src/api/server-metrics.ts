/**
 * What the HTTP server reports to monitoring (docs/operations.md), as a port: the server
 * records each response against its endpoint's name, and `GET /_tributary/metrics` asks for
 * the exposition text. The composition (`src/app/metrics.ts`) implements it over Prometheus,
 * so the API layer does not depend on a metrics library.
 */

/** The recorder of one endpoint: made once when the routes are built, called per response. */
export interface RouteRecorder {
  record(status: number, elapsedMs: number): void;
}

export interface ServerMetrics {
  /** By endpoint name (`connector.put`), never the raw path: label values stay few. */
  route(name: string): RouteRecorder;
  /** Everything this process records, in Prometheus' text exposition format. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** The label of requests no endpoint answered (unknown paths, bad URIs). */
export const UNKNOWN_ROUTE = 'unknown';
