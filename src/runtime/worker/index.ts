export { ConnectorApi, type ApiConnection, type ConnectorDoc, type SyncJobDoc, type JobType } from './api-client.js';
export { resolveOptions, type WorkerOptions } from './options.js';
export { Worker } from './worker.js';
