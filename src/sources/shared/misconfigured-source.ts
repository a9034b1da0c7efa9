/**
 * The source a factory returns when its configuration is invalid: every call explains what to
 * fix; advanced rules are still checked when the source has them. `createOrExplain` is the
 * factory's `create()` for every source that reads its settings up front.
 */
import { configurationError, type RulesValidation, type Source, type SourceDocument } from '../source.js';

export interface MisconfiguredOptions {
  /** The source's advanced-rules check, which needs no valid configuration. */
  validateRules?: (rules: unknown) => RulesValidation;
  /** The source does access-control syncs: they fail with the same explanation. */
  accessControl?: boolean;
}

export class MisconfiguredSource implements Source {
  declare readonly validateAdvancedRules?: (rules: unknown) => Promise<RulesValidation>;
  declare readonly getAccessControl?: () => AsyncGenerator<SourceDocument>;

  constructor(
    private readonly err: unknown,
    opts: MisconfiguredOptions = {},
  ) {
    const { validateRules } = opts;
    if (validateRules) this.validateAdvancedRules = async (rules: unknown) => validateRules(rules);
    if (opts.accessControl) {
      // eslint-disable-next-line require-yield
      this.getAccessControl = async function* () {
        throw err;
      };
    }
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

/** `make()`, or — when reading the configuration throws — a source that explains what to fix. */
export function createOrExplain(make: () => Source, opts: MisconfiguredOptions = {}): Source {
  try {
    return make();
  } catch (err) {
    return new MisconfiguredSource(configurationError(err), opts);
  }
}
