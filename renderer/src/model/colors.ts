// The wall's palette: one place for every colour the map and the UI share.
import type { Priority, UnitKind } from '../../../core/domain';

export type RGBA = [number, number, number, number];

export const PRIORITY_COLORS: Record<Priority, RGBA> = {
  1: [235, 64, 52, 255], // red
  2: [245, 135, 35, 255], // orange
  3: [232, 190, 40, 255], // amber
  4: [96, 140, 190, 255], // steel blue
};

export const PRIORITY_CSS: Record<Priority, string> = {
  1: 'rgb(235,64,52)',
  2: 'rgb(245,135,35)',
  3: 'rgb(232,190,40)',
  4: 'rgb(96,140,190)',
};

export const UNIT_COLORS: Record<UnitKind, RGBA> = {
  volunteer: [38, 198, 180, 235], // teal
  patrol: [52, 120, 246, 255], // blue
  police: [120, 150, 255, 255], // light indigo
  vehicle: [186, 120, 240, 255], // violet
};

export const UNIT_CSS: Record<UnitKind, string> = {
  volunteer: 'rgb(38,198,180)',
  patrol: 'rgb(52,120,246)',
  police: 'rgb(120,150,255)',
  vehicle: 'rgb(186,120,240)',
};

export const KIOSK_COLORS = {
  online: [140, 190, 150, 230] as RGBA,
  offline: [110, 110, 110, 200] as RGBA,
  unknown: [150, 160, 170, 200] as RGBA,
  sos: [255, 40, 40, 255] as RGBA,
};

export const CAMERA_COLOR: RGBA = [200, 210, 220, 220];
export const CAMERA_OFFLINE_COLOR: RGBA = [120, 120, 120, 160];
