/** The source contract (src/sources/source.case.ts) for `directory`, on real temporary files. */
import { runSourceSuite } from '../source.case.js';
import { directoryFixture } from './directory.fixture.js';

runSourceSuite(directoryFixture());
