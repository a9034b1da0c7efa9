/** The source contract (src/sources/source.case.ts) for `redis`, on the machine's Redis (skipped when unreachable, failed under CI=true). */
import { runSourceSuite } from '../source.case.js';
import { redisContractFixture, withRedis } from './redis.fixture.js';

await withRedis('source contract: redis', () => runSourceSuite(redisContractFixture()));
