// Bookmarks in recordings: a moment and a note, kept in <data>/replay/bookmarks.json for everyone
// who replays that period (written whole: temporary file, then rename; 0600).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Bookmark } from '../../core/player.js';

export const MAX_BOOKMARKS = 10_000;
export const MAX_BOOKMARK_NOTE = 500;

export class BookmarkStore {
  private items: Bookmark[] = [];
  error: string | null = null;

  constructor(private readonly path: string | null) {
    if (!path) return;
    try {
      const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      if (Array.isArray(raw))
        this.items = raw.filter(
          (b): b is Bookmark => typeof b === 'object' && b !== null && typeof b.id === 'string' && typeof b.at === 'number' && typeof b.note === 'string' && typeof b.createdAt === 'number',
        );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.error = `bookmarks ${path} unreadable: ${(e as Error).message}`;
    }
  }

  /** Bookmarks in [from, to], in time order. */
  list(from: number, to: number): Bookmark[] {
    return this.items.filter((b) => b.at >= from && b.at <= to).sort((a, b) => a.at - b.at);
  }

  add(at: number, note: string, by: string | undefined, now: number): Bookmark {
    const b: Bookmark = { id: randomUUID(), at, note: note.slice(0, MAX_BOOKMARK_NOTE), ...(by ? { by } : {}), createdAt: now };
    this.items.push(b);
    if (this.items.length > MAX_BOOKMARKS) this.items.splice(0, this.items.length - MAX_BOOKMARKS);
    this.save();
    return b;
  }

  private save(): void {
    if (!this.path) return;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      const tmp = `${this.path}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.items), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.path);
      this.error = null;
    } catch (e) {
      this.error = `bookmarks not saved: ${(e as Error).message}`;
    }
  }
}
