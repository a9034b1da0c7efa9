import { runSourceSuite } from '../source.case.js';
import { azureFixture } from './azure.fixture.js';

runSourceSuite(azureFixture());
