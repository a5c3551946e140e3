// The map's hover text, in an element of the map area's own rather than deck.gl's: deck's tooltip
// lives inside the map, which is isolated below the panels and video tiles, so a unit's text
// beside a tile was drawn under it. One per canvas, as deck's were (the canvas above answers for
// its markers, the one below for the rest); hidden when the map moves, as deck's were.
import type { Map as MaplibreMap } from 'maplibre-gl';

export interface HoverTip {
  /** shows `text` with its top-left at the canvas pixel (x, y); null hides it */
  show(text: string | null, x: number, y: number): void;
  hide(): void;
  destroy(): void;
}

export function mountHoverTip(map: MaplibreMap): HoverTip {
  const container = map.getContainer();
  const host = container.parentElement ?? container;
  const el = document.createElement('div');
  el.className = 'map-tooltip';
  // the video layout keeps tiles clear of panels, not of this
  el.dataset.videoIgnore = '';
  el.style.display = 'none';
  host.appendChild(el);
  const hide = () => {
    el.style.display = 'none';
  };
  map.on('movestart', hide);
  return {
    show(text, x, y) {
      if (!text) return hide();
      // text, never HTML: names come from the feeds
      if (el.textContent !== text) el.textContent = text;
      const dx = container.offsetLeft;
      const dy = container.offsetTop;
      el.style.transform = `translate(${Math.round(x + dx)}px, ${Math.round(y + dy)}px)`;
      el.style.display = 'block';
    },
    hide,
    destroy() {
      map.off('movestart', hide);
      el.remove();
    },
  };
}
