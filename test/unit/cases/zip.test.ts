// The case's zip: a round trip through our reader (names in UTF-8, bytes, CRC-32), the same zip
// opened by another implementation (Python's zipfile, where there is one), a damaged entry found
// by its CRC, a cut archive refused, and a zip that already exists never written over.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openZip, writeZip } from '../../../main/cases/zip.js';
import { missingTool } from '../../helpers/assets.js';

const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'wf-zip-'));
  made.push(d);
  return d;
};

const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function readAll(zipPath: string): Promise<Map<string, Buffer>> {
  const z = await openZip(zipPath);
  try {
    const out = new Map<string, Buffer>();
    for (const e of z.entries) {
      const parts: Buffer[] = [];
      await z.read(e, (p) => parts.push(Buffer.from(p)));
      out.set(e.name, Buffer.concat(parts));
    }
    return out;
  } finally {
    await z.close();
  }
}

describe('writeZip / openZip', () => {
  it('round-trips files of any size, empty ones and Chinese names, under a folder', async () => {
    const d = scratch();
    const big = Buffer.alloc(3 * (1 << 20) + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    writeFileSync(join(d, 'big.bin'), big);
    writeFileSync(join(d, 'empty'), '');
    writeFileSync(join(d, '报告.html'), '<p>案件报告</p>');
    const zip = join(d, 'case.zip');
    await writeZip(zip, [{ name: 'case-x/' }, { name: 'case-x/big.bin', path: join(d, 'big.bin') }, { name: 'case-x/empty', path: join(d, 'empty') }, { name: 'case-x/报告.html', path: join(d, '报告.html') }], { mtime: Date.UTC(2026, 11, 5, 8, 40, 12) });
    expect(statSync(zip).mode & 0o777).toBe(0o600);
    const back = await readAll(zip);
    expect([...back.keys()]).toEqual(['case-x/', 'case-x/big.bin', 'case-x/empty', 'case-x/报告.html']);
    expect(back.get('case-x/big.bin')!.equals(big)).toBe(true);
    expect(back.get('case-x/empty')!.length).toBe(0);
    expect(back.get('case-x/报告.html')!.toString('utf8')).toBe('<p>案件报告</p>');
    await expect(writeZip(zip, [], { mtime: 0 })).rejects.toThrow(/EEXIST/);
  });

  it.skipIf(missingTool(python, 'python3 (its zipfile module reads our zips)'))('is a zip other tools open: names, bytes, times, modes', async () => {
    const d = scratch();
    writeFileSync(join(d, 'a.txt'), '警情 a1\n');
    const zip = join(d, 'case.zip');
    await writeZip(zip, [{ name: 'case-x/' }, { name: 'case-x/a.txt', path: join(d, 'a.txt') }], { mtime: Date.UTC(2026, 11, 5, 8, 40, 12) });
    const out = execFileSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nfor i in z.infolist(): print(i.filename, i.date_time, oct(i.external_attr>>16), z.read(i).decode())', zip], { encoding: 'utf8' });
    expect(out).toBe("case-x/ (2026, 12, 5, 8, 40, 12) 0o40700 \ncase-x/a.txt (2026, 12, 5, 8, 40, 12) 0o100600 警情 a1\n\n");
  });

  it('finds a changed byte by its CRC-32, and refuses a cut archive', async () => {
    const d = scratch();
    writeFileSync(join(d, 'a.txt'), 'the original text');
    const zip = join(d, 'case.zip');
    await writeZip(zip, [{ name: 'a.txt', path: join(d, 'a.txt') }], { mtime: 0 });
    const bytes = readFileSync(zip);
    bytes[bytes.indexOf(Buffer.from('original'))] ^= 0x20;
    writeFileSync(join(d, 'changed.zip'), bytes);
    await expect(readAll(join(d, 'changed.zip'))).rejects.toThrow(/a\.txt does not match its CRC-32/);
    writeFileSync(join(d, 'cut.zip'), readFileSync(zip).subarray(0, 40));
    await expect(openZip(join(d, 'cut.zip'))).rejects.toThrow(/not a zip file/);
  });
});
