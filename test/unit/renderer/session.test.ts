// Sign-in on the wall: what the page shows for each session, who may act, what a refusal says, and
// that a page nobody is signed in to lets go of the situation it held.
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../core/auth/principal';
import type { Health } from '../../../core/contract';
import { apply, createSituation, snapshotOf, takeDelta } from '../../../core/situation/situation';
import { initialModel, reduce, type WallModel } from '../../../renderer/src/model/wall';
import { explainSignInError, gateOf, mayAct, maySignOut, offersSignIn, signInReason } from '../../../renderer/src/ui/session';
import { explainError } from '../../../renderer/src/ui/incident-actions';

const nobody: SessionInfo = { me: null, signInAvailable: true };
const dispatcher: SessionInfo = { me: { name: '张伟', role: 'dispatcher', via: 'session', canAct: true }, signInAvailable: true };
const viewer: SessionInfo = { me: { name: '王芳', role: 'viewer', via: 'session', canAct: false }, signInAvailable: true };
const anonymousCommander: SessionInfo = { me: { name: 'commander', role: 'commander', via: 'anonymous', canAct: true }, signInAvailable: false };
const anonymousViewer: SessionInfo = { me: { name: 'viewer', role: 'viewer', via: 'anonymous', canAct: false }, signInAvailable: true };
const t = (k: string, o?: Record<string, unknown>) => `<${k}${o ? ` ${JSON.stringify(o)}` : ''}>`;

describe('what the page shows', () => {
  it('the sign-in when nobody is signed in, the wall for whoever is', () => {
    expect(gateOf(nobody, true)).toBe('signIn');
    expect(gateOf(nobody, false)).toBe('signIn');
    expect(gateOf(dispatcher, true)).toBe('wall');
    expect(gateOf(viewer, true)).toBe('wall');
    // a wall without users: anonymous commander, as before sign-in existed
    expect(gateOf(anonymousCommander, true)).toBe('wall');
  });

  it('waits quietly while the services are asked, then shows the cut-off wall with its banner', () => {
    expect(gateOf(null, true)).toBe('connecting');
    expect(gateOf(null, false)).toBe('wall');
  });

  it('shows the form to an anonymous viewer who asks to sign in, and only where sign-in exists', () => {
    expect(gateOf(anonymousViewer, true, true)).toBe('signIn');
    expect(gateOf(anonymousCommander, true, true)).toBe('wall');
    expect(offersSignIn(anonymousViewer)).toBe(true);
    expect(offersSignIn(anonymousCommander)).toBe(false);
    expect(offersSignIn(dispatcher)).toBe(false);
  });

  it('lets act only who may, and sign out only a signed-in person', () => {
    expect(mayAct(dispatcher)).toBe(true);
    expect(mayAct(anonymousCommander)).toBe(true);
    expect(mayAct(viewer)).toBe(false);
    expect(mayAct(anonymousViewer)).toBe(false);
    expect(mayAct(nobody)).toBe(false);
    expect(mayAct(null)).toBe(false);
    expect(maySignOut(dispatcher)).toBe(true);
    expect(maySignOut(viewer)).toBe(true);
    expect(maySignOut(anonymousCommander)).toBe(false);
    expect(maySignOut({ me: { name: 'cad', role: 'dispatcher', via: 'token', canAct: true }, signInAvailable: true })).toBe(false);
  });

  it('says why the form is back: signed out, or the session ended by itself', () => {
    expect(signInReason(dispatcher, nobody, true)).toBe('signedOut');
    expect(signInReason(dispatcher, nobody, false)).toBe('expired');
    expect(signInReason(null, nobody, false)).toBeNull();
    expect(signInReason(nobody, nobody, true)).toBeNull();
    expect(signInReason(nobody, dispatcher, false)).toBeNull();
  });
});

describe('refusals in the operator’s words', () => {
  it('sign-in: wrong name or password, too many tries, no connection', () => {
    expect(explainSignInError('unauthorized: name or password is wrong', t)).toBe('<signIn.wrong>');
    expect(explainSignInError('rate limited: too many failed sign-ins: wait and try again', t)).toBe('<signIn.rateLimited>');
    // the Electron shell's bridge says the same refusal as `unauthorized: …`
    expect(explainSignInError('unauthorized: too many failed sign-ins: wait and try again', t)).toBe('<signIn.rateLimited>');
    expect(explainSignInError('connection closed', t)).toBe('<signIn.connection>');
    expect(explainSignInError('request session.signIn timed out after 10000 ms', t)).toBe('<signIn.connection>');
    expect(explainSignInError('odd', t)).toBe('<signIn.failed {"error":"odd"}>');
  });

  it('actions: a viewer refused, a page signed out, a clue already judged or rejected without a reason', () => {
    expect(explainError('forbidden: viewer may not act: only a commander or a dispatcher can acknowledge', t)).toBe('<errors.forbidden>');
    expect(explainError('unauthorized: sign in first', t)).toBe('<errors.unauthorized>');
    expect(explainError('illegal: this clue was already verified', t)).toBe('<errors.clueDone {"state":"<clue.state.verified>"}>');
    expect(explainError('invalid: rejecting a clue needs its reason (the reporter is told)', t)).toBe('<errors.clueReason>');
  });
});

describe('a page nobody is signed in to holds nothing of the situation', () => {
  it('lets go of incidents, units, selection and pending closes when the session ends, and takes a snapshot again after a sign-in', () => {
    const T = Date.UTC(2026, 11, 2, 9);
    const core = createSituation({ cameras: [], kiosks: [] }, () => undefined);
    apply(core, { t: 'tick', at: T });
    apply(core, { t: 'events', at: T, topic: 't', events: [{ type: 'incident', source: '110', report: { id: 'i1', ts: T, kind: 'theft', priority: 2, lat: 26.04, lon: 119.3, title: 'i1', status: 'open' } }] });
    apply(core, { t: 'events', at: T, topic: 'u/u1', events: [{ type: 'unitFix', source: 'units', fix: { id: 'u1', ts: T, lat: 26.05, lon: 119.3, kind: 'patrol' } }] });
    takeDelta(core);
    let m: WallModel = initialModel(T);
    m = reduce(m, { type: 'server', message: { type: 'session', session: dispatcher }, at: T });
    m = reduce(m, { type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: { ok: true } as Health }, at: T });
    m = reduce(m, { type: 'select', id: 'i1' });
    m = reduce(m, { type: 'closePending', id: 'i1', due: T + 5000 });
    expect(m.incidents.size).toBe(1);
    const unitsBefore = m.units.count;
    expect(unitsBefore).toBe(1);

    m = reduce(m, { type: 'server', message: { type: 'session', session: nobody }, at: T + 1 });
    expect(m.session).toEqual(nobody);
    expect(m.incidents.size).toBe(0);
    expect(m.units.count).toBe(0);
    expect(m.history.size).toBe(0);
    expect(m.selectedId).toBeNull();
    expect(m.closing).toEqual({});

    m = reduce(m, { type: 'server', message: { type: 'session', session: dispatcher }, at: T + 2 });
    m = reduce(m, { type: 'server', message: { type: 'snapshot', situation: snapshotOf(core), health: { ok: true } as Health }, at: T + 2 });
    expect(m.incidents.size).toBe(1);
    expect(m.units.count).toBe(unitsBefore);
  });
});
