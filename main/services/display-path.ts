// Absolute paths name the machine's layout (user names, mount points): pages and /api/health show
// them relative to the folders they belong to; the console, which only the operator of the
// machine reads, keeps them whole.
import { sep } from 'node:path';

export type PathRoots = readonly (readonly [dir: string, label: string])[];

/** Every occurrence of a root folder in `text` replaced by its label (longest roots first). */
export function shownPaths(text: string, roots: PathRoots): string {
  let out = text;
  for (const [dir, label] of [...roots].sort((a, b) => b[0].length - a[0].length)) {
    if (!dir || dir === sep) continue;
    out = out.split(dir.endsWith(sep) ? dir.slice(0, -1) : dir).join(label);
  }
  return out;
}
