// npm run audit:verify -- [--data DIR]: checks the whole audit chain in DIR/audit (every line, and
// the link from each day's file to the next); prints "chain intact" and exits 0, or prints each
// problem and exits 1. With --csv [--from ISO] [--to ISO] [--bom]: writes the entries of that range
// as CSV to stdout instead. Reads only: never cuts, moves or writes a file. docs/audit.md.
import { resolve } from 'node:path';
import { CSV_HEADER, csvRow } from '../core/audit/chain.js';
import { AUDIT_DIR, eachAuditRecord, verifyAuditDir } from '../main/services/audit-log.js';

const USAGE = `usage: npm run audit:verify -- [--data DIR] [--csv [--from ISO] [--to ISO] [--bom]]
  --data DIR   the wall's data folder (default ./data, as for the shells); the log is in DIR/audit
  --csv        print the entries as CSV (RFC 4180) instead of verifying
  --from ISO   first instant, e.g. 2026-12-05 or 2026-12-05T08:00:00Z (default: the beginning)
  --to ISO     last instant; a date alone means the end of that UTC day (default: now and on)
  --bom        start the CSV with a byte-order mark (Excel then reads Chinese text right)`;

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** an instant from the command line; a date alone is that UTC day's start, or its end for --to */
function instant(flag: string, v: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t)) fail(`${flag} ${v} is not a date (ISO-8601, e.g. 2026-12-05 or 2026-12-05T08:00:00Z)`);
  return flag === '--to' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? t + 86_400_000 - 1 : t;
}

// the shells' default (main/services/cli-args.ts): ./data from where they are started
let dataDir = resolve(process.cwd(), 'data');
let csv = false;
let bom = false;
let from: number | undefined;
let to: number | undefined;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const flag = argv[i];
  const value = () => {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) fail(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  switch (flag) {
    case '--data': dataDir = resolve(process.cwd(), value()); break;
    case '--csv': csv = true; break;
    case '--bom': bom = true; break;
    case '--from': from = instant(flag, value()); break;
    case '--to': to = instant(flag, value()); break;
    case '--help': case '-h': console.log(USAGE); process.exit(0); break;
    default: fail(`unknown flag ${flag}\n${USAGE}`);
  }
}

if (csv) {
  // a reader that stops early (| head) is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  let out = `${bom ? '\uFEFF' : ''}${CSV_HEADER}\r\n`;
  eachAuditRecord(resolve(dataDir, AUDIT_DIR), { from, to }, (r) => {
    out += `${csvRow(r)}\r\n`;
    if (out.length > 1 << 20) {
      process.stdout.write(out);
      out = '';
    }
  });
  process.stdout.write(out);
} else {
  const v = verifyAuditDir(dataDir);
  if (v.ok) {
    console.log(`audit: ${v.entries} entries in ${v.files} files, chain intact`);
  } else {
    for (const p of v.problems) console.log(p);
    console.log(`audit: ${v.entries} entries in ${v.files} files in ${resolve(dataDir, AUDIT_DIR)}: ${v.problems.length} problems`);
    process.exitCode = 1;
  }
}
