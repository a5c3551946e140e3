// Origins of the URLs a configuration names: what a page's content policy must allow, and nothing more.

/**
 * Origins of the absolute http(s) URLs among `urls` (camera streams and recordings in the
 * registry). Relative URLs are the shell's own; an unparseable one adds nothing (its tile shows why
 * it cannot play).
 */
export function originsOf(urls: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (!u || !/^https?:\/\//i.test(u)) continue;
    try {
      // a recording template's {start}/{end} sit in the query: the origin still parses
      const origin = new URL(u).origin;
      if (origin !== 'null') out.add(origin);
    } catch {
      // nothing to allow
    }
  }
  return [...out].sort();
}
