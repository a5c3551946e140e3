// The room menu in the header (`P`): which layout preset the duty room's displays follow, and why
// (chosen by someone, or switched by itself while a P1 is open), the presets to choose from, going
// back from an automatic switch, and the diagnostics export for support. Choosing is an operator's
// action: the services check the role (a viewer sees the menu, greyed) and tell every display.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DiagnosticsExportResult } from '../../../core/contract';
import type { LayoutPreset, LayoutState } from '../../../core/display';
import { formatNumber } from '../i18n/format';
import { inReplay } from '../model/replay';
import { explainError } from './incident-actions';
import { mayAct } from './session';
import { useObservable, useRuntime, useWall } from './context';

type T = (key: string, o?: Record<string, unknown>) => string;

/** A preset's name: its own, else the built-in one's in the wall's language, else its id. */
export const presetName = (p: Pick<LayoutPreset, 'id' | 'name'> | undefined, id: string, t: T): string => p?.name ?? t(`room.presets.${id}`, { defaultValue: id });

function activeLabel(layout: LayoutState, t: T): string {
  const name = presetName(layout.presets.find((p) => p.id === layout.active), layout.active ?? '', t);
  return layout.cause === 'auto' ? t('room.activeAuto', { name }) : name;
}

export function RoomMenu() {
  const { t: tt, i18n } = useTranslation();
  const t = tt as unknown as T;
  const runtime = useRuntime();
  const open = useObservable(runtime.roomMenu);
  const layout = useWall((s) => s.layout);
  const canAct = useWall((s) => mayAct(s.session) && !inReplay(s));
  const [said, setSaid] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  if (!layout) return null;
  const say = (text: string, error = false) => setSaid({ text, error });
  const apply = async (preset: string) => {
    const r = await runtime.bridge.request('layout.apply', { preset });
    say(r.ok ? t('room.applied', { name: presetName(layout.presets.find((p) => p.id === preset), preset, t) }) : t('room.failed', { error: explainError(r.error, t) }), !r.ok);
  };
  const revert = async () => {
    const r = await runtime.bridge.request('layout.revert', {});
    say(r.ok ? t('room.reverted') : t('room.failed', { error: explainError(r.error, t) }), !r.ok);
  };
  const diagnostics = async () => {
    setBusy(true);
    const r = await runtime.bridge.request('diagnostics.export', {});
    setBusy(false);
    if (r.ok) {
      const d: DiagnosticsExportResult = r.value;
      say(t('room.diagnosticsSaved', { path: d.path, mb: formatNumber(d.bytes / 2 ** 20, i18n.language, 1) }));
    } else say(t('room.failed', { error: explainError(r.error, t) }), true);
  };
  // the web shell can also hand the zip to this browser (the services check the role there too)
  const download = typeof location !== 'undefined' && location.protocol.startsWith('http');
  return (
    <div className="room-menu" data-testid="room-menu" data-active={layout.active ?? ''} data-cause={layout.cause}>
      <button
        type="button"
        className={`btn room-menu-button${layout.cause === 'auto' ? ' auto' : ''}`}
        data-testid="room-menu-button"
        aria-expanded={open}
        title={layout.cause === 'auto' ? t('room.autoTitle') : t('room.title')}
        onClick={() => {
          runtime.roomMenu.set(!open);
          setSaid(null);
        }}
      >
        {/* the preset's name alone: on a busy 1920 wall only a few characters fit, and those should be the name */}
        {activeLabel(layout, t)}
      </button>
      {open && (
        <div className="room-menu-list" role="menu" data-testid="room-menu-list">
          <div className="room-menu-head">{t('room.presetsTitle')}</div>
          {layout.presets.map((p) => (
            <button
              key={p.id}
              type="button"
              role="menuitemradio"
              aria-checked={p.id === layout.active}
              className={`room-preset${p.id === layout.active ? ' active' : ''}`}
              data-testid="preset-option"
              data-preset-id={p.id}
              disabled={!canAct}
              onClick={() => void apply(p.id)}
            >
              {presetName(p, p.id, t)}
              <span className="room-preset-screens">{Object.keys(p.screens).length ? Object.keys(p.screens).join(' · ') : t('room.allDefault')}</span>
            </button>
          ))}
          {layout.cause === 'auto' && (
            <button type="button" role="menuitem" className="room-revert" data-testid="preset-revert" disabled={!canAct} onClick={() => void revert()}>
              {t('room.revert', { name: presetName(layout.presets.find((p) => p.id === layout.revertTo), layout.revertTo ?? '', t) })}
            </button>
          )}
          {!canAct && <div className="room-menu-note">{t('room.readOnly')}</div>}
          <div className="room-menu-head">{t('room.supportTitle')}</div>
          <button type="button" role="menuitem" data-testid="diagnostics-export" disabled={!canAct || busy} onClick={() => void diagnostics()}>
            {t(busy ? 'room.diagnosticsBusy' : 'room.diagnostics')}
          </button>
          {download && canAct && (
            <a className="room-download" data-testid="diagnostics-download" href="/api/diagnostics" download>
              {t('room.diagnosticsDownload')}
            </a>
          )}
          {said && (
            <div className={`room-said${said.error ? ' error' : ''}`} role="status" data-testid="room-said">
              {said.text}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
