/** The ingest pipeline endpoints (docs/embedded-index.md "Ingest pipelines"). */
import type { Endpoint } from '../endpoint.js';
import { deletePipeline } from './delete-pipeline.js';
import { getPipeline, getPipelines } from './get-pipeline.js';
import { putPipeline } from './put-pipeline.js';
import { simulatePost } from './simulate.js';

export const ingestEndpoints: Endpoint[] = [getPipelines, getPipeline, putPipeline, deletePipeline, simulatePost];
