// The replay's timeline across the bottom of the wall: the period with where each incident started
// (in its priority's colour, as on the map), how much was recorded along it, the bookmarks, and the
// playhead at the replay clock. Play / pause, the speeds, previous / next incident, a click or a
// drag on the bar to go there, a marker or bookmark to jump to it, and a bookmark added at the
// playhead with a note. Sized in rem, so it reads at 4K across the room as at a desk.
import { memo, type PointerEvent as ReactPointerEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REPLAY_SPEEDS, type ReplayState } from '../../../core/player';
import { formatClock, formatFullDateTime, formatHourMinute } from '../i18n/format';
import { PRIORITY_CSS } from '../model/colors';
import { speedLabel } from '../model/replay';
import { densityBars, fractionOf, placeMarkers, ticks, timeAtX, zoneOffsetMs } from '../model/timeline';
import { addBookmark, replayControl } from '../state/replay-session';
import { useRuntime, useTimeZone, useWall } from './context';

/** rows of incident markers above the bar */
const MARKER_LANES = 2;
/** a marker's width, in rem (its kind's name fits) */
const MARKER_REM = 5.2;
/** at most one seek this often while the playhead is dragged; the last one when it is let go */
const DRAG_SEEK_MS = 250;

/** The width of an element, kept up to date. */
function useWidth(ref: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

const remPx = (): number => parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;

/** The controls' glyphs, drawn (the wall's fonts have no media symbols). */
function Glyph({ shape }: { shape: 'prev' | 'next' | 'play' | 'pause' }) {
  const d = {
    prev: 'M2 2h2v12H2zM14 2v12L5 8z',
    next: 'M12 2h2v12h-2zM2 2v12l9-6z',
    play: 'M3 2v12l11-6z',
    pause: 'M3 2h3.5v12H3zM9.5 2H13v12H9.5z',
  }[shape];
  return (
    <svg className="tl-glyph" viewBox="0 0 16 16" aria-hidden="true">
      <path d={d} />
    </svg>
  );
}

/** keeps a click on a control from taking the keyboard's focus: Space stays play / pause */
const keepFocus = (e: { preventDefault(): void }) => e.preventDefault();

export function ReplayTimeline() {
  const player = useWall((s) => s.player);
  if (player.mode !== 'replay') return null;
  return <Timeline p={player} />;
}

function Timeline({ p }: { p: ReplayState }) {
  const { t } = useTranslation();
  const runtime = useRuntime();
  const control = (c: Parameters<typeof replayControl>[1]) => void replayControl(runtime, c);
  return (
    <section className="replay-timeline" data-testid="replay-timeline" aria-label={t('replay.track')}>
      <div className="tl-controls">
        <button type="button" className="btn tl-step" data-testid="replay-prev" title={t('replay.prevTitle')} onMouseDown={keepFocus} onClick={() => control({ op: 'step', direction: -1 })}>
          <Glyph shape="prev" /> {t('replay.prev')}
        </button>
        <button
          type="button"
          className={`btn tl-play${p.playing ? ' playing' : ''}`}
          data-testid="replay-play"
          data-playing={p.playing ? 'true' : 'false'}
          title={t('replay.playTitle')}
          onMouseDown={keepFocus}
          onClick={() => control({ op: p.playing ? 'pause' : 'play' })}
        >
          <Glyph shape={p.playing ? 'pause' : 'play'} /> {p.playing ? t('replay.pause') : t('replay.play')}
        </button>
        <button type="button" className="btn tl-step" data-testid="replay-next" title={t('replay.nextTitle')} onMouseDown={keepFocus} onClick={() => control({ op: 'step', direction: 1 })}>
          {t('replay.next')} <Glyph shape="next" />
        </button>
        <div className="tl-speeds" role="group" aria-label={t('replay.speed')} title={t('replay.speedTitle')}>
          <span className="tl-speeds-label">{t('replay.speed')}</span>
          {REPLAY_SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              className={`tl-speed${s === p.speed ? ' current' : ''}`}
              data-testid="replay-speed-button"
              data-speed={s}
              aria-pressed={s === p.speed}
              onMouseDown={keepFocus}
              onClick={() => s !== p.speed && control({ op: 'speed', speed: s })}
            >
              {speedLabel(s)}
            </button>
          ))}
        </div>
        <BookmarkAdd at={p.at} />
      </div>
      <Track p={p} />
    </section>
  );
}

