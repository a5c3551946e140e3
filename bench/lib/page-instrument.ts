// Instruments a wall page for the benches that time its bridge: each bridge message's handler
// timed (start, end, type, bytes), frames counted, long tasks summed, the situation's age sampled
// (how far behind the services' clock the page's model is), and — while `window.__benchDropAcks`
// is true — the page's flow-control acknowledgements (updates.ack) dropped before they leave and
// its bridge opened without saying it acknowledges (no `acks=1`), so the same page can be measured
// as it was before flow control. Installed with
// `page.addInitScript({ content: PAGE_INSTRUMENT })`: a string, not a function, because tsx would
// name the functions inside with a helper the page lacks.
import type { Page } from 'playwright-core';

/**
 * Page-side code (a string, for an init script) that hands every message of the wall's bridge
 * socket to `observe(ev, start, end)` once the page's own handler has run; `start` and `end` are
 * Date.now() around that handler. `before` runs when such a socket's handler is installed.
 */
export function bridgeMessageHook(observe: string, before = ''): string {
  return `{
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  const observe = ${observe};
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() {
      return desc.get.call(this);
    },
    set(fn) {
      if (!fn || !String(this.url).includes('/bridge')) return desc.set.call(this, fn);
      ${before}
      desc.set.call(this, function (ev) {
        const start = Date.now();
        fn.call(this, ev);
        observe(ev, start, Date.now());
      });
    },
  });
}`;
}

export const PAGE_INSTRUMENT = `(() => {
  const b = { handled: [], frames: [], longMs: 0, sockets: 0, ages: [], acksDropped: 0 };
  window.__bench = b;
  window.__benchDropAcks = false;
  // started once the page's own code runs: rAF from the init script never fired
  let watching = false;
  function watch() {
    if (watching) return;
    watching = true;
    function frame() {
      b.frames.push(Date.now());
      requestAnimationFrame(frame);
    }
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longMs += e.duration;
    }).observe({ type: 'longtask' });
    setInterval(() => {
      const s = window.__watchfloor && window.__watchfloor.store();
      if (s && s.now > 0) b.ages.push([Date.now(), Date.now() - s.now]);
    }, 250);
  }
  const Socket = window.WebSocket;
  function BenchSocket(url, protocols) {
    if (window.__benchDropAcks) url = String(url).replace(/[?&]acks=1/, '');
    return protocols === undefined ? new Socket(url) : new Socket(url, protocols);
  }
  BenchSocket.prototype = Socket.prototype;
  for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) BenchSocket[k] = Socket[k];
  window.WebSocket = BenchSocket;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (window.__benchDropAcks && typeof data === 'string' && data.includes('"method":"updates.ack"')) {
      b.acksDropped++;
      return;
    }
    return send.call(this, data);
  };
  ${bridgeMessageHook(
    `(ev, start, end) => {
    const text = typeof ev.data === 'string' ? ev.data : '';
    b.handled.push([start, end, /^\\{"type":"(\\w+)"/.exec(text)?.[1] ?? '?', text.length]);
  }`,
    'b.sockets++; watch();',
  )}
})();`;

export interface PageBench {
  handled: [start: number, end: number, type: string, bytes: number][];
  frames: number[];
  longMs: number;
  sockets: number;
  /** [when, how old the page's situation was then (ms)] */
  ages: [number, number][];
  acksDropped: number;
}

export const pageBenchOf = (page: Page): Promise<PageBench> =>
  page.evaluate(() => {
    const b = (window as unknown as { __bench: PageBench }).__bench;
    return { handled: b.handled.slice(), frames: b.frames.slice(), longMs: b.longMs, sockets: b.sockets, ages: b.ages.slice(), acksDropped: b.acksDropped };
  });
