// Bundles the Electron main process and the preload into CommonJS files under dist/.
// Dependencies stay external (electron-builder ships node_modules); the preload, which runs
// sandboxed and cannot require our files, is bundled whole.
import { build } from 'esbuild';

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
  logLevel: 'warning',
});
console.log('bundled dist/workers/mqtt-worker.cjs, dist/main/electron.cjs, dist/preload/preload.cjs');
