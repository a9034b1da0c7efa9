/** The ingest pipeline endpoints (docs/embedded-index.md "Ingest pipelines"). */
import type { Endpoint } from '../endpoint.js';
import { deletePipeline } from './delete-pipeline.js';
import { getPipeline, getPipelines } from './get-pipeline.js';
import { putPipeline } from './put-pipeline.js';
import { simulateGet, simulatePost } from './simulate.js';

export const ingestEndpoints: Endpoint[] = [getPipelines, simulateGet, getPipeline, putPipeline, deletePipeline, simulatePost];
