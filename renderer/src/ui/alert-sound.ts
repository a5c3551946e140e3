// The wall's voice: a tone when an incident arrives (one per priority) and when one is escalated,
// made with Web Audio (no sound files). Muted, it keeps quiet until the mute expires by itself.
// Browsers start audio only after a gesture: the context is resumed on the first key or click
// (the Electron shell allows it from the start). A replay is silent.
import { cuesBetween, type Cue, toneFor } from '../model/cues';
import { inReplay } from '../model/replay';
import type { WallRuntime } from './context';

/** What was sounded (or held back by the mute), newest last: the debug hook shows it to tests. */
export interface SoundLog {
  at: number;
  cue: Cue;
  played: boolean;
}

const LOG_KEPT = 50;

function play(ctx: AudioContext, cue: Cue): void {
  const tone = toneFor(cue);
  let t = ctx.currentTime + 0.02;
  for (const freq of tone.notes) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = tone.wave;
    osc.frequency.value = freq;
    // short ramps: a hard start or stop clicks
    gain.gain.setValueAtTime(0, t);
    gain.gain.linearRampToValueAtTime(tone.gain, t + 0.01);
    gain.gain.setValueAtTime(tone.gain, t + tone.noteMs / 1000 - 0.02);
    gain.gain.linearRampToValueAtTime(0, t + tone.noteMs / 1000);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t);
    osc.stop(t + tone.noteMs / 1000 + 0.01);
    t += (tone.noteMs + tone.gapMs) / 1000;
  }
}

export function installAlertSound(runtime: WallRuntime, log: SoundLog[], target: Document = document): () => void {
  let ctx: AudioContext | null = null;
  const context = (): AudioContext | null => {
    if (ctx) return ctx;
    const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (!Ctor) return null;
    ctx = new Ctor();
    return ctx;
  };
  const resume = () => void context()?.resume().catch(() => undefined);
  target.addEventListener('pointerdown', resume, { capture: true });
  target.addEventListener('keydown', resume, { capture: true });
  const unsubscribe = runtime.store.subscribe((s, prev) => {
    if (s.incidents === prev.incidents) return;
    // the first picture of the situation (page load, a resync) is not news
    if (prev.snapshots === 0 || s.snapshots !== prev.snapshots) return;
    // a replay's alarms are the past: the room must not hear them as new
    if (inReplay(s) || inReplay(prev)) return;
    const cues = cuesBetween(prev.incidents, s.incidents);
    if (cues.length === 0) return;
    const now = Date.now();
    const muted = s.mutedUntil !== null && now < s.mutedUntil;
    // one sound per change: the most urgent says it (a burst of alarms is one call, not a chord)
    const cue = cues[0];
    log.push({ at: now, cue, played: !muted });
    if (log.length > LOG_KEPT) log.splice(0, log.length - LOG_KEPT);
    if (muted) return;
    const c = context();
    if (c) play(c, cue);
  });
  return () => {
    unsubscribe();
    target.removeEventListener('pointerdown', resume, { capture: true });
    target.removeEventListener('keydown', resume, { capture: true });
    void ctx?.close().catch(() => undefined);
  };
}
