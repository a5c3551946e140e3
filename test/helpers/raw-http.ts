// Raw bytes to a server on loopback, the way a hostile client sends them: no client library to
// tidy the request line or refuse an odd header first.
import { connect } from 'node:net';

export interface RawAnswer {
  /** the status code of the first response line, null when the server answered nothing */
  status: number | null;
  /** everything the server sent */
  text: string;
  /** the server closed the connection (rather than the client giving up) */
  closedByServer: boolean;
}

/**
 * Sends `bytes`, waits for the server to answer and close, or until `waitMs` passes; then closes.
 * `keepWriting`: bytes sent one at a time afterwards every 100 ms, like a slow body.
 * `headersOnly`: done once the response's headers are in (an accepted upgrade stays open).
 */
export function rawRequest(port: number, bytes: string | Buffer, waitMs = 2000, keepWriting?: string, headersOnly = false): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    let text = '';
    let done = false;
    let trickle: NodeJS.Timeout | undefined;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (trickle) clearInterval(trickle);
      sock.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, closedByServer });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    sock.on('data', (d) => {
      text += d.toString('latin1');
      if (headersOnly && text.includes('\r\n\r\n')) finish(false);
    });
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', () => {
      sock.write(bytes);
      if (keepWriting) {
        let i = 0;
        trickle = setInterval(() => {
          if (!sock.writable) return;
          sock.write(keepWriting[i++ % keepWriting.length]);
        }, 100);
      }
    });
  });
}

/** A request as text: request line, headers (null values left out), blank line, body. */
export function requestText(method: string, target: string, headers: Record<string, string | null>, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`];
  for (const [k, v] of Object.entries(headers)) if (v !== null) lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export const WS_UPGRADE = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } as const;
