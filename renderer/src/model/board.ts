// Keeping the board still under the operator's hand. After a click on a row's button the rows
// keep their places for a moment (BOARD_HOLD_MS): the acknowledged row does not slide away and
// put the next row's 签收 under the pointer, where a second click would acknowledge the wrong
// alarm. Closing has an undo window (CLOSE_UNDO_MS) during which the row stays, saying so.
import type { BoardRow } from './situation';

export const BOARD_HOLD_MS = 3000;
export const CLOSE_UNDO_MS = 5000;

export interface BoardHold {
  /** incident ids in the order the board showed them */
  order: string[];
  until: number;
}

export const holdOf = (rows: readonly BoardRow[], now: number, forMs = BOARD_HOLD_MS): BoardHold => ({ order: rows.map((r) => r.incident.id), until: now + forMs });

/**
 * The rows in the held order while the hold lasts; rows that arrived meanwhile go after them (the
 * hold is short, and the newest arrival is marked). After it, the rows as sorted.
 */
export function applyHold(rows: readonly BoardRow[], hold: BoardHold | null, now: number): readonly BoardRow[] {
  if (!hold || now >= hold.until) return rows;
  const at = new Map(hold.order.map((id, i) => [id, i]));
  const known = rows.filter((r) => at.has(r.incident.id)).sort((a, b) => at.get(a.incident.id)! - at.get(b.incident.id)!);
  return known.length === rows.length ? known : [...known, ...rows.filter((r) => !at.has(r.incident.id))];
}
