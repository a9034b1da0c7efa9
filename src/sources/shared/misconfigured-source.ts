/**
 * The source a factory returns when its configuration is invalid (`s3`,
 * `google_cloud_storage`): every call explains what to fix; advanced rules are still checked
 * when the source has them.
 */
import type { RulesValidation, Source, SourceDocument } from '../source.js';

export class MisconfiguredSource implements Source {
  declare readonly validateAdvancedRules?: (rules: unknown) => Promise<RulesValidation>;

  constructor(
    private readonly err: unknown,
    validateRules?: (rules: unknown) => RulesValidation,
  ) {
    if (validateRules) this.validateAdvancedRules = async (rules: unknown) => validateRules(rules);
  }

  async ping(): Promise<void> {
    throw this.err;
  }
  // eslint-disable-next-line require-yield
  async *getDocs(): AsyncGenerator<SourceDocument> {
    throw this.err;
  }
  // eslint-disable-next-line require-yield
  async *getDocsIncrementally(): AsyncGenerator<SourceDocument, Record<string, unknown>> {
    throw this.err;
  }
  async close(): Promise<void> {}
}
