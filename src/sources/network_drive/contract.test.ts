import { runSourceSuite } from '../source.case.js';
import { networkDriveContractFixture, withSamba } from './network_drive.fixture.js';

await withSamba('source contract: network_drive', () => runSourceSuite(networkDriveContractFixture()));
