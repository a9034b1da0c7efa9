import { runSourceSuite } from '../source.case.js';
import { gcsFixture } from './gcs.fixture.js';

runSourceSuite(gcsFixture());
