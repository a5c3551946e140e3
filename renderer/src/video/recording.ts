// Recording links: a camera's `recording` template with {start}/{end} filled in around the alarm.
export const RECORDING_BEFORE_MS = 2 * 60_000;
export const RECORDING_AFTER_MS = 3 * 60_000;

export interface RecordingWindow {
  start: number;
  end: number;
}

export function recordingWindow(alarmTs: number, beforeMs = RECORDING_BEFORE_MS, afterMs = RECORDING_AFTER_MS): RecordingWindow {
  return { start: alarmTs - beforeMs, end: alarmTs + afterMs };
}

/**
 * Fills `{start}` and `{end}` (every occurrence) with ISO-8601 UTC times, URI-encoded. Null when
 * there is no template or the alarm time is not a finite epoch-ms value.
 */
export function recordingUrl(template: string | undefined | null, alarmTs: number, beforeMs = RECORDING_BEFORE_MS, afterMs = RECORDING_AFTER_MS): string | null {
  if (!Number.isFinite(alarmTs)) return null;
  return recordingWindowUrl(template, recordingWindow(alarmTs, beforeMs, afterMs));
}

/** The same for an explicit window (a replay's: replay-sync.ts replayRecordingWindow). */
export function recordingWindowUrl(template: string | undefined | null, { start, end }: RecordingWindow): string | null {
  if (!template || !Number.isFinite(start) || !Number.isFinite(end)) return null;
  const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  return template.replaceAll('{start}', iso(start)).replaceAll('{end}', iso(end));
}