/** 添加书签: the playhead's instant is taken when the button is pressed; the note is typed in place (Enter saves, Esc cancels). */
function BookmarkAdd({ at }: { at: number }) {
  const { t, i18n } = useTranslation();
  const tz = useTimeZone();
  const runtime = useRuntime();
  const [pending, setPending] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (pending !== null) input.current?.focus();
  }, [pending]);
  if (pending === null) {
    return (
      <button type="button" className="btn tl-bookmark-add" data-testid="replay-bookmark-add" title={t('replay.bookmarkTitle')} onMouseDown={keepFocus} onClick={() => (setNote(''), setPending(at))}>
        <span className="tl-flag-glyph" aria-hidden="true" /> {t('replay.bookmark')}
      </button>
    );
  }
  const save = async () => {
    if (!note.trim() || busy) return;
    setBusy(true);
    const ok = await addBookmark(runtime, pending, note.trim());
    setBusy(false);
    if (ok) setPending(null);
  };
  return (
    <form
      className="tl-bookmark-form"
      data-testid="replay-bookmark-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <span className="tl-bookmark-at">{formatClock(pending, i18n.language, tz)}</span>
      <input
        ref={input}
        type="text"
        maxLength={200}
        value={note}
        aria-label={t('replay.bookmarkNote')}
        placeholder={t('replay.bookmarkPlaceholder')}
        data-testid="replay-bookmark-note"
        onChange={(e) => setNote(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setPending(null);
        }}
      />
      <button type="submit" className="btn" data-testid="replay-bookmark-save" disabled={busy || !note.trim()}>
        {t('replay.bookmarkSave')}
      </button>
      <button type="button" className="btn" onClick={() => setPending(null)}>
        {t('replay.bookmarkCancel')}
      </button>
    </form>
  );
}

