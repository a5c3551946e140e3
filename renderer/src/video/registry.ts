// What a tile needs of its player, in the page (TilePlayer) or in a frame (RemoteTilePlayer). The
// live players themselves are kept per wall page (ui/context.ts, `players`), for the debug hook.
import type { TilePlayer } from './player';

export type TilePlayerLike = Pick<TilePlayer, 'start' | 'setSource' | 'follow' | 'retryNow' | 'stats' | 'destroy'> & { element(): HTMLElement | null };
