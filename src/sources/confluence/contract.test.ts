import { runSourceSuite } from '../source.case.js';
import { confluenceFixture } from './confluence-source.fixture.js';

runSourceSuite(confluenceFixture());
