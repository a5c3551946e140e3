// Generated assets (demo video, Fuzhou geography) come from `npm run build:*`, which `npm test`
// runs first. A developer running one file without them gets a skip that says why; under CI a
// missing asset is a broken build step, and the suite fails instead of passing silently.

/** For `describe.skipIf(...)`: true (skip) when the asset is missing outside CI; throws under CI. */
export function missing(available: boolean, what: string): boolean {
  if (available) return false;
  const message = `generated asset missing: ${what}`;
  if (process.env.CI) throw new Error(`${message} (under CI this is a failure, not a skip)`);
  console.warn(`skipping: ${message}`);
  return true;
}

/** For `describe.skipIf(...)`: the same for a program a test runs (mosquitto, python3), which .ci/run installs. */
export function missingTool(available: boolean, what: string): boolean {
  if (available) return false;
  const message = `program missing: ${what}`;
  if (process.env.CI) throw new Error(`${message} (.ci/run installs it: under CI this is a failure, not a skip)`);
  console.warn(`skipping: ${message}`);
  return true;
}

