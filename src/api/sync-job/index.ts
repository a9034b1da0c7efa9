/** The sync job endpoints (connector-api.md §7). */
import type { Endpoint } from '../endpoint.js';
import { cancelSyncJob } from './cancel.js';
import { checkInSyncJob } from './check-in.js';
import { claimSyncJob } from './claim.js';
import { deleteSyncJob } from './delete.js';
import { errorSyncJob } from './error.js';
import { getSyncJob } from './get.js';
import { listSyncJobs } from './list.js';
import { postSyncJob } from './post.js';
import { statsSyncJob } from './stats.js';

export const syncJobEndpoints: Endpoint[] = [
  postSyncJob, getSyncJob, listSyncJobs, deleteSyncJob, cancelSyncJob, checkInSyncJob, errorSyncJob, claimSyncJob, statsSyncJob,
];
