// npm run build:media: the demo's clue photos (/media/demo/clue-N.jpg), drawn with ffmpeg so
// nothing binary is committed. Placeholders: a silhouette card with a caption, not real people.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFfmpeg } from './make-video.js';

const out = resolve(fileURLToPath(import.meta.url), '../../assets/generated/media/demo');
const CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const LATIN = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

const captions = ['嫌疑人 A · 黑色外套', '嫌疑人 B · 灰色连帽衫', '现场照片 · 服装店', '现场照片 · 商场中庭', '群众线索 · 电动车', '群众线索 · 路口'];
const colours = ['0x2b3a55', '0x3b2f4a', '0x2f4a3b', '0x4a3b2f', '0x2f3b4a', '0x4a2f3b'];

const ffmpeg = findFfmpeg();
if (!ffmpeg) {
  console.warn('build:media: no ffmpeg found; demo clue photos will be missing (the wall works without them)');
  process.exit(0);
}
mkdirSync(out, { recursive: true });
const font = existsSync(CJK) ? CJK : LATIN;
captions.forEach((caption, i) => {
  const file = join(out, `clue-${i + 1}.jpg`);
  if (existsSync(file)) return;
  const text = font === CJK ? caption : `CLUE ${i + 1}`;
  // a head-and-shoulders silhouette: two filled boxes standing in for a photo
  const filter = [
    `drawbox=x=250:y=90:w=140:h=150:color=0x0b0f16@0.9:t=fill`,
    `drawbox=x=180:y=250:w=280:h=230:color=0x0b0f16@0.9:t=fill`,
    `drawtext=fontfile=${font}:text='${text}':x=(w-text_w)/2:y=h-60:fontsize=30:fontcolor=white`,
  ].join(',');
  const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${colours[i]}:s=640x540`, '-vf', filter, '-frames:v', '1', '-q:v', '5', file], { stdio: 'inherit' });
  if (r.status !== 0) console.warn(`build:media: ffmpeg failed for ${file}`);
});
console.log(`build:media: ${captions.length} clue photos in ${out}`);
