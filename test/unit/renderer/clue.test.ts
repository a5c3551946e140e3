// Citizen clues and the dispatch settings the renderer reads: when a clue action counts as done
// (a lost answer with a visible effect is done), and the no-answer time from the services.
import { describe, expect, it } from 'vitest';
import { lifecycleTookEffect } from '../../../renderer/src/ui/incident-actions';
import { NO_ANSWER_MS, noAnswerMsOf } from '../../../renderer/src/ui/Responders';
import { incident } from './fixtures';

describe('a clue judged', () => {
  it('counts as verified or rejected only when the incident shows it', () => {
    const pending = incident('c', { source: 'clue', clue: { state: 'pending' } });
    expect(lifecycleTookEffect('verify_clue', pending)).toBe(false);
    expect(lifecycleTookEffect('reject_clue', pending)).toBe(false);
    expect(lifecycleTookEffect('verify_clue', { ...pending, clue: { state: 'verified', at: 5, by: '张伟' } })).toBe(true);
    expect(lifecycleTookEffect('reject_clue', { ...pending, clue: { state: 'verified', at: 5 } })).toBe(false);
    expect(lifecycleTookEffect('reject_clue', { ...pending, clue: { state: 'rejected', at: 5, reason: '重复报料' } })).toBe(true);
    // an incident that is gone proves nothing about a clue
    expect(lifecycleTookEffect('verify_clue', undefined)).toBe(false);
    expect(lifecycleTookEffect('verify_clue', incident('plain'))).toBe(false);
  });
});

describe('the no-answer time', () => {
  it('is the services’ setting when they send one, else 90 s', () => {
    expect(noAnswerMsOf(30_000)).toBe(30_000);
    expect(noAnswerMsOf(undefined)).toBe(NO_ANSWER_MS);
    expect(NO_ANSWER_MS).toBe(90_000);
    expect(noAnswerMsOf(0)).toBe(NO_ANSWER_MS);
    expect(noAnswerMsOf(Number.NaN)).toBe(NO_ANSWER_MS);
  });
});
