// Live players by camera id, for the debug hook (tiles register while mounted).
import type { TilePlayer } from './player';

export const players = new Map<string, TilePlayer>();
