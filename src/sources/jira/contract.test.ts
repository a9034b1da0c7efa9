import { runSourceSuite } from '../source.case.js';
import { jiraFixture } from './contract.fixture.js';

runSourceSuite(jiraFixture());
