import { runSourceSuite } from '../source.case.js';
import { s3Fixture } from './s3.fixture.js';

runSourceSuite(s3Fixture());
