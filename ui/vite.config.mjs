// The web UI's build (docs/ui.md): `npm run build:ui` (run by `npm ci`) writes dist/ui/, which
// `tributary serve` answers under /_ui/. No plugin: esbuild compiles the TSX.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/_ui/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // One bundle budget, checked by the build itself: docs/ui.md "Size".
    chunkSizeWarningLimit: 900,
    reportCompressedSize: true,
    rollupOptions: {
      // Mantine marks its modules "use client" (for React server components); meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
