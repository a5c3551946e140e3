// npm run case:verify -- DIR|ZIP: checks a case export (docs/cases.md) against its manifest.json:
// every file it lists is there with its size and SHA-256, and nothing else is. Takes the case
// folder or its zip. Prints one line per problem naming the file (changed, missing, extra), and
// exits 0 when the case is intact, 1 when it is not, 2 when it was called wrongly. Reads only.
import { resolve } from 'node:path';
import { verifyCase } from '../main/cases/manifest.js';

const USAGE = `usage: npm run case:verify -- <case folder or .zip> [...]
  checks every file the case's manifest.json lists (present, size, SHA-256) and that no other file is there`;

const args = process.argv.slice(2);
if (args.length === 0 || args.some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(args.length === 0 ? 2 : 0);
}
const unknown = args.find((a) => a.startsWith('-'));
if (unknown) {
  console.error(`unknown flag ${unknown}\n${USAGE}`);
  process.exit(2);
}

let intact = true;
for (const arg of args) {
  const path = resolve(process.cwd(), arg);
  const r = await verifyCase(path);
  const what = r.kind === 'zip' ? 'zip' : 'folder';
  if (r.ok) {
    console.log(`${arg}: case ${r.caseId} intact: ${r.listed} files match the manifest (${what}; manifest.json SHA-256 ${r.manifestSha256})`);
    continue;
  }
  intact = false;
  for (const p of r.problems) console.log(`${arg}: ${p.message}`);
  console.log(`${arg}: case ${r.caseId ?? '(unknown)'} NOT intact: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}${r.listed ? `, ${r.intact} of ${r.listed} files match the manifest` : ''}`);
}
process.exit(intact ? 0 : 1);
