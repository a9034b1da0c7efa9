/** The replay of one lifecycle of Elastic's connector service (helpers/lifecycle.case.ts) on SQLite. */
import { lifecycleCase } from './helpers/lifecycle.case.js';
import { startLifecycleServer } from './helpers/lifecycle-server.js';

lifecycleCase('SQLite', () => startLifecycleServer('sqlite'));
