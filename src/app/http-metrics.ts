/**
 * The HTTP request metrics (`tributary_http_requests_total`, `tributary_http_request_duration_seconds`),
 * kept in plain per-endpoint arrays and handed to the prom-client registry only at scrape time.
 * prom-client's own Counter and Histogram hash their label values on every call: about 2.7 µs
 * per response here, against 56 µs of server CPU for a whole `GET /_connector/<id>`. Recording
 * into the arrays costs tens of nanoseconds, and the exposition is the same.
 */
import type { Metric, Registry } from 'prom-client';
import type { RouteRecorder } from '../api/server-metrics.js';

export const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

class RouteStats implements RouteRecorder {
  /** Per bucket, not cumulative; the last slot is above the largest bound. */
  readonly buckets = new Float64Array(HTTP_BUCKETS.length + 1);
  sum = 0;
  count = 0;
  readonly statuses = new Map<number, number>();

  record(status: number, elapsedMs: number): void {
    const s = elapsedMs / 1000;
    let i = 0;
    while (i < HTTP_BUCKETS.length && s > HTTP_BUCKETS[i]) i++;
    this.buckets[i]++;
    this.sum += s;
    this.count++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
}

interface Sample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

/**
 * A metric as prom-client's registry reads it: `name`, `help`, `type` and `get()` (its own
 * Counter and Histogram are such objects; the registry only calls `get()` and `reset()`).
 */
function collector(name: string, help: string, type: 'counter' | 'histogram', values: () => Sample[]): Metric {
  return {
    name, help, type, aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
    reset() {},
  } as unknown as Metric;
}

export class HttpMetrics {
  private readonly routes = new Map<string, RouteStats>();

  constructor(registry: Registry) {
    registry.registerMetric(collector('tributary_http_requests_total', 'HTTP requests answered, by endpoint name and status code', 'counter', () => {
      const out: Sample[] = [];
      for (const [route, r] of this.routes) for (const [status, n] of r.statuses) out.push({ labels: { route, status: String(status) }, value: n });
      return out;
    }));
    const duration = 'tributary_http_request_duration_seconds';
    registry.registerMetric(collector(duration, 'HTTP request latency (received to response sent), by endpoint name', 'histogram', () => {
      const out: Sample[] = [];
      for (const [route, r] of this.routes) {
        if (r.count === 0) continue;
        let cumulative = 0;
        HTTP_BUCKETS.forEach((le, i) => {
          cumulative += r.buckets[i];
          out.push({ labels: { route, le: String(le) }, value: cumulative, metricName: `${duration}_bucket` });
        });
        out.push({ labels: { route, le: '+Inf' }, value: r.count, metricName: `${duration}_bucket` });
        out.push({ labels: { route }, value: r.sum, metricName: `${duration}_sum` });
        out.push({ labels: { route }, value: r.count, metricName: `${duration}_count` });
      }
      return out;
    }));
  }

  /** One recorder per endpoint name (the same one when asked again). */
  route(name: string): RouteRecorder {
    let r = this.routes.get(name);
    if (!r) this.routes.set(name, (r = new RouteStats()));
    return r;
  }
}
