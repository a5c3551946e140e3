// When the wall sounds: a new open incident (a tone per priority) and an incident the services
// escalated (still new past its priority's time). Pure: what changed between two incident tables.
import type { Incident, Priority } from '../../../core/domain';

export type CueKind = 'new' | 'escalated';

export interface Cue {
  kind: CueKind;
  priority: Priority;
  incidentId: string;
}

/**
 * Cues for what `next` holds that `prev` did not: open incidents not seen before, and escalations
 * not seen before. The most urgent first, escalations before arrivals of the same priority.
 */
export function cuesBetween(prev: ReadonlyMap<string, Incident>, next: ReadonlyMap<string, Incident>): Cue[] {
  if (prev === next) return [];
  const out: Cue[] = [];
  for (const [id, inc] of next) {
    const before = prev.get(id);
    if (inc.status !== 'open') continue;
    if (!before || before.status !== 'open') {
      // one raised again by its source is news again; one reopened by an operator is not
      if (!before || inc.state === 'new') out.push({ kind: 'new', priority: inc.priority, incidentId: id });
    } else if (inc.escalatedAt !== undefined && before.escalatedAt === undefined && inc.state === 'new') {
      out.push({ kind: 'escalated', priority: inc.priority, incidentId: id });
    }
  }
  return out.sort((a, b) => a.priority - b.priority || (a.kind === b.kind ? 0 : a.kind === 'escalated' ? -1 : 1));
}

export interface Tone {
  /** the notes, Hz, played one after another */
  notes: number[];
  noteMs: number;
  gapMs: number;
  /** 0–1 */
  gain: number;
  wave: OscillatorType;
}

/**
 * A distinct sound per priority and for escalation: more notes, higher and louder for the more
 * urgent; an escalation is a two-tone call, unlike any arrival.
 */
export function toneFor(cue: Pick<Cue, 'kind' | 'priority'>): Tone {
  if (cue.kind === 'escalated') return { notes: [988, 740, 988, 740, 988, 740], noteMs: 180, gapMs: 30, gain: 0.5, wave: 'sawtooth' };
  switch (cue.priority) {
    case 1:
      return { notes: [880, 880, 880, 880], noteMs: 140, gapMs: 80, gain: 0.55, wave: 'square' };
    case 2:
      return { notes: [740, 740], noteMs: 180, gapMs: 100, gain: 0.45, wave: 'triangle' };
    case 3:
      return { notes: [587], noteMs: 240, gapMs: 0, gain: 0.35, wave: 'triangle' };
    case 4:
      return { notes: [440], noteMs: 200, gapMs: 0, gain: 0.2, wave: 'sine' };
  }
}

/** The mute lasts this long unless set otherwise (?muteMs=). */
export const MUTE_MS = 5 * 60_000;
