// The header: title, clock, link and broker state, counts, message rate, rejected messages, and
// who is signed in (with 只读 on a viewer's wall, and 退出登录).
import { RoomMenu } from './RoomMenu';
import { useTranslation } from 'react-i18next';
import type { Priority } from '../../../core/domain';
import { formatAge, formatClock, formatDate, formatNumber } from '../i18n/format';
import { toggleLanguage } from '../i18n';
import { PRIORITY_CSS } from '../model/colors';
import { feedState } from '../model/feeds';
import { isCutOff } from '../model/liveness';
import { replayClock } from '../model/replay';
import { feedsNow, unitFigures } from '../model/selectors';
import { openCountsByPriority } from '../model/situation';
import type { WallState } from '../state/store';
import { useDispatch, useNow, useRuntime, useTimeZone, useWall } from './context';
import { maySignOut, offersSignIn } from './session';

const PRIORITIES: Priority[] = [1, 2, 3, 4];
/** feeds listed in the header; the rest are counted and named in the tooltip */
const FEEDS_SHOWN = 3;

/** Every feed the wall hears from, with when it was last heard. */
function Feeds({ now }: { now: number }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const feeds = feedsNow(useRuntime().store.getState(), now);
  const name = (kind: string, source: string) => {
    const k = t(`feeds.kinds.${kind}`);
    // the wall's own topics need no source name: kiosks, cameras, and native unit locations
    return kind === 'kiosks' || kind === 'cameras' || (kind === 'units' && source === 'units') ? k : t('feeds.item', { kind: k, source: t(`feeds.sources.${source}`, { defaultValue: source }) });
  };
  const line = (f: (typeof feeds)[number]) => t('feeds.line', { name: name(f.kind, f.source), state: t(`feeds.state.${feedState(f.lastHeard, now)}`), heard: t('header.lastHeard', { time: formatAge(now - f.lastHeard, lang) }) });
  const shown = feeds.slice(0, feeds.length > FEEDS_SHOWN ? FEEDS_SHOWN - 1 : FEEDS_SHOWN);
  const rest = feeds.slice(shown.length);
  return (
    <div className="feeds" data-testid="feeds" data-count={feeds.length} title={feeds.map(line).join('\n')}>
      <div className="feeds-title">{t('feeds.title')}</div>
      {feeds.length === 0 && <div className="feed muted">{t('feeds.none')}</div>}
      {shown.map((f) => {
        const st = feedState(f.lastHeard, now);
        return (
          <div key={f.key} className="feed" data-testid="feed" data-feed={f.key} data-state={st}>
            <span className={`light ${st === 'live' ? 'open' : st === 'quiet' ? 'connecting' : 'closed'}`} />
            <span className="feed-name">{name(f.kind, f.source)}</span>
            <span className="feed-age">{formatAge(now - f.lastHeard, lang)}</span>
          </div>
        );
      })}
      {rest.length > 0 && <div className="feed muted">{t('feeds.more', { count: rest.length })}</div>}
    </div>
  );
}

/** The open incidents by priority. */
function OpenCounts({ incidents, lang }: { incidents: WallState['incidents']; lang: string }) {
  const { t } = useTranslation();
  const counts = openCountsByPriority(incidents);
  const openTotal = counts[1] + counts[2] + counts[3] + counts[4];
  return (
    <div className="stat" data-testid="stat-open" data-count={openTotal}>
      <div className="stat-label">{t('header.open')}</div>
      <div className="stat-value">
        <span className="stat-total">{formatNumber(openTotal, lang)}</span>
        {PRIORITIES.map((p) => (
          <span key={p} className={`prio-chip${counts[p] === 0 ? ' zero' : ''}`} style={{ borderColor: PRIORITY_CSS[p], color: counts[p] ? PRIORITY_CSS[p] : undefined }} title={t(`priority.${p}`)}>
            {t(`priorityShort.${p}`)} {formatNumber(counts[p], lang)}
          </span>
        ))}
      </div>
    </div>
  );
}

type T = (key: string, o?: Record<string, unknown>) => string;

/**
 * The broker line's tooltip: where, the last error, reconnects, and what the wall read against what
 * it handed on (a support call's first question: did the alarm reach the wall at all?).
 */
