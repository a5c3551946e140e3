// Bundles the Electron main process and the preload into CommonJS files under dist/.
// Dependencies stay external (electron-builder ships node_modules); the preload, which runs
// sandboxed and cannot require our files, is bundled whole.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const quietDebugFile = fileURLToPath(new URL('./quiet-debug.cjs', import.meta.url));
/** `debug` → build/quiet-debug.cjs for every importer but the shim itself (see there why). */
const quietDebug = {
  name: 'quiet-debug',
  setup(b) {
    b.onResolve({ filter: /^debug$/ }, (args) => (args.importer === quietDebugFile ? undefined : { path: quietDebugFile }));
  },
};

await build({
  entryPoints: ['main/electron/main.ts'],
  outfile: 'dist/main/electron.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
await build({
  entryPoints: ['preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  logLevel: 'warning',
});
// The ingest worker is bundled whole (mqtt.js included) so it loads the same from a checkout,
// from dist/ and from an unpacked asar, with no module resolution at run time.
await build({
  entryPoints: ['main/services/mqtt-worker.ts'],
  outfile: 'dist/workers/mqtt-worker.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  plugins: [quietDebug],
  logLevel: 'warning',
});
console.log('bundled dist/workers/mqtt-worker.cjs, dist/main/electron.cjs, dist/preload/preload.cjs');
