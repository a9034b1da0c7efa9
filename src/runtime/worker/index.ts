export { ConnectorApi, type ApiConnection } from './api-client.js';
export { resolveOptions, type WorkerOptions } from './options.js';
export { Worker } from './worker.js';
