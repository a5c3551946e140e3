// A google.protobuf.FileDescriptorSet made from one of the journal's .proto texts: what an MCAP
// protobuf channel's schema holds, so Foxglove and protobuf tools decode the messages. Made from
// the text itself (the few shapes the journal's messages use: one message of scalar fields,
// repeated or not), so the schema a file carries can never drift from the .proto the docs show.
// Pure.
import { ProtoWriter, VARINT } from './protobuf.js';

// FieldDescriptorProto.Type
const TYPE: Record<string, number> = { double: 1, uint64: 4, string: 9, uint32: 13, sint64: 18 };

export function descriptorSetOf(proto: string, fileName: string): Uint8Array {
  const pkg = /^package\s+([\w.]+);/m.exec(proto)?.[1];
  const message = /^message\s+(\w+)\s*\{/m.exec(proto)?.[1];
  if (!pkg || !message) throw new Error(`${fileName}: no package or message`);
  const fields = [...proto.matchAll(/^\s*(repeated\s+)?(\w+)\s+(\w+)\s*=\s*(\d+);/gm)].map((m) => {
    const type = TYPE[m[2]];
    if (type === undefined) throw new Error(`${fileName}: field ${m[3]} of type ${m[2]} is not one the journal writes`);
    return { repeated: Boolean(m[1]), type, name: m[3], number: Number(m[4]) };
  });
  const enc = new TextEncoder();
  const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const m = new ProtoWriter();
  m.bytes(1, enc.encode(message));
  for (const f of fields) {
    // FieldDescriptorProto: name 1, number 3, label 4 (1 optional, 3 repeated), type 5, json_name 10
    const fd = new ProtoWriter();
    fd.bytes(1, enc.encode(f.name));
    fd.tag(3, VARINT);
    fd.varint(f.number);
    fd.tag(4, VARINT);
    fd.varint(f.repeated ? 3 : 1);
    fd.tag(5, VARINT);
    fd.varint(f.type);
    fd.bytes(10, enc.encode(camel(f.name)));
    m.bytes(2, fd.finish());
  }
  const file = new ProtoWriter();
  file.bytes(1, enc.encode(fileName));
  file.bytes(2, enc.encode(pkg));
  file.bytes(4, m.finish());
  file.bytes(12, enc.encode('proto3'));
  const set = new ProtoWriter();
  set.bytes(1, file.finish());
  return set.finish();
}
