/** The source contract (src/sources/source.case.ts) for `postgresql`, on the real server. */
import { runSqlSourceContract } from '../shared/sql-contract.fixture.js';
import { postgresqlFixture } from './postgresql.fixture.js';

await runSqlSourceContract(postgresqlFixture);
