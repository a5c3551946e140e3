// Live players by camera id, for the debug hook (tiles register while mounted).
import type { TilePlayer } from './player';

/** What a tile needs of its player, in the page (TilePlayer) or in a frame (RemoteTilePlayer). */
export type TilePlayerLike = Pick<TilePlayer, 'start' | 'setSource' | 'retryNow' | 'stats' | 'destroy'> & { element(): HTMLElement | null };

export const players = new Map<string, TilePlayerLike>();
