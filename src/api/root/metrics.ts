/**
 * `GET /_tributary/metrics` — this process's Prometheus metrics in the text exposition format
 * (`text/plain; version=0.0.4`), for a Prometheus scrape (docs/operations.md). With security on
 * it needs the `monitor` cluster privilege (its action is under `cluster:monitor/`).
 */
import { errors } from '../../domain/errors.js';
import type { Endpoint } from '../endpoint.js';

export const metrics: Endpoint = {
  name: 'tributary.metrics',
  method: 'GET',
  paths: ['/_tributary/metrics'],
  action: 'cluster:monitor/tributary/metrics',
  async handler(_req, app) {
    if (!app.metrics) throw errors.illegalArgument('metrics are not recorded by this process');
    const { contentType, body } = await app.metrics.scrape();
    return { status: 200, body, headers: { 'content-type': contentType } };
  },
};
