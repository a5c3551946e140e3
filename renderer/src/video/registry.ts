// What a tile needs of its player, in the page (TilePlayer) or in a frame (RemoteTilePlayer). The
// live players themselves are kept per wall page (ui/context.ts, `players`), for the debug hook.
import type { TilePlayer } from './player';

export type TilePlayerLike = Pick<TilePlayer, 'start' | 'setSource' | 'follow' | 'retryNow' | 'stats' | 'destroy'> & { element(): HTMLElement | null };

/** Whether any tile's player is still on its way to a first picture. */
export function anyStarting(players: Iterable<Pick<TilePlayerLike, 'stats'>>): boolean {
  for (const p of players) if (p.stats().state === 'loading') return true;
  return false;
}
