// The basemap style, built from the grid GeoJSON itself: no internet tiles, no glyph server
// (labels are drawn locally with the CJK system font). Calm and dark, for a wall.
import type { StyleSpecification } from 'maplibre-gl';
import { labelPoints } from './labels';

export const GRID_SOURCE = 'grids';
export const LABEL_SOURCE = 'grid-labels';
export const GRID_LAYER_IDS = ['district-fill', 'district-line', 'street-line', 'community-line', 'grid-line', 'city-line', 'street-label'] as const;
export const LABEL_FONT = ['Noto Sans CJK SC Regular'];

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
      [LABEL_SOURCE]: { type: 'geojson', data: labelPoints(grids, ['district', 'street']) as GeoJSON.FeatureCollection },
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
      {
        id: 'district-label',
        type: 'symbol',
        source: LABEL_SOURCE,
        filter: level('district'),
        maxzoom: 14.5,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': LABEL_FONT,
          'text-size': ['interpolate', ['linear'], ['zoom'], 8, 13 * scale, 12, 18 * scale],
          'text-letter-spacing': 0.15,
          'text-allow-overlap': false,
        },
        paint: { 'text-color': COLORS.label, 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 1.5 * scale, 'text-opacity': 0.85 },
      },
      {
        id: 'street-label',
        type: 'symbol',
        source: LABEL_SOURCE,
        filter: level('street'),
        minzoom: 12.5,
        maxzoom: 15.5,
        layout: {
          'text-field': ['get', 'name'],
          'text-font': LABEL_FONT,
          'text-size': 12 * scale,
        },
        paint: { 'text-color': '#6a8299', 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 1.2 * scale, 'text-opacity': 0.8 },
      },
    ],
  };
}
