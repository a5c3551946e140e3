// A tiny icon atlas drawn on a canvas at start-up (no image files, nothing fetched):
// the heading arrow that rides on a unit's dot, and a camera glyph.
export interface IconAtlas {
  atlas: HTMLCanvasElement;
  mapping: Record<string, { x: number; y: number; width: number; height: number; mask: boolean; anchorY?: number }>;
}

const S = 64;

export function drawIconAtlas(doc: Document = document): IconAtlas | null {
  const canvas = doc.createElement('canvas');
  canvas.width = S * 2;
  canvas.height = S;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.fillStyle = '#fff';
  // arrow: a chevron tip above the centre, so it sits just outside the unit's dot
  ctx.beginPath();
  ctx.moveTo(S / 2, 2);
  ctx.lineTo(S / 2 + 11, 20);
  ctx.lineTo(S / 2, 15);
  ctx.lineTo(S / 2 - 11, 20);
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
  return {
    atlas: canvas,
    mapping: {
      arrow: { x: 0, y: 0, width: S, height: S, mask: true, anchorY: S / 2 },
      camera: { x: S, y: 0, width: S, height: S, mask: true, anchorY: S / 2 },
    },
  };
}
