/** The replay of one lifecycle of Elastic's connector service (helpers/lifecycle.case.ts) on PostgreSQL. */
import { requirePg } from '../../src/store/postgres/postgres.fixture.js';
import { lifecycleCase } from './helpers/lifecycle.case.js';
import { startLifecycleServer } from './helpers/lifecycle-server.js';

if (await requirePg("Elastic's connector service lifecycle (PostgreSQL)")) lifecycleCase('PostgreSQL', () => startLifecycleServer('postgres'));
