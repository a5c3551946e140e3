// Per-map memory of derived layer data: made by the map that draws (MapView), handed to every
// layer module, gone with the map. Memoised on the identity of what a value is derived from, so
// a rebuild of the layers reuses data objects and deck.gl only updates uniforms.

export class LayerMemo {
  private readonly byIdentity = new Map<string, WeakMap<object, unknown>>();
  private readonly slots = new Map<string, unknown>();

  /** `fn(k)`, computed once per `k` (by identity) under `name`. */
  of<K extends object, V>(name: string, k: K, fn: (k: K) => V): V {
    let m = this.byIdentity.get(name);
    if (!m) this.byIdentity.set(name, (m = new WeakMap()));
    if (m.has(k)) return m.get(k) as V;
    const v = fn(k);
    m.set(k, v);
    return v;
  }

  /** One remembered value under `name` (the latest of something), for caches keyed on more than one identity. */
  get<T>(name: string): T | undefined {
    return this.slots.get(name) as T | undefined;
  }

  set<T>(name: string, value: T): T {
    this.slots.set(name, value);
    return value;
  }
}
