// deck.gl on the map: two overlays, two canvases — `base` (grids, kiosks, units, area names)
// below and `alerts` (incidents, SOS kiosks, the search ring) above, so an alarm or a pulse
// repaints only the upper one. luma.gl does not restore a lost WebGL context: on a loss both
// overlays are thrown away and made anew.
import type { Layer } from '@deck.gl/core';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Map as MaplibreMap } from 'maplibre-gl';
import { mountHoverTip } from './hover-tip';
import type { RedrawBudget } from './redrawBudget';
import { overlayContextAttributes, webglProbe } from './webgl';

/** The Deck inside an overlay (MapboxOverlay keeps it private). */
export type OverlayDeck = { props: { layers: unknown[] }; pickObject(o: { x: number; y: number; radius?: number; layerIds?: string[] }): unknown; redraw(reason?: unknown): void };

type HoverInfo = { layer?: { id: string } | null; object?: unknown; index: number; picked?: boolean; x: number; y: number };
type Tooltip = (info: HoverInfo) => { text: string; className: string } | null;

export interface Overlays {
  /** both mounted (none while a lost context is being replaced) */
  ready(): boolean;
  setBase(layers: Layer[]): void;
  setAlerts(layers: Layer[]): void;
  /** an alarm marker (on the canvas above) at this pixel */
  alertAt(x: number, y: number): boolean;
  /** the grid filled at this pixel (the canvas below), if any */
  gridAt(x: number, y: number): string | null;
  /** both decks as one: layers in drawing order, picking from the top canvas down (tests, benchmarks) */
  deck(): unknown;
  /** the base overlay (its canvas: tests read its context attributes) */
  overlay(): MapboxOverlay | null;
  stats(): { redraws: number; alertRedraws: number };
  destroy(): void;
}

export interface OverlayOptions {
  tooltip: Tooltip;
  /** routine redraws (units moving) are what the budget spaces out */
  budget: RedrawBudget;
  /** both overlays were made anew (after a lost context): everything must be handed over again */
  onRemount(): void;
  /** keep what was drawn readable after it is shown (a picture of the map is read back: map-picture.ts) */
  keepPixels?: boolean;
}

const deckOf = (o: MapboxOverlay | null) => (o as unknown as { _deck?: OverlayDeck } | null)?._deck ?? null;

/** One overlay on its own canvas, drawn without multisampling on a software renderer. */
function makeOverlay(o: { onHover(info: HoverInfo): void; onAfterRender(): void; watchLoss(device: { lost: Promise<unknown> }): void; keepPixels?: boolean }): MapboxOverlay {
  return new MapboxOverlay({
    interleaved: false,
    deviceProps: { webgl: { ...overlayContextAttributes(webglProbe().software), ...(o.keepPixels ? { preserveDrawingBuffer: true } : {}) } },
    layers: [],
    onHover: o.onHover as never,
    onAfterRender: o.onAfterRender,
    onDeviceInitialized: o.watchLoss,
  });
}

/** Both decks as one (tests, benchmarks): layers in drawing order, picking from the top canvas down. */
function bothAsOne(base: () => OverlayDeck | null, alerts: () => OverlayDeck | null, b: OverlayDeck, a: OverlayDeck) {
  return {
    get props() {
      return { layers: [...(base()?.props.layers ?? []), ...(alerts()?.props.layers ?? [])] };
    },
    pickObject: (o: { x: number; y: number; radius?: number }) => a.pickObject(o) ?? b.pickObject(o),
    redraw: (reason?: unknown) => {
      b.redraw(reason);
      a.redraw(reason);
    },
    base: b,
    alerts: a,
  };
}

function removeAll(map: MaplibreMap, overlays: (MapboxOverlay | null)[]): void {
  for (const o of overlays) {
    if (!o) continue;
    try {
      map.removeControl(o);
    } catch {
      /* already gone */
    }
  }
}

export function mountOverlays(map: MaplibreMap, opts: OverlayOptions): Overlays {
  let base: MapboxOverlay | null = null;
  let alerts: MapboxOverlay | null = null;
  let disposed = false;
  let redraws = 0;
  let alertRedraws = 0;
  let combined: unknown = null;
  const tipBelow = mountHoverTip(map);
  const tipAbove = mountHoverTip(map);

  const alertAt = (x: number, y: number) => {
    try {
      return deckOf(alerts)?.pickObject({ x, y, radius: 2 }) != null;
    } catch {
      return false;
    }
  };

  const gridAt = (x: number, y: number): string | null => {
    try {
      const hit = deckOf(base)?.pickObject({ x, y, radius: 0, layerIds: ['grid-fill'] }) as { object?: { properties?: { id?: unknown } } } | null | undefined;
      const id = hit?.object?.properties?.id;
      return typeof id === 'string' ? id : null;
    } catch {
      return null;
    }
  };

  const mount = () => {
    // a loss of either canvas (a stale one's no longer counts) remounts both
    const watch = (mine: MapboxOverlay) => (device: { lost: Promise<unknown> }) =>
      void device.lost.then(() => {
        // a context given up on purpose (destroyed overlays: map-picture.ts) is no loss
        if (!disposed && (base === mine || alerts === mine)) onLost();
      });
    const below = makeOverlay({
      // the canvas above answers for its own markers
      onHover: (info) => tipBelow.show(info.picked && alertAt(info.x, info.y) ? null : (opts.tooltip(info)?.text ?? null), info.x, info.y),
      onAfterRender: () => {
        redraws++;
        opts.budget.rendered(performance.now());
      },
      watchLoss: (device) => watch(below)(device),
      keepPixels: opts.keepPixels,
    });
    const above = makeOverlay({
      onHover: (info) => tipAbove.show(opts.tooltip(info)?.text ?? null, info.x, info.y),
      onAfterRender: () => {
        redraws++;
        alertRedraws++;
      },
      watchLoss: (device) => watch(above)(device),
      keepPixels: opts.keepPixels,
    });
    base = below;
    alerts = above;
    // added second: its canvas lies above the base one
    map.addControl(below);
    map.addControl(above);
    combined = null;
  };

  const onLost = () => {
    console.warn('deck.gl WebGL context lost; remounting the overlays');
    removeAll(map, [base, alerts]);
    base = null;
    alerts = null;
    setTimeout(() => {
      if (disposed || base) return;
      mount();
      opts.onRemount();
    }, 250);
  };

  mount();
  return {
    ready: () => base !== null && alerts !== null,
    setBase: (layers) => base?.setProps({ layers }),
    setAlerts: (layers) => alerts?.setProps({ layers }),
    alertAt,
    gridAt,
    deck() {
      const b = deckOf(base);
      const a = deckOf(alerts);
      if (!b || !a) return null;
      combined ??= bothAsOne(() => deckOf(base), () => deckOf(alerts), b, a);
      return combined;
    },
    overlay: () => base,
    stats: () => ({ redraws, alertRedraws }),
    destroy() {
      disposed = true;
      tipBelow.destroy();
      tipAbove.destroy();
    },
  };
}
