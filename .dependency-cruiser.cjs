/**
 * The import rules of src/ (docs/architecture.md), checked by `npm run check:deps` and by
 * test/architecture/deps.test.ts (so `npm test` fails on a violation).
 *
 *   cli → app → config → api → security | runtime → store | sources | sink | content-index → extraction → platform → domain
 *
 * A layer imports only layers below it (skipping is fine, siblings are not), with two named
 * exceptions: the embedded sink adapter (sink/embedded/) wraps the content index, and the
 * content index opens SQLite through the one driver loader, store/sqlite/driver.ts. `domain`
 * imports nothing of ours and no I/O module. Sources do not import each other's folders, only
 * sources/shared and the port files at sources/. No cycles. Tests (*.test.ts), shared suites
 * (*.case.ts), test support (*.fixture.ts) and test/ may import anything; product code never
 * imports them.
 */
const LAYERS = [
  ['cli'],
  ['app'],
  ['config'],
  ['api'],
  ['security', 'runtime'],
  ['store', 'sources', 'sink', 'content-index'],
  ['extraction'],
  ['platform'],
  ['domain'],
];
const TEST_ONLY = '(\\.test|\\.case|\\.fixture)\\.ts$';

/** The two named exceptions to "no sibling imports". */
const EXCEPTIONS = {
  sink: '^src/content-index/',
  'content-index': '^src/store/sqlite/driver\\.ts$',
};

const alt = (names) => `(${names.join('|')})`;

/** One rule per layer: nothing in it imports a layer above it or a sibling. */
const layerRules = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  return layer.map((name) => {
    const siblings = layer.filter((n) => n !== name);
    const forbidden = [...above, ...siblings];
    return {
      name: `layer-${name}`,
      severity: 'error',
      comment: `src/${name}/ may import only layers below it (docs/architecture.md "Layers")`,
      from: { path: `^src/${name}/`, pathNot: TEST_ONLY },
      to: { path: `^src/${alt(forbidden)}/`, ...(EXCEPTIONS[name] ? { pathNot: EXCEPTIONS[name] } : {}) },
    };
  }).filter((r) => !r.to.path.includes('()'));
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'an import cycle: modules that need each other belong in one module, or the shared part moves down',
      from: { path: '^src/', pathNot: TEST_ONLY },
      to: { circular: true, pathNot: TEST_ONLY },
    },
    ...layerRules,
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain/ imports nothing of ours and does no I/O',
      from: { path: '^src/domain/', pathNot: TEST_ONLY },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|http|https|http2|tls|dns|dgram|child_process|cluster|worker_threads|readline)$',
      },
    },
    {
      name: 'domain-imports-nothing-of-ours',
      severity: 'error',
      comment: 'src/domain/ imports only src/domain/',
      from: { path: '^src/domain/', pathNot: TEST_ONLY },
      to: { path: '^(src/(?!domain/)|test/)' },
    },
    {
      name: 'content-index-not-sink',
      severity: 'error',
      comment: 'the search engine knows nothing of the sink port that feeds it',
      from: { path: '^src/content-index/' },
      to: { path: '^src/sink/' },
    },
    {
      name: 'sources-independent',
      severity: 'error',
      comment: "a source imports no other source's folder, only sources/shared and the port files in sources/",
      from: { path: '^src/sources/([^/]+)/', pathNot: TEST_ONLY },
      to: { path: '^src/sources/[^/]+/', pathNot: '^src/sources/($1|shared)/' },
    },
    {
      name: 'product-code-not-test-code',
      severity: 'error',
      comment: 'tests, shared suites (*.case.ts) and test support (*.fixture.ts, test/) are never shipped code',
      from: { path: '^src/', pathNot: TEST_ONLY },
      to: { path: [TEST_ONLY, '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    // type-only imports count: an interface shared upwards is a dependency too
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
