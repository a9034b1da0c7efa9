/**
 * The replay of one lifecycle of Elastic's connector service (helpers/lifecycle.case.ts) on
 * SQLite with security on, as the service user with the role docs/elastic-connector-service.md
 * documents: every request of the lifecycle is allowed by that role.
 */
import { lifecycleCase } from './helpers/lifecycle.case.js';
import { startLifecycleServer } from './helpers/lifecycle-server.js';

lifecycleCase('SQLite, secured with the documented role', () => startLifecycleServer('sqlite', { secured: true }), true);
