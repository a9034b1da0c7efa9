import { runSourceSuite } from '../source.case.js';
import { githubFixture } from './github-contract.fixture.js';

runSourceSuite(githubFixture());
