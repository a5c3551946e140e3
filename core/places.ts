// A place: a named landmark from the places registry (a gazetteer of malls, stations, schools,
// squares…) so an operator who hears "万达" can find it. Reference data, never live: search lists
// places and the map shows one when it is chosen. Types only, no dependencies: the renderer imports
// this; the registry file is parsed in reference.ts.
import type { GridRef } from './domain.js';

/** A named landmark as the renderer gets it: coordinates in the map datum. */
export interface Place {
  /** the file's id, or `#<index>` for an entry that has none */
  id: string;
  name: string;
  /** other names it is known by (万达, 福州站): search matches them like the name */
  aliases?: string[];
  /** what it is (mall, station, school, park, square…): free text, shown translated when known */
  kind?: string;
  lat: number;
  lon: number;
  /** the grid it lies in, where grids are configured (tagged by the host, not read from the file) */
  grid?: GridRef;
}

/** Ids the host makes up for entries without one start with this; a file's own may not. */
export const GENERATED_PLACE_ID = '#';

/** Whether a place's id came from its file (and so means something to whoever wrote it). */
export const hasOwnId = (p: Pick<Place, 'id'>): boolean => !p.id.startsWith(GENERATED_PLACE_ID);
