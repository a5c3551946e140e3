// Who is asking, and what their role lets them do. The services decide this for every request on
// both shells (bridge and HTTP API): hiding a button is a courtesy, refusing is the rule.
import type { Role } from '../domain.js';

/** How the services know who it is. */
export type PrincipalVia = 'session' | 'token' | 'anonymous' | 'wall';

export interface Principal {
  /** the configured user or token name; for anonymous access, the role's name */
  name: string;
  role: Role;
  via: PrincipalVia;
}

/** What a page is told about its own sign-in. */
export interface SessionInfo {
  /** null: nobody is signed in and the wall lets nobody in anonymously */
  me: (Principal & { canAct: boolean }) | null;
  /** whether this wall has users or tokens (a sign-in form makes sense) */
  signInAvailable: boolean;
}

/** Commanders and dispatchers act; viewers (a corridor wall, an official's desk) see everything and act on nothing. */
export const canAct = (role: Role): boolean => role === 'commander' || role === 'dispatcher';

export const sessionInfo = (p: Principal | null, signInAvailable: boolean): SessionInfo => ({ me: p && { ...p, canAct: canAct(p.role) }, signInAvailable });
