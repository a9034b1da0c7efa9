/** The `_security` endpoints Tributary answers (issue 4): API keys, `_authenticate` and `_has_privileges`. */
import type { Endpoint } from '../endpoint.js';
import { authenticate } from './authenticate.js';
import { createApiKey, createApiKeyPut } from './create-api-key.js';
import { getApiKey } from './get-api-key.js';
import { hasPrivileges, hasPrivilegesGet } from './has-privileges.js';
import { invalidateApiKey } from './invalidate-api-key.js';

export const securityEndpoints: Endpoint[] = [createApiKey, createApiKeyPut, getApiKey, invalidateApiKey, authenticate, hasPrivileges, hasPrivilegesGet];
