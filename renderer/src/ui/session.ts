// Who the page is signed in as, and what that lets it show (core/auth/principal.ts). Pure: the
// sign-in screen, the header and every control that acts read these. Hiding a control is a
// courtesy to the operator; the services refuse a viewer's actions whatever the page shows.
import type { SessionInfo } from '../../../core/auth/principal';

/** What the page shows: the sign-in form, the wall, or a quiet wait while the services are asked. */
export type Gate = 'signIn' | 'wall' | 'connecting';

/**
 * - nobody signed in, and the services let nobody look without signing in: the sign-in form, and
 *   nothing of the situation (none ever arrives: the bridge does not connect until a sign-in);
 * - the operator asked to sign in (an anonymous viewer's wall offers it): the form too;
 * - not known yet while the page is starting: a quiet wait, so a wall that needs a sign-in never
 *   flashes its (empty) layout first; once the page counts as cut off (`live` false: nothing
 *   reached it in 5 s) the wall with its banner, as before sign-in existed;
 * - otherwise the wall.
 */
export function gateOf(session: SessionInfo | null, live: boolean, askedToSignIn = false): Gate {
  if (session?.me === null || (askedToSignIn && session?.signInAvailable)) return 'signIn';
  if (session === null && live) return 'connecting';
  return 'wall';
}

/** Whether this page may act (acknowledge, dispatch, judge clues…). Unknown: no. */
export const mayAct = (session: SessionInfo | null): boolean => session?.me?.canAct === true;

/** A page signed in by name and password can sign out; anonymous, token and wall access cannot. */
export const maySignOut = (session: SessionInfo | null): boolean => session?.me?.via === 'session';

/** A wall open to anonymous viewers can still be signed in to, to act. */
export const offersSignIn = (session: SessionInfo | null): boolean => !!session?.signInAvailable && session.me?.via === 'anonymous';

type T = (key: string, o?: Record<string, unknown>) => string;

/** The bridge's sign-in refusals in the operator's words. */
export function explainSignInError(error: string, t: T): string {
  // the web shell answers 429; over the Electron bridge the same refusal comes as `unauthorized: too many…`
  if (/^rate limited|too many failed sign-ins/.test(error)) return t('signIn.rateLimited');
  if (/^unauthorized/.test(error)) return t('signIn.wrong');
  if (/connection closed|bridge closed|not connected|timed out|Failed to fetch|NetworkError/i.test(error)) return t('signIn.connection');
  return t('signIn.failed', { error });
}

/** Why the sign-in form is shown again: the operator signed out, or the session ended by itself. */
export type SignInReason = 'signedOut' | 'expired' | null;

/**
 * From the session before and after a change: a page that had someone and now has nobody either
 * signed out (the operator asked) or lost its session (idle too long, signed out elsewhere).
 */
export function signInReason(before: SessionInfo | null, after: SessionInfo | null, signOutAsked: boolean): SignInReason {
  if (!before?.me || after?.me !== null) return null;
  return signOutAsked ? 'signedOut' : 'expired';
}
