// A picture of the wall's map at a recorded moment, for a case's report (docs/cases.md): the
// situation the services recorded then goes through the wall's own model (a store of its own, the
// replay clock at that moment, the incident selected), its own style, layers and icons, on a map
// made for the picture away from the screen; the map and both deck.gl canvases are then drawn
// into one PNG. Nothing of the wall's own map or store is touched.
import { Map as MaplibreMap } from 'maplibre-gl';
import type { Health, ReferencePayload } from '../../../core/contract';
import type { IncidentKind } from '../../../core/domain';
import type { SituationSnapshot } from '../../../core/situation/situation';
import { pictureBounds } from '../model/picture-view';
import { createWallStore } from '../state/store';
import { attachBasemap } from './basemap';
import { stillLayers } from './frame-loop';
import { sharedIconAtlas } from './icons';
import { LayerMemo } from './layers';
import { setMapWorkerUrl } from './map-worker';
import { mountOverlays } from './overlays';
import { RedrawBudget } from './redrawBudget';
import { buildStyle } from './style';

// a picture may be the page's first map (a case exported before the wall's map was made)
setMapWorkerUrl();

/** What every picture of one session shares: the wall's reference data, the size, the words. */
export interface PictureSession {
  reference: ReferencePayload | null;
  health: Health;
  width: number;
  height: number;
  kindLabel: (k: IncidentKind) => string;
  language: string;
  /** a picture gives up after this long (a map that never settles) */
  timeoutMs?: number;
}

/** One moment to picture. */
export interface PictureMoment {
  situation: SituationSnapshot;
  /** the moment (the replay clock the picture is read against) */
  at: number;
  /** the incident the moment is about: selected, and in the middle */
  incidentId: string;
  /** a line across the top of the picture (when, what, which incident), so the file says what it shows on its own */
  caption?: string;
}

export type PictureOrder = PictureSession & PictureMoment;

/** Pictures drawn one after another on one map (a case's key moments); closed when done. */
export interface MapPictures {
  draw(moment: PictureMoment): Promise<Blob>;
  close(): void;
}

/**
 * Markers, lines and labels as the wall draws them on a display 1.5× as wide as 1920 (the wall's
 * own scale for that): a report shows the picture at about half its size, where the 1920 wall's
 * markers would be specks.
 */
const PICTURE_SCALE = 1.5;

const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));

/** The model of the picture: the wall's reducer fed the recorded situation as a paused replay at `at`. */
function pictureStore(o: PictureSession & PictureMoment) {
  const store = createWallStore(Date.now());
  const { dispatch } = store.getState();
  const now = Date.now();
  dispatch({ type: 'webgl', state: 'ok' });
  if (o.reference) dispatch({ type: 'reference', reference: o.reference });
  dispatch({ type: 'server', at: now, message: { type: 'player', player: { mode: 'replay', from: o.at, to: o.at + 1, at: o.at, playing: false, speed: 1, loading: false, markers: [], density: { bucketMs: 1, counts: [] }, bookmarks: [], error: null } } });
  dispatch({ type: 'server', at: now, message: { type: 'snapshot', situation: o.situation, health: o.health } });
  dispatch({ type: 'select', id: o.incidentId });
  return store;
}

/** Resolves once `ready()` holds, polled each frame; rejects after `ms`. */
async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const start = performance.now();
  while (!ready()) {
    if (performance.now() - start > ms) throw new Error(`the map picture timed out waiting for ${what}`);
    await nextFrame();
  }
}

/** Renders one picture; a PNG. */
export async function renderMapPicture(o: PictureOrder): Promise<Blob> {
  const pictures = openMapPictures(o, o);
  try {
    return await pictures.draw(o);
  } finally {
    pictures.close();
  }
}

/**
 * A map for pictures, away from the screen: made once, then each moment is its own model's layers
 * on it, the camera fitted to that moment. A map costs far more to make (its style takes the whole
 * grid GeoJSON to maplibre's worker, three WebGL contexts compile their shaders) than to move and
 * redraw, and a case's moments are usually of one place. The map starts where `first` is.
 */
