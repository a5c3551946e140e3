// A byte stream with the oversize guard (core/ingest/packet-guard.ts) on its way in: what an MQTT
// parser reads through it never holds an oversized payload. Writes pass straight through.
import { Duplex } from 'node:stream';
import { createPacketGuard, type PacketGuardOptions } from '../../core/ingest/packet-guard.js';

export function guardIncoming(inner: Duplex, opts: PacketGuardOptions): Duplex {
  const guard = createPacketGuard(opts);
  const outer = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      inner.write(chunk, cb);
    },
    writev(chunks, cb) {
      // the MQTT client corks its writes (acknowledgements of one read): they leave as one
      inner.cork();
      for (const { chunk } of chunks) inner.write(chunk);
      inner.uncork();
      cb();
    },
    read() {
      inner.resume();
    },
    final(cb) {
      inner.end(cb);
    },
    destroy(err, cb) {
      inner.destroy();
      cb(err);
    },
  });
  inner.on('data', (data: Buffer) => {
    const r = guard.feed(data);
    if (!r.ok) {
      outer.destroy(Object.assign(new Error(`refused from the broker: ${r.error}`), { code: 'EPROTO' }));
      return;
    }
    let more = true;
    for (const c of r.chunks) more = outer.push(c) && more;
    if (!more) inner.pause();
  });
  inner.on('end', () => outer.push(null));
  inner.on('error', (e) => outer.destroy(e));
  inner.on('close', () => outer.destroy());
  // a connecting socket emits 'connect' that some callers wait for
  inner.on('connect', () => outer.emit('connect'));
  inner.on('secureConnect', () => outer.emit('secureConnect'));
  return outer;
}
