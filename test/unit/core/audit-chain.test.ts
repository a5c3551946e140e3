// The audit chain, pure: each line carries the SHA-256 of the line before it, so an edited,
// deleted or moved line is found where it stood; the CSV export quotes what needs quoting and
// never hands a spreadsheet a formula.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditEntryInput, type AuditRecord, GENESIS, parseRecord, recordsToCsv, serialiseRecord, verifyLines } from '../../../core/audit/chain';

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const T0 = Date.UTC(2026, 11, 5, 8);

/** the lines a writer would produce for `inputs`, chained from `prev` */
function chain(inputs: AuditEntryInput[], prev = GENESIS, firstSeq = 1): { lines: string[]; records: AuditRecord[] } {
  const lines: string[] = [];
  const records: AuditRecord[] = [];
  for (const [i, e] of inputs.entries()) {
    const r: AuditRecord = { ...e, seq: firstSeq + i, at: T0 + i * 1000, prev };
    const line = serialiseRecord(r);
    records.push(r);
    lines.push(line);
    prev = sha256hex(line);
  }
  return { lines, records };
}

const sample = (n: number): AuditEntryInput[] =>
  Array.from({ length: n }, (_, i) => ({ kind: i % 2 ? 'action' : 'published', actor: `op${i}`, role: 'dispatcher', via: 'session', incidentId: `I${i}`, what: 'ack', detail: { i } }));

describe('serialiseRecord', () => {
  it('writes the keys in one fixed order whatever order they came in, leaving out what is absent', () => {
    const a = serialiseRecord({ prev: GENESIS, detail: { b: 1, a: 2 }, from: '10.0.0.1', reason: 'r', what: 'w', incidentId: 'I', via: 'v', role: 'x', actor: 'y', kind: 'refused', at: T0, seq: 7 });
    const b = serialiseRecord({ seq: 7, at: T0, kind: 'refused', actor: 'y', role: 'x', via: 'v', incidentId: 'I', what: 'w', reason: 'r', from: '10.0.0.1', detail: { b: 1, a: 2 }, prev: GENESIS });
    expect(a).toBe(b);
    expect(Object.keys(JSON.parse(a))).toEqual(['seq', 'at', 'kind', 'actor', 'role', 'via', 'incidentId', 'what', 'reason', 'from', 'detail', 'prev']);
    expect(Object.keys(JSON.parse(serialiseRecord({ seq: 1, at: T0, kind: 'started', prev: GENESIS })))).toEqual(['seq', 'at', 'kind', 'prev']);
  });

  it('never holds a line break, whatever the text', () => {
    const line = serialiseRecord({ seq: 1, at: T0, kind: 'action', reason: 'a\nb\r\nc\u2028', detail: { note: '\n' }, prev: GENESIS });
    expect(line).not.toMatch(/[\r\n]/);
    expect(parseRecord(line)).toMatchObject({ ok: true, record: { reason: 'a\nb\r\nc\u2028' } });
  });
});

