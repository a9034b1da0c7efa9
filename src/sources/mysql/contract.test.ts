/** The source contract (src/sources/source.case.ts) for `mysql`, on the real server. */
import { runSqlSourceContract } from '../shared/sql-contract.fixture.js';
import { mysqlFixture } from './mysql.fixture.js';

await runSqlSourceContract(mysqlFixture);
