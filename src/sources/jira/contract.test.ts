import { runSourceSuite } from '../source.case.js';
import { jiraFixture } from './contract.fixture.js';

runSourceSuite(jiraFixture('cloud'));
// REST v2 and the Data Center credential fields, through the same suite.
runSourceSuite(jiraFixture('data_center'));
