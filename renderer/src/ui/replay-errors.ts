// The services' reasons a replay cannot go on, in the operator's words. Pure.
import { formatFullDateTime } from '../i18n/format';
import { explainError } from './incident-actions';

export type T = (k: string, o?: Record<string, unknown>) => string;

/** The services' reasons a replay cannot show a moment, in the operator's words (others as explainError says them). */
export function explainReplayError(error: string, t: T, timeZone: string): string {
  const outside = /is not in the recording \(it holds (?:from (\S+) to (\S+)|nothing yet)\)/.exec(error);
  if (outside) {
    const [from, to] = [Date.parse(outside[1] ?? ''), Date.parse(outside[2] ?? '')];
    return Number.isFinite(from) && Number.isFinite(to) ? t('replay.notRecorded', { from: formatFullDateTime(from, timeZone), to: formatFullDateTime(to, timeZone) }) : t('replay.nothingRecorded');
  }
  if (/^no snapshot before /.test(error)) return t('replay.nothingRecorded');
  return explainError(error, t);
}

