/**
 * The one explicit `service_type` → source factory map (architecture.md `sources/`, like
 * elastic/connectors' `config.yml` source list). A worker serves the service types listed here,
 * or the subset it is told to (`--service-types`). Adding a source = one import and one line
 * (docs/adding-a-source.md).
 */
import { azureBlobStorageSource } from './azure_blob_storage/datasource.js';
import { confluenceSource } from './confluence/datasource.js';
import { directorySource } from './directory/datasource.js';
import { githubSource } from './github/datasource.js';
import { googleCloudStorageSource } from './google_cloud_storage/datasource.js';
import { jiraSource } from './jira/datasource.js';
import { mysqlSource } from './mysql/datasource.js';
import { networkDriveSource } from './network_drive/datasource.js';
import { postgresqlSource } from './postgresql/datasource.js';
import { redisSource } from './redis/datasource.js';
import { s3Source } from './s3/datasource.js';
import type { SourceFactory } from './source.js';

export const sources: Readonly<Record<string, SourceFactory>> = Object.freeze({
  [directorySource.serviceType]: directorySource,
  [mysqlSource.serviceType]: mysqlSource,
  [postgresqlSource.serviceType]: postgresqlSource,
  [s3Source.serviceType]: s3Source,
  [redisSource.serviceType]: redisSource,
  [googleCloudStorageSource.serviceType]: googleCloudStorageSource,
  [azureBlobStorageSource.serviceType]: azureBlobStorageSource,
  [networkDriveSource.serviceType]: networkDriveSource,
  [jiraSource.serviceType]: jiraSource,
  [confluenceSource.serviceType]: confluenceSource,
  [githubSource.serviceType]: githubSource,
});
