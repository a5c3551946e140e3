// The one place an adapter context is made from a configuration and a camera registry: the host,
// the benchmarks, the simulator's wall model and the tests all build it here, so what they test
// is what a wall runs (unit kinds by Traccar category and OwnTracks user included).
import type { WatchfloorConfig } from '../config.js';
import type { UnitKind } from '../domain.js';
import type { AdaptContext } from './common.js';

/** Where the registry's cameras are (map datum). */
export type CameraLookup = (id: string) => { lat: number; lon: number } | undefined;

/**
 * The unit kind for an OwnTracks user: an exact key of `userKinds`, else the longest key ending in
 * `*` whose prefix the user starts with, else `fallback`.
 */
export function kindForUser(user: string | undefined, userKinds: Record<string, UnitKind>, fallback: UnitKind): UnitKind {
  if (user === undefined) return fallback;
  if (Object.hasOwn(userKinds, user)) return userKinds[user];
  let best: { prefix: string; kind: UnitKind } | null = null;
  for (const [key, kind] of Object.entries(userKinds)) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (user.startsWith(prefix) && (!best || prefix.length > best.prefix.length)) best = { prefix, kind };
  }
  return best?.kind ?? fallback;
}

export function adaptContextFor(config: WatchfloorConfig, camera: CameraLookup): Omit<AdaptContext, 'receivedAt'> {
  const owntracks = config.adapters.owntracks;
  const traccar = config.adapters.traccar;
  const frigateAliases = config.adapters.frigate?.cameras ?? {};
  return {
    mapDatum: config.mapDatum,
    sourceDatum: (source) => config.sources[source]?.datum ?? config.defaultDatum,
    maxFutureSkewMs: config.limits.maxFutureSkewMs,
    // a Frigate camera name is its alias's registry id, or a registry id itself
    cameraAlias: (name) => (Object.hasOwn(frigateAliases, name) ? frigateAliases[name] : camera(name) ? name : undefined),
    cameraPosition: camera,
    unitKindFor: (source, hint) => {
      if (source === 'owntracks') return kindForUser(hint, owntracks?.userKinds ?? {}, owntracks?.unitKind ?? 'volunteer');
      const kinds = traccar?.categoryKinds ?? DEFAULT_TRACCAR_CATEGORY_KINDS;
      return hint !== undefined && Object.hasOwn(kinds, hint) ? kinds[hint] : (traccar?.unitKind ?? 'patrol');
    },
  };
}

/**
 * Traccar's device categories (its web app's list) that are vehicles; every other category, and
 * none, is the adapter's `unitKind`.
 */
export const DEFAULT_TRACCAR_CATEGORY_KINDS: Record<string, UnitKind> = Object.fromEntries(
  ['car', 'van', 'pickup', 'truck', 'bus', 'motorcycle', 'scooter', 'offroad', 'tractor', 'crane', 'trolleybus', 'tram'].map((c) => [c, 'vehicle' as UnitKind]),
);
