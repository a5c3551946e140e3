// The basemap style, built from the grid GeoJSON itself: no internet tiles, no glyph server.
// Calm and dark, for a wall. Area names are not drawn here but by deck.gl (layers.ts), where one
// collision pass keeps them clear of incident markers and labels.
import type { StyleSpecification } from 'maplibre-gl';

export const GRID_SOURCE = 'grids';
export const GRID_LAYER_IDS = ['district-fill', 'district-line', 'street-line', 'community-line', 'grid-line', 'city-line'] as const;

export const COLORS = {
  background: '#0a0f15',
  districtFill: '#101923',
  districtLine: '#3d5670',
  streetLine: '#2c4157',
  communityLine: '#24364a',
  gridLine: '#1f3042',
  label: '#8aa4bf',
  labelHalo: '#0a0f15',
};

const empty = { type: 'FeatureCollection', features: [] } as const;

/** `scale` enlarges lines and labels on big walls (1 at 1920 px wide, 2 at 3840). */
export function buildStyle(grids: unknown | null, scale = 1): StyleSpecification {
  const level = (l: string) => ['==', ['get', 'level'], l] as ['==', ['get', string], string];
  return {
    version: 8,
    name: 'watchfloor-dark',
    sources: {
      [GRID_SOURCE]: { type: 'geojson', data: (grids ?? empty) as GeoJSON.FeatureCollection },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      {
        id: 'district-fill',
        type: 'fill',
        source: GRID_SOURCE,
        filter: level('district'),
        paint: { 'fill-color': COLORS.districtFill, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.9, 14, 0.6] },
      },
      {
        id: 'grid-line',
        type: 'line',
        source: GRID_SOURCE,
        filter: level('grid'),
        minzoom: 14.5,
        paint: { 'line-color': COLORS.gridLine, 'line-width': 0.8 * scale },
      },
      {
        id: 'community-line',
        type: 'line',
        source: GRID_SOURCE,
        filter: level('community'),
        minzoom: 13,
        paint: { 'line-color': COLORS.communityLine, 'line-width': 1 * scale, 'line-dasharray': [3, 2] },
      },
      {
        id: 'street-line',
        type: 'line',
        source: GRID_SOURCE,
        filter: level('street'),
        minzoom: 11,
        paint: { 'line-color': COLORS.streetLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.8 * scale, 14, 1.4 * scale] },
      },
      {
        id: 'district-line',
        type: 'line',
        source: GRID_SOURCE,
        filter: level('district'),
        paint: { 'line-color': COLORS.districtLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1 * scale, 14, 2.2 * scale] },
      },
      {
        id: 'city-line',
        type: 'line',
        source: GRID_SOURCE,
        filter: level('city'),
        paint: { 'line-color': '#4d6b8a', 'line-width': 2 * scale },
      },
    ],
  };
}