export const brokerTitleOf = (health: WallState['health'], t: T, lang: string) =>
  health
    ? [
        health.broker.url,
        health.broker.error ? t('header.brokerError', { error: health.broker.error }) : '',
        health.broker.reconnects ? t('header.reconnects', { count: health.broker.reconnects }) : '',
        t('header.brokerCounts', { received: formatNumber(health.broker.received, lang), handled: formatNumber(health.broker.handled, lang) }),
      ]
        .filter(Boolean)
        .join('\n')
    : undefined;

/** Who the shell turned away (hostile or broken clients): in the bridge line's tooltip. */
function bridgeAccess(health: WallState['health'], t: T): { refused: number; title: string | undefined } {
  const access = health?.access;
  if (!access) return { refused: 0, title: undefined };
  const refused = Object.values(access.refused).reduce((a, b) => a + b, 0);
  const title = [t('header.accessClients', { peers: access.peers, max: access.maxPeers }), refused && access.last ? t('header.accessRefused', { count: refused, last: `${access.last.kind}: ${access.last.why}` }) : ''].filter(Boolean).join('\n');
  return { refused, title };
}

/** The page's link to the services, theirs to the broker, and when a message last came. */
function ConnectionLines({ now, lang }: { now: number; lang: string }) {
  const { t } = useTranslation();
  const connection = useWall((s) => s.connection);
  const silent = useWall((s) => !s.liveness.live && s.liveness.reason === 'silent');
  const health = useWall((s) => s.health);
  const runtime = useRuntime();
  const brokerUp = connection === 'open' && !silent && health?.broker.connected === true;
  const lastMessageAt = health?.broker.lastMessageAt ?? runtime.store.getState().stats.lastMessageAt;
  const access = bridgeAccess(health, t);
  return (
    <div className="connection" data-testid="connection" data-state={connection} data-broker={brokerUp ? 'up' : 'down'}>
      <div className="conn-line" title={access.title} data-testid="bridge-line" data-refused={access.refused}>
        <span className={`light ${silent ? 'closed' : connection}`} />
        <span>{t('header.bridge')}</span>
        <span className="conn-state">{t(silent ? 'connection.silent' : `connection.${connection}`)}</span>
      </div>
      <div className="conn-line" title={brokerTitleOf(health, t, lang)} data-testid="broker-line">
        <span className={`light ${brokerUp ? 'open' : 'closed'}`} />
        <span>{t('header.broker')}</span>
        <span className="conn-state">{t(brokerUp ? 'connection.brokerUp' : 'connection.brokerDown')}</span>
      </div>
      <div className="conn-heard">{lastMessageAt ? t('header.lastHeard', { time: formatAge(now - lastMessageAt, lang) }) : t('header.neverHeard')}</div>
    </div>
  );
}

/** The wall's sound: on, or muted with the time left (a mute ends by itself). */
function SoundToggle({ now }: { now: number }) {
  const { t } = useTranslation();
  const mutedUntil = useWall((s) => s.mutedUntil);
  const minutes = useWall((s) => Math.round(s.muteMs / 60_000));
  const dispatch = useDispatch();
  const muted = mutedUntil !== null && now < mutedUntil;
  const left = muted ? Math.max(0, Math.ceil((mutedUntil - now) / 1000)) : 0;
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return (
    <button
      type="button"
      className={`sound-toggle${muted ? ' muted' : ''}`}
      data-testid="sound-toggle"
      data-muted={muted ? 'true' : 'false'}
      aria-pressed={muted}
      title={muted ? t('sound.unmuteTitle') : t('sound.muteTitle', { minutes })}
      onClick={() => dispatch({ type: 'mute', at: muted ? null : Date.now() })}
    >
      {muted ? t('sound.muted', { left: clock }) : t('sound.on')}
    </button>
  );
}

