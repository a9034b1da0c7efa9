/** The connector endpoints (connector-api.md §6). */
import type { Endpoint } from '../endpoint.js';
import { checkIn } from './check-in.js';
import { deleteConnector } from './delete.js';
import { getConnector } from './get.js';
import { lastSync } from './last-sync.js';
import { listConnectors } from './list.js';
import { postConnector } from './post.js';
import { putConnector } from './put.js';
import { updateActiveFiltering } from './update-active-filtering.js';
import { updateApiKeyId } from './update-api-key-id.js';
import { updateConfiguration } from './update-configuration.js';
import { updateError } from './update-error.js';
import { updateFeatures } from './update-features.js';
import { updateFiltering } from './update-filtering.js';
import { updateFilteringValidation } from './update-filtering-validation.js';
import { updateIndexName } from './update-index-name.js';
import { updateName } from './update-name.js';
import { updateNative } from './update-native.js';
import { updatePipeline } from './update-pipeline.js';
import { updateScheduling } from './update-scheduling.js';
import { updateServiceType } from './update-service-type.js';
import { updateStatus } from './update-status.js';

export const connectorEndpoints: Endpoint[] = [
  putConnector, postConnector, getConnector, listConnectors, deleteConnector,
  updateName, updateServiceType, updateIndexName, updateNative, updatePipeline, updateScheduling,
  updateConfiguration, updateFiltering, updateFilteringValidation, updateActiveFiltering,
  updateError, updateStatus, lastSync, checkIn, updateFeatures, updateApiKeyId,
];
