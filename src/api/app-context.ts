/** The application context endpoints receive; defined by the runtime layer that builds it. */
export * from '../runtime/app-context.js';