describe('verifyLines', () => {
  it('passes an untouched chain and says where it ends', () => {
    const { lines } = chain(sample(5));
    expect(verifyLines(lines, { prev: GENESIS, firstSeq: 1, sha256hex })).toEqual({ ok: true, entries: 5, lastHash: sha256hex(lines[4]), lastSeq: 5 });
  });

  it('goes on from a given prev and seq (the chain across files)', () => {
    const first = chain(sample(3));
    const second = chain(sample(2), sha256hex(first.lines[2]), 4);
    expect(verifyLines(second.lines, { prev: sha256hex(first.lines[2]), firstSeq: 4, sha256hex })).toMatchObject({ ok: true, lastSeq: 5 });
    expect(verifyLines(second.lines, { prev: GENESIS, firstSeq: 4, sha256hex })).toMatchObject({ ok: false, line: 1, why: expect.stringContaining('prev hash') });
    expect(verifyLines(second.lines, { prev: sha256hex(first.lines[2]), firstSeq: 1, sha256hex })).toMatchObject({ ok: false, line: 1, why: expect.stringContaining('seq 4 where 1 was expected') });
  });

  it('finds an edited byte on the line after it (the hash that no longer matches)', () => {
    const { lines } = chain(sample(6));
    const edited = [...lines];
    edited[2] = edited[2].replace('"op2"', '"op9"');
    expect(verifyLines(edited, { prev: GENESIS, sha256hex })).toEqual({ ok: false, entries: 3, line: 4, why: 'prev hash does not match the previous line (edited or deleted?)' });
  });

  it('finds an edit that breaks the JSON on the line itself', () => {
    const { lines } = chain(sample(6));
    const edited = [...lines];
    edited[2] = edited[2].slice(0, -2);
    expect(verifyLines(edited, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 3, why: expect.stringContaining('does not parse') });
  });

  it('finds a deleted line and two lines swapped', () => {
    const { lines } = chain(sample(6));
    const deleted = lines.filter((_, i) => i !== 3);
    expect(verifyLines(deleted, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 4, why: expect.stringContaining('seq 5 where 4 was expected') });
    const swapped = [lines[0], lines[2], lines[1], ...lines.slice(3)];
    expect(verifyLines(swapped, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 2 });
  });

  it('refuses a line that is valid JSON but not in the form the wall writes (so even the newest line cannot be reformatted)', () => {
    const { lines } = chain(sample(3));
    const spaced = [...lines.slice(0, 2), lines[2].replace('"seq":3,', '"seq": 3,')];
    expect(verifyLines(spaced, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 3, why: expect.stringContaining('not in the form') });
    const extra = [...lines.slice(0, 2), lines[2].replace('"kind":"published"', '"kind":"published","admin":true')];
    expect(verifyLines(extra, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 3, why: expect.stringContaining('unknown key') });
    const kind = [...lines.slice(0, 2), lines[2].replace('"kind":"published"', '"kind":"deleted"')];
    expect(verifyLines(kind, { prev: GENESIS, sha256hex })).toMatchObject({ ok: false, line: 3, why: expect.stringContaining('unknown kind') });
  });

  it('finds any change to any line but the last (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ actor: fc.string(), what: fc.string(), note: fc.string() }), { minLength: 2, maxLength: 8 }),
        fc.nat(),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 3 }),
        (rows, lineSeed, posSeed, insert) => {
          const { lines } = chain(rows.map((r) => ({ kind: 'action', actor: r.actor, what: r.what, detail: { note: r.note } })));
          const i = lineSeed % (lines.length - 1);
          const pos = posSeed % (lines[i].length + 1);
          const changed = lines[i].slice(0, pos) + insert + lines[i].slice(pos + 1);
          fc.pre(changed !== lines[i]);
          const edited = [...lines];
          edited[i] = changed;
          const v = verifyLines(edited, { prev: GENESIS, firstSeq: 1, sha256hex });
          return !v.ok && (v.line === i + 1 || v.line === i + 2);
        },
      ),
    );
  });
});

describe('recordsToCsv', () => {
  const rec = (over: Partial<AuditRecord>): AuditRecord => ({ seq: 1, at: T0, kind: 'action', prev: GENESIS, ...over });

  it('writes a header and one row per record, the instant in ISO-8601 UTC, lines ending CRLF', () => {
    const csv = recordsToCsv([rec({ actor: 'op1', role: 'dispatcher', via: 'session', incidentId: 'I1', what: 'ack', reason: 'r', from: '10.0.0.2', detail: { n: 1 } })]);
    expect(csv).toBe(`seq,at,kind,actor,role,via,incidentId,what,reason,from,detail,prev\r\n1,2026-12-05T08:00:00.000Z,action,op1,dispatcher,session,I1,ack,r,10.0.0.2,"{""n"":1}",${GENESIS}\r\n`);
  });

  it('quotes commas, quotes and line breaks, and keeps Chinese text as it is', () => {
    const csv = recordsToCsv([rec({ actor: '张三', what: 'a,b', reason: 'he said "no"\nthen left', detail: { 备注: '鼓楼区, 东街口' } })]);
    const row = csv.split('\r\n')[1] + '\r\n' + csv.split('\r\n')[2];
    expect(row).toContain(',张三,');
    expect(row).toContain(',"a,b",');
    expect(row).toContain(',"he said ""no""\nthen left",');
    expect(row).toContain(',"{""备注"":""鼓楼区, 东街口""}",');
    expect(parseCsv(csv)).toEqual([
      ['seq', 'at', 'kind', 'actor', 'role', 'via', 'incidentId', 'what', 'reason', 'from', 'detail', 'prev'],
      ['1', '2026-12-05T08:00:00.000Z', 'action', '张三', '', '', '', 'a,b', 'he said "no"\nthen left', '', '{"备注":"鼓楼区, 东街口"}', GENESIS],
    ]);
  });

  it('never starts a cell with a formula character', () => {
    const csv = recordsToCsv([rec({ actor: '=HYPERLINK("http://x","y")', role: '+1', via: '-2', what: '@SUM(A1)', reason: '\tx', from: 'a=b' })]);
    const cells = parseCsv(csv)[1];
    // actor, role, via, incidentId, what, reason, from
    expect(cells.slice(3, 10)).toEqual([`'=HYPERLINK("http://x","y")`, "'+1", "'-2", '', "'@SUM(A1)", "'\tx", 'a=b']);
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  });
});

/** a small RFC 4180 reader, to check that what was written reads back */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}
