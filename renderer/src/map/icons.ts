// A small icon atlas drawn on a canvas at start-up (no image files, nothing fetched): the
// heading arrow that rides on a unit's dot, a camera glyph, and one pictogram per incident kind
// (drawn dark on the priority-coloured marker). All are masks: deck.gl tints them.
import { INCIDENT_KINDS, type IncidentKind } from '../../../core/domain';

export interface IconAtlas {
  atlas: HTMLCanvasElement;
  mapping: Record<string, { x: number; y: number; width: number; height: number; mask: boolean; anchorY?: number }>;
}

const S = 64;
const COLS = 6;

type Ctx = CanvasRenderingContext2D;

/** Cuts a shape out of what is drawn (transparent), then goes back to painting. */
function cut(ctx: Ctx, draw: () => void): void {
  ctx.save();
  ctx.globalCompositeOperation = 'destination-out';
  draw();
  ctx.restore();
}

/** One pictogram per kind, in a 64×64 cell whose origin is the cell's top-left corner. */
export const KIND_GLYPHS: Record<IncidentKind, (ctx: Ctx) => void> = {
  // theft: a handbag
  theft(ctx) {
    ctx.lineWidth = 6;
    ctx.beginPath();
    ctx.arc(32, 24, 11, Math.PI, 0);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(12, 26);
    ctx.lineTo(52, 26);
    ctx.lineTo(56, 54);
    ctx.lineTo(8, 54);
    ctx.closePath();
    ctx.fill();
  },
  // fight: two crossed batons
  fight(ctx) {
    ctx.lineCap = 'round';
    ctx.lineWidth = 9;
    ctx.beginPath();
    ctx.moveTo(12, 12);
    ctx.lineTo(52, 52);
    ctx.moveTo(52, 12);
    ctx.lineTo(12, 52);
    ctx.stroke();
  },
  // drugs: a capsule, split
  drugs(ctx) {
    ctx.save();
    ctx.translate(32, 32);
    ctx.rotate(-Math.PI / 4);
    ctx.beginPath();
    ctx.roundRect(-26, -11, 52, 22, 11);
    ctx.fill();
    cut(ctx, () => {
      ctx.beginPath();
      ctx.roundRect(2, -6, 19, 12, 6);
      ctx.fill();
    });
    ctx.restore();
  },
  // mental: a spiral
  mental(ctx) {
    ctx.lineWidth = 6;
    ctx.lineCap = 'round';
    ctx.beginPath();
    for (let a = 0; a <= Math.PI * 5; a += 0.1) {
      const r = 2 + a * 1.6;
      const x = 32 + r * Math.cos(a);
      const y = 32 + r * Math.sin(a);
      if (a === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
  },
  // terror: a warning triangle with "!"
  terror(ctx) {
    ctx.beginPath();
    ctx.moveTo(32, 4);
    ctx.lineTo(61, 56);
    ctx.lineTo(3, 56);
    ctx.closePath();
    ctx.fill();
    cut(ctx, () => {
      ctx.fillRect(28.5, 20, 7, 20);
      ctx.fillRect(28.5, 44, 7, 7);
    });
  },
  // urban management: a building with windows
  urban(ctx) {
    ctx.fillRect(14, 8, 36, 50);
    cut(ctx, () => {
      for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) ctx.fillRect(20 + c * 15, 13 + r * 11, 9, 6);
      ctx.fillRect(27, 49, 10, 9);
    });
  },
  // SOS: a bell
  sos(ctx) {
    ctx.beginPath();
    ctx.moveTo(32, 6);
    ctx.bezierCurveTo(17, 6, 15, 20, 15, 30);
    ctx.lineTo(15, 40);
    ctx.lineTo(8, 48);
    ctx.lineTo(56, 48);
    ctx.lineTo(49, 40);
    ctx.lineTo(49, 30);
    ctx.bezierCurveTo(49, 20, 47, 6, 32, 6);
    ctx.fill();
    ctx.beginPath();
    ctx.arc(32, 53, 7, 0, Math.PI * 2);
    ctx.fill();
  },
  // fire: a flame with an inner tongue cut out
  fire(ctx) {
    ctx.beginPath();
    ctx.moveTo(32, 4);
    ctx.bezierCurveTo(38, 18, 54, 26, 52, 42);
    ctx.bezierCurveTo(51, 53, 42, 60, 32, 60);
    ctx.bezierCurveTo(22, 60, 13, 53, 12, 42);
    ctx.bezierCurveTo(11, 30, 22, 24, 24, 14);
    ctx.bezierCurveTo(28, 20, 28, 26, 30, 28);
    ctx.bezierCurveTo(32, 20, 31, 12, 32, 4);
    ctx.fill();
    cut(ctx, () => {
      ctx.beginPath();
      ctx.moveTo(32, 34);
      ctx.bezierCurveTo(36, 42, 42, 46, 40, 52);
      ctx.bezierCurveTo(38, 56, 26, 56, 24, 52);
      ctx.bezierCurveTo(22, 46, 30, 42, 32, 34);
      ctx.fill();
    });
  },
  // traffic: a car, side view
  traffic(ctx) {
    ctx.beginPath();
    ctx.moveTo(18, 28);
    ctx.lineTo(24, 14);
    ctx.lineTo(42, 14);
    ctx.lineTo(48, 28);
    ctx.closePath();
    ctx.fill();
    ctx.beginPath();
    ctx.roundRect(4, 27, 56, 17, 5);
    ctx.fill();
    cut(ctx, () => {
      ctx.fillRect(26, 18, 6, 10);
      ctx.fillRect(35, 18, 6, 10);
      ctx.beginPath();
      ctx.arc(18, 46, 8.5, 0, Math.PI * 2);
      ctx.arc(46, 46, 8.5, 0, Math.PI * 2);
      ctx.fill();
    });
    ctx.beginPath();
    ctx.arc(18, 46, 5.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.beginPath();
    ctx.arc(46, 46, 5.5, 0, Math.PI * 2);
    ctx.fill();
  },
  // other: three dots
  other(ctx) {
    for (const x of [12, 32, 52]) {
      ctx.beginPath();
      ctx.arc(x, 32, 7, 0, Math.PI * 2);
      ctx.fill();
    }
  },
};

export const kindIcon = (k: IncidentKind) => `kind-${k}`;

export function drawIconAtlas(doc: Document = document): IconAtlas | null {
  const canvas = doc.createElement('canvas');
  const names = ['arrow', 'camera', ...INCIDENT_KINDS.map(kindIcon)];
  const rows = Math.ceil(names.length / COLS);
  canvas.width = S * COLS;
  canvas.height = S * rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#fff';
  ctx.strokeStyle = '#fff';
  // arrow: an arrowhead ahead of the unit's dot, clear of it (the icon is drawn at four times the
  // dot's radius, so the dot's edge is at y = 16 here)
  ctx.beginPath();
  ctx.moveTo(S / 2, 0);
  ctx.lineTo(S / 2 + 11, 14);
  ctx.lineTo(S / 2, 10);
  ctx.lineTo(S / 2 - 11, 14);
  ctx.closePath();
  ctx.fill();
  // camera: body and lens
  const x = S;
  ctx.beginPath();
  ctx.roundRect(x + 8, 20, 36, 26, 5);
  ctx.fill();
  ctx.beginPath();
  ctx.moveTo(x + 44, 28);
  ctx.lineTo(x + 58, 20);
  ctx.lineTo(x + 58, 46);
  ctx.lineTo(x + 44, 38);
  ctx.closePath();
  ctx.fill();
  const mapping: IconAtlas['mapping'] = {};
  names.forEach((name, i) => {
    const cx = (i % COLS) * S;
    const cy = Math.floor(i / COLS) * S;
    mapping[name] = { x: cx, y: cy, width: S, height: S, mask: true, anchorY: S / 2 };
    // the arrow is cropped tight (a quarter of the cell's height, half its width) so each unit
    // costs a small quad; its anchor stays at the cell's centre, i.e. the unit's position
    if (i === 0) mapping[name] = { x: S / 4, y: 0, width: S / 2, height: S / 4, mask: true, anchorY: S / 2 };
    if (i < 2) return;
    ctx.save();
    ctx.beginPath();
    ctx.rect(cx, cy, S, S);
    ctx.clip();
    ctx.translate(cx, cy);
    KIND_GLYPHS[INCIDENT_KINDS[i - 2]](ctx);
    ctx.restore();
  });
  return { atlas: canvas, mapping };
}

const urls = new Map<string, string>();

/** A data URL of one icon, tinted, for the legend and the board (cached). */
export function iconDataUrl(atlas: IconAtlas, name: string, color: string, size = 32): string {
  const key = `${name}|${color}|${size}`;
  const hit = urls.get(key);
  if (hit) return hit;
  const m = atlas.mapping[name];
  const c = atlas.atlas.ownerDocument.createElement('canvas');
  c.width = size;
  c.height = size;
  const ctx = c.getContext('2d');
  if (!m || !ctx) return '';
  // fit, keeping the icon's proportions
  const f = size / Math.max(m.width, m.height);
  const w = m.width * f;
  const h = m.height * f;
  ctx.drawImage(atlas.atlas, m.x, m.y, m.width, m.height, (size - w) / 2, (size - h) / 2, w, h);
  ctx.globalCompositeOperation = 'source-in';
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, size, size);
  const url = c.toDataURL('image/png');
  urls.set(key, url);
  return url;
}

let shared: IconAtlas | null | undefined;
/** One atlas per page, shared by the map and the legend. */
export function sharedIconAtlas(): IconAtlas | null {
  if (shared === undefined) shared = typeof document === 'undefined' ? null : drawIconAtlas();
  return shared;
}