export function openMapPictures(o: PictureSession, first?: PictureMoment): MapPictures {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const el = document.createElement('div');
  // away from the screen, at the picture's size (maplibre sizes itself from its container)
  el.style.cssText = `position:fixed;left:-${o.width + 200}px;top:0;width:${o.width}px;height:${o.height}px;pointer-events:none;`;
  el.setAttribute('aria-hidden', 'true');
  el.dataset.testid = 'map-picture';
  document.body.appendChild(el);
  const view = o.reference?.view ?? { lon: 119.3, lat: 26.06, zoom: 11.5 };
  const padding = Math.round(Math.min(o.width, o.height) * 0.12);
  const firstBounds = first ? pictureBounds(first.situation, first.incidentId) : null;
  const map = new MaplibreMap({
    container: el,
    style: buildStyle(o.reference?.grids ?? null, PICTURE_SCALE),
    ...(firstBounds ? { bounds: firstBounds, fitBoundsOptions: { padding, maxZoom: 16 } } : { center: [view.lon, view.lat] as [number, number], zoom: view.zoom }),
    interactive: false,
    attributionControl: false,
    localIdeographFontFamily: '"Noto Sans CJK SC", "Noto Sans SC", sans-serif',
    fadeDuration: 0,
    pixelRatio: 1,
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  let basemapError: Error | null = null;
  const detachBasemap = attachBasemap(map, o.reference?.basemapUrl, (e) => (basemapError = e));
  const overlays = mountOverlays(map, { budget: new RedrawBudget(), tooltip: () => null, onRemount: () => {}, keepPixels: true });
  let idle = false;
  map.on('idle', () => (idle = true));
  let closed = false;
  // one picture at a time: each moves the one map
  let queue: Promise<unknown> = Promise.resolve();

  const drawOne = async (m: PictureMoment): Promise<Blob> => {
    if (closed) throw new Error('the map pictures were closed');
    await until(() => map.loaded() && overlays.ready(), timeoutMs, 'the map to load');
    const store = pictureStore({ ...o, ...m });
    const bounds = pictureBounds(m.situation, m.incidentId);
    if (bounds) map.fitBounds(bounds, { padding, maxZoom: 16, animate: false });
    else map.jumpTo({ center: [view.lon, view.lat], zoom: view.zoom });
    const size = { width: o.width, height: o.height };
    const { base, alerts } = stillLayers(store.getState(), { map, size, scale: PICTURE_SCALE, icons: sharedIconAtlas(), kindLabel: o.kindLabel, language: () => o.language }, new LayerMemo());
    const before = overlays.stats();
    const drawn = () => {
      const now = overlays.stats();
      return now.alertRedraws > before.alertRedraws && now.redraws - now.alertRedraws > before.redraws - before.alertRedraws;
    };
    overlays.setBase(base);
    overlays.setAlerts(alerts);
    idle = false;
    map.triggerRepaint();
    // each canvas drawn with these layers, and the map with every tile and label in place
    await until(() => drawn() && idle && !map.isMoving(), timeoutMs, 'the map to settle');
    await nextFrame();
    if (basemapError) console.warn('map picture without its basemap:', basemapError);
    return await compose(el, o.width, o.height, m.caption);
  };

  return {
    draw(m) {
      const next = queue.then(() => drawOne(m));
      queue = next.catch(() => undefined);
      return next;
    },
    close() {
      if (closed) return;
      closed = true;
      const canvases = [...el.querySelectorAll('canvas')];
      overlays.destroy();
      detachBasemap();
      map.remove();
      // neither maplibre nor luma.gl gives its WebGL context up when removed, and a page may hold
      // only 16: every picture session takes three, and after a few exports Chromium would take
      // the oldest — the live wall's own map — to make room for the next
      for (const c of canvases) releaseContext(c);
      el.remove();
    },
  };
}

/** A picture as a `data:` URL (base64 after the comma). */
export function dataUrlOf(png: Blob): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('the picture could not be read'));
    r.readAsDataURL(png);
  });
}

/** Gives a canvas's WebGL context back to the browser now, not when it is collected. */
function releaseContext(canvas: HTMLCanvasElement): void {
  try {
    (canvas.getContext('webgl2') as WebGL2RenderingContext | null)?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    // not a WebGL canvas, or already lost
  }
}

/** The caption's band: the wall's dark panel colour, its text in the wall's font. */
function drawCaption(ctx: CanvasRenderingContext2D, text: string, width: number): void {
  const size = Math.round(width / 56);
  ctx.font = `600 ${size}px "Noto Sans CJK SC", "Noto Sans SC", sans-serif`;
  const pad = Math.round(size * 0.6);
  const shown = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  const w = Math.min(width, ctx.measureText(shown).width + 2 * pad);
  ctx.fillStyle = 'rgba(10, 14, 20, 0.82)';
  ctx.fillRect(0, 0, w, size + 2 * pad);
  ctx.fillStyle = '#e8edf3';
  ctx.textBaseline = 'top';
  ctx.fillText(shown, pad, pad, width - 2 * pad);
}

/** The map's canvas and the overlays' above it, in their order on the page, as one PNG. */
async function compose(el: HTMLElement, width: number, height: number, caption?: string): Promise<Blob> {
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to compose the map picture on');
  for (const c of el.querySelectorAll('canvas')) {
    if (c.width === 0 || c.height === 0 || c.style.display === 'none') continue;
    ctx.drawImage(c, 0, 0, width, height);
  }
  if (caption) drawCaption(ctx, caption, width);
  return await new Promise<Blob>((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the map picture could not be encoded'))), 'image/png'));
}
