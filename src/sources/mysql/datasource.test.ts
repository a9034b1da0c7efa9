/** The `mysql` source against the real server: the shared database-source suite. */
import { runSqlSourceSuite } from '../shared/sql-source.case.js';
import { mysqlFixture } from './mysql.fixture.js';

await runSqlSourceSuite(mysqlFixture);