/** The bar: density, markers, bookmarks, ticks and the playhead; a click or a drag goes there. */
function Track({ p }: { p: ReplayState }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const tz = useTimeZone();
  const runtime = useRuntime();
  const bar = useRef<HTMLDivElement>(null);
  const width = useWidth(bar);
  const rem = remPx();
  // the playhead follows the pointer while dragged, until the services answer the last seek
  const [scrub, setScrub] = useState<number | null>(null);
  const drag = useRef<{ lastSent: number; seq: number; pending: number | null; timer: ReturnType<typeof setTimeout> | null }>({ lastSent: 0, seq: 0, pending: null, timer: null });
  useEffect(() => () => void (drag.current.timer && clearTimeout(drag.current.timer)), []);

  const seek = (at: number) => {
    const d = drag.current;
    d.lastSent = performance.now();
    const seq = ++d.seq;
    void replayControl(runtime, { op: 'seek', at }).then(() => {
      // the last seek answered: the playhead is the services' again
      if (seq === drag.current.seq && !dragging.current) setScrub(null);
    });
  };
  const dragging = useRef(false);
  const timeOf = (e: ReactPointerEvent<HTMLElement>): number => {
    const r = bar.current!.getBoundingClientRect();
    return timeAtX(e.clientX, r.left, r.width, p.from, p.to);
  };
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    dragging.current = true;
    const at = timeOf(e);
    setScrub(at);
    seek(at);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    const at = timeOf(e);
    setScrub(at);
    const d = drag.current;
    d.pending = at;
    if (d.timer) return;
    const wait = Math.max(0, d.lastSent + DRAG_SEEK_MS - performance.now());
    d.timer = setTimeout(() => {
      d.timer = null;
      if (d.pending !== null && dragging.current) seek(d.pending);
      d.pending = null;
    }, wait);
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (!dragging.current) return;
    dragging.current = false;
    const d = drag.current;
    if (d.timer) clearTimeout(d.timer);
    d.timer = null;
    d.pending = null;
    const at = timeOf(e);
    setScrub(at);
    seek(at);
  };

  const at = scrub ?? p.at;
  const x = fractionOf(at, p.from, p.to);
  const nBars = Math.max(20, Math.min(240, Math.floor(width / (0.5 * rem)) || 120));
  const bars = useMemo(() => densityBars(p.density, p.from, p.to, nBars), [p.density, p.from, p.to, nBars]);
  const placed = useMemo(() => placeMarkers(p.markers, p.from, p.to, width > 0 ? (MARKER_REM * rem) / width : 0.05, MARKER_LANES), [p.markers, p.from, p.to, width, rem]);
  const lanesUsed = Math.max(1, ...placed.map((m) => m.lane + 1));
  const tickSet = useMemo(() => ticks(p.from, p.to, Math.max(2, Math.floor(width / (6 * rem)) || 6), zoneOffsetMs(p.from, tz)), [p.from, p.to, width, rem, tz]);
  const tickLabel = (ms: number) => (tickSet.step < 60_000 ? formatClock(ms, lang, tz) : formatHourMinute(ms, lang, tz));
  const jump = (to: number) => {
    setScrub(to);
    seek(to);
  };

  return (
    <div className="tl-track" data-testid="replay-track" data-from={p.from} data-to={p.to}>
      <div className="tl-markers" style={{ height: `${lanesUsed * 1.75}rem` }}>
        {placed.map(({ marker: m, x: mx, lane }) => (
          <Marker key={m.id} id={m.id} at={m.at} x={mx} lane={lane} priority={m.priority} kind={t(`kinds.${m.kind}`)} title={t('replay.marker', { priority: t(`priorityShort.${m.priority}`), kind: t(`kinds.${m.kind}`), time: formatClock(m.at, lang, tz), title: m.title })} past={m.at <= at} onJump={jump} />
        ))}
      </div>
      <div
        ref={bar}
        className="tl-bar"
        data-testid="replay-bar"
        role="slider"
        aria-label={t('replay.track')}
        aria-valuemin={p.from}
        aria-valuemax={p.to}
        aria-valuenow={at}
        aria-valuetext={formatFullDateTime(at, tz)}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <svg className="tl-density" viewBox={`0 0 ${bars.length} 1`} preserveAspectRatio="none" aria-hidden="true">
          {bars.map((h, i) => (h > 0 ? <rect key={i} x={i + 0.12} y={1 - h} width={0.76} height={h} /> : null))}
        </svg>
        <div className="tl-played" style={{ width: `${x * 100}%` }} />
        {placed.map(({ marker: m, x: mx }) => (
          <div key={m.id} className="tl-marker-line" style={{ left: `${mx * 100}%`, background: PRIORITY_CSS[m.priority] }} />
        ))}
        {p.bookmarks.map((b) => {
          const bx = fractionOf(b.at, p.from, p.to);
          return (
            <button
              key={b.id}
              type="button"
              className={`tl-bookmark${bx > 0.8 ? ' flip' : ''}`}
              data-testid="replay-bookmark"
              data-at={b.at}
              style={{ left: `${bx * 100}%` }}
              title={`${t('replay.bookmarkAt', { time: formatClock(b.at, lang, tz), note: b.note })}${b.by ? t('replay.bookmarkBy', { by: b.by }) : ''}`}
              onPointerDown={(e) => e.stopPropagation()}
              onMouseDown={keepFocus}
              onClick={() => jump(b.at)}
            >
              <span className="tl-flag-glyph" aria-hidden="true" />
              <span className="tl-bookmark-note">{b.note}</span>
            </button>
          );
        })}
        <div className={`tl-playhead${p.loading ? ' loading' : ''}`} data-testid="replay-playhead" data-at={at} style={{ left: `${x * 100}%` }} />
      </div>
      <div className="tl-ticks" aria-hidden="true">
        {tickSet.times.map((tm) => {
          const tx = fractionOf(tm, p.from, p.to);
          return (
            <span key={tm} className="tl-tick" style={{ left: `${tx * 100}%` }} data-edge={tx < 0.03 ? 'start' : tx > 0.97 ? 'end' : undefined}>
              {tickLabel(tm)}
            </span>
          );
        })}
        <span className="tl-now" style={{ left: `${x * 100}%` }} data-edge={x < 0.05 ? 'start' : x > 0.95 ? 'end' : undefined}>
          {formatClock(at, lang, tz)}
        </span>
      </div>
    </div>
  );
}

/** An incident's start on the timeline, in its priority's colour; a click goes there. */
const Marker = memo(function Marker(props: { id: string; at: number; x: number; lane: number; priority: 1 | 2 | 3 | 4; kind: string; title: string; past: boolean; onJump(at: number): void }) {
  const { id, at, x, lane, priority, kind, title, past, onJump } = props;
  return (
    <button
      type="button"
      className={`tl-marker${past ? ' past' : ''}${x > 0.95 ? ' end' : ''}`}
      data-testid="replay-marker"
      data-incident-id={id}
      data-at={at}
      data-priority={priority}
      style={{ left: `${x * 100}%`, top: `${lane * 1.75}rem`, ['--prio' as string]: PRIORITY_CSS[priority] }}
      title={title}
      aria-label={title}
      onMouseDown={keepFocus}
      onClick={() => onJump(at)}
    >
      {kind}
    </button>
  );
});
