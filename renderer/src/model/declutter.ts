// Labels never pile up: a small screen-space collision pass. Candidates are taken in priority
// order and a label is shown only if its box touches no box already shown and no obstacle (the
// markers themselves). Pure, so it is unit-tested and cheap enough to rerun on every view change.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface LabelCandidate<T> {
  item: T;
  box: Box;
  /** lower is more important */
  priority: number;
}

const CELL = 64;

function overlaps(a: Box, b: Box, pad: number): boolean {
  return a.x < b.x + b.w + pad && b.x < a.x + a.w + pad && a.y < b.y + b.h + pad && b.y < a.y + a.h + pad;
}

class BoxGrid {
  private cells = new Map<number, Box[]>();
  private cellsOf(b: Box, pad: number): number[] {
    const out: number[] = [];
    const x0 = Math.floor((b.x - pad) / CELL);
    const x1 = Math.floor((b.x + b.w + pad) / CELL);
    const y0 = Math.floor((b.y - pad) / CELL);
    const y1 = Math.floor((b.y + b.h + pad) / CELL);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) out.push(((x + 32768) << 16) | (y + 32768));
    return out;
  }
  add(b: Box): void {
    for (const c of this.cellsOf(b, 0)) {
      const list = this.cells.get(c);
      if (list) list.push(b);
      else this.cells.set(c, [b]);
    }
  }
  hits(b: Box, pad: number): boolean {
    for (const c of this.cellsOf(b, pad)) {
      const list = this.cells.get(c);
      if (list) for (const o of list) if (overlaps(b, o, pad)) return true;
    }
    return false;
  }
}

export interface DeclutterOptions {
  /** only boxes inside this area are considered (the canvas); others are dropped */
  bounds?: Box;
  /** gap kept between labels, pixels */
  pad?: number;
}

/** The items whose labels are shown, in priority order. Ties keep the input order. */
export function declutter<T>(candidates: readonly LabelCandidate<T>[], obstacles: readonly Box[] = [], opts: DeclutterOptions = {}): T[] {
  const pad = opts.pad ?? 2;
  const grid = new BoxGrid();
  for (const o of obstacles) grid.add(o);
  const order = candidates.map((c, i) => i).sort((a, b) => candidates[a].priority - candidates[b].priority || a - b);
  const shown: T[] = [];
  const b = opts.bounds;
  for (const i of order) {
    const c = candidates[i];
    const box = c.box;
    if (b && (box.x < b.x || box.y < b.y || box.x + box.w > b.x + b.w || box.y + box.h > b.y + b.h)) continue;
    if (grid.hits(box, pad)) continue;
    grid.add(box);
    shown.push(c.item);
  }
  return shown;
}

/** Width of a text in pixels at a font size, estimated: CJK one em, Latin and digits ~0.6 em. */
export function textWidth(text: string, size: number, letterSpacingEm = 0): number {
  let em = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    em += (c >= 0x2e80 ? 1 : c === 32 ? 0.3 : 0.6) + letterSpacingEm;
  }
  return em * size;
}

/** Box of a label centred on x whose bottom edge sits at y (or centred on y with `anchor: 'center'`). */
export function labelBox(x: number, y: number, text: string, size: number, padX = 0, padY = 0, anchor: 'bottom' | 'center' = 'bottom', letterSpacingEm = 0): Box {
  const w = textWidth(text, size, letterSpacingEm) + 2 * padX;
  const h = size * 1.2 + 2 * padY;
  return { x: x - w / 2, y: anchor === 'bottom' ? y - h : y - h / 2, w, h };
}

/** Box of a circular marker. */
export function circleBox(x: number, y: number, r: number): Box {
  return { x: x - r, y: y - r, w: 2 * r, h: 2 * r };
}
