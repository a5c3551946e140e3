// A calm notice, for a minute after the page reloaded itself to free memory (the memory
// watchdog): a wall that blinked says why, and when, so nobody mistakes it for a fault.
import { useTranslation } from 'react-i18next';
import { formatClock, formatNumber } from '../i18n/format';
import { recycledBytes } from '../model/memory-watchdog';
import { recycleNote } from '../state/recycle-note';
import { useNow, useTimeZone } from './context';

export const RECYCLE_NOTICE_MS = 60_000;

export function RecycleNotice() {
  const { t, i18n } = useTranslation();
  const now = useNow(5000);
  const tz = useTimeZone();
  const note = recycleNote();
  if (!note || now - note.at > RECYCLE_NOTICE_MS) return null;
  return (
    <div className="banner info recycle-notice" role="status" data-testid="recycle-notice" data-reason={note.reason} data-figure={note.figure ?? 'heap'}>
      {note.figure === 'streams'
        ? t('memory.recycledStreams', { time: formatClock(note.at, i18n.language, tz), streams: formatNumber(note.streams ?? 0, i18n.language) })
        : t('memory.recycled', { time: formatClock(note.at, i18n.language, tz), mb: formatNumber(recycledBytes(note) / 2 ** 20, i18n.language) })}
    </div>
  );
}