/** Who is at the wall: name and role, 只读 on a viewer's wall, and 退出登录 (or 登录 where anonymous viewers may look). */
function Operator({ onSignIn, onSignOut }: { onSignIn(): void; onSignOut(): void }) {
  const { t } = useTranslation();
  const session = useWall((s) => s.session);
  const me = session?.me;
  if (!me) return null;
  const role = t(`roles.${me.role}`);
  const anonymous = me.via === 'anonymous';
  return (
    <div className="operator" data-testid="operator" data-role={me.role} data-via={me.via} title={anonymous ? t('operator.anonymousTitle', { role }) : undefined}>
      <div className="operator-who">
        <div className="operator-line">
          {/* an anonymous wall's "name" is its role's: said once, below */}
          {!anonymous && (
            <span className="operator-name" data-testid="operator-name">
              {me.name}
            </span>
          )}
          {!me.canAct && (
            <span className="read-only-badge" data-testid="read-only-badge" title={t('operator.readOnlyTitle')}>
              {t('operator.readOnly')}
            </span>
          )}
        </div>
        <div className="operator-role" data-testid="operator-role">
          {role}
        </div>
      </div>
      {maySignOut(session) && (
        <button type="button" className="btn operator-button" data-testid="sign-out" onClick={onSignOut}>
          {t('operator.signOut')}
        </button>
      )}
      {offersSignIn(session) && (
        <button type="button" className="btn operator-button" data-testid="sign-in-open" onClick={onSignIn}>
          {t('operator.signIn')}
        </button>
      )}
    </div>
  );
}

export function Header({ onSignIn, onSignOut }: { onSignIn(): void; onSignOut(): void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  // the page's clock (the link, the sound's mute) and the wall's: the replay clock in a replay
  const local = useNow(1000);
  const replayAt = useWall((s) => replayClock(s));
  const now = replayAt ?? local;
  const tz = useTimeZone();
  const incidents = useWall((s) => s.incidents);
  // Stats and units change with every delta (20 a second); the header re-reads them with the clock.
  const model = useRuntime().store.getState();
  const { stats } = model;
  useWall((s) => s.stats.rejected);
  const rejectsOpen = useWall((s) => s.rejectsOpen);
  const dispatch = useDispatch();
  const { available, total } = unitFigures(model, now);
  // figures the page can no longer update are greyed (styles.css); a rate would only be a frozen number
  const liveness = useWall((s) => s.liveness);
  const cutOff = isCutOff(liveness);

  return (
    <header className="header" data-testid="header" data-old={!liveness.live}>
      <div className="brand">
        <div className="brand-title">{t('app.title')}</div>
        <div className={`brand-date${replayAt !== null ? ' replay' : ''}`}>{formatDate(now, lang, tz)}</div>
      </div>
      <div className={`clock${replayAt !== null ? ' replay' : ''}`} aria-label={t('header.clockLabel')} data-testid="header-clock" data-at={now}>
        {formatClock(now, lang, tz)}
      </div>

      <OpenCounts incidents={incidents} lang={lang} />

      <div className="stat" data-testid="stat-units" data-available={available}>
        <div className="stat-label">{t('header.unitsAvailable')}</div>
        <div className="stat-value">{t('header.unitsOf', { available: formatNumber(available, lang), total: formatNumber(total, lang) })}</div>
      </div>

      <div className="stat" data-testid="stat-rate">
        <div className="stat-label">{t('header.rate')}</div>
        <div className="stat-value">{cutOff ? '—' : formatNumber(stats.messagesPerSecond, lang, 1)}</div>
      </div>

      <button
        type="button"
        className={`stat stat-button${stats.rejected > 0 ? ' warn' : ''}${rejectsOpen ? ' active' : ''}`}
        data-testid="rejects-button"
        data-count={stats.rejected}
        onClick={() => dispatch({ type: 'rejectsOpen', open: !rejectsOpen })}
      >
        <div className="stat-label">{t('header.rejected')}</div>
        <div className="stat-value">{formatNumber(stats.rejected, lang)}</div>
      </button>

      <ConnectionLines now={local} lang={lang} />

      <Feeds now={now} />

      <RoomMenu />

      <Operator onSignIn={onSignIn} onSignOut={onSignOut} />

      <SoundToggle now={local} />
      <button type="button" className="lang-toggle" data-testid="language-toggle" title={t('header.languageTitle')} onClick={toggleLanguage}>
        {t('header.language')}
      </button>
    </header>
  );
}
