/**
 * Builds the `SourceFactory` of a SQL engine (`postgresql`, `mysql`) from what differs between
 * engines: configuration options, the driver, id prefix, metadata fields and rule validation.
 * The reading algorithm is `sql-source.ts`.
 */
import { configurationError, type ConfigValues, type RulesValidation, type SourceFactory, type SourcePolicy } from '../source.js';
import { readSqlSettings, sqlConfigSchema, type SqlSchemaOptions, type SqlSettings } from './sql-config.js';
import type { SqlDriver } from './sql-driver.js';
import { brokenSource, SqlSource } from './sql-source.js';

export interface SqlEngine<D extends SqlDriver> {
  serviceType: string;
  displayName: string;
  schemaOptions: SqlSchemaOptions;
  /** `allowedHosts`: the operator's egress allow-list (shared/egress.ts), null = any host. */
  driver(s: SqlSettings, allowedHosts: readonly string[] | null): D;
  idPrefix(s: SqlSettings, tables: string[]): string;
  metadata(s: SqlSettings, tables: string[] | string): Record<string, unknown>;
  validateRules(driver: D, s: SqlSettings, value: unknown): Promise<RulesValidation>;
}

export function sqlSourceFactory<D extends SqlDriver>(e: SqlEngine<D>): SourceFactory {
  return {
    serviceType: e.serviceType,
    displayName: e.displayName,
    configSchema: () => sqlConfigSchema(e.schemaOptions),
    features: {
      incremental_sync: true,
      document_level_security: false,
      sync_rules: { basic: true, advanced: true },
    },
    create(config: ConfigValues, policy?: SourcePolicy) {
      let s: SqlSettings;
      try {
        s = readSqlSettings(config, e.schemaOptions);
      } catch (err) {
        return brokenSource(configurationError(err));
      }
      const driver = e.driver(s, policy?.allowedHosts ?? null);
      return new SqlSource({
        driver,
        settings: s,
        idPrefix: (tables) => e.idPrefix(s, tables),
        metadata: (tables) => e.metadata(s, tables),
        validateRules: (value) => e.validateRules(driver, s, value),
      });
    },
  };
}
