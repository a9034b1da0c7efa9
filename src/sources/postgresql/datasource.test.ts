/** The `postgresql` source against the real server: the shared database-source suite. */
import { runSqlSourceSuite } from '../shared/sql-source.case.js';
import { postgresqlFixture } from './postgresql.fixture.js';

await runSqlSourceSuite(postgresqlFixture);
