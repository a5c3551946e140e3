// The page's body by its display roles (model/display.ts): the map with its panels, the video
// grid, the board or the dispatch console, each only where the page's roles ask for it — a page
// without `map` never makes the map or its WebGL canvases. And the banner that says an address
// (or a preset) could not be used and what the page shows instead.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplayRoles } from '../../../core/display';
import { EdgeCues } from '../map/EdgeCues';
import { MapView } from '../map/MapView';
import { areasClass, displayAreas, type DisplayAreas, type PageRoles, pageRoles } from '../model/display';
import { VideoGrid } from '../video/VideoGrid';
import { VideoWall } from '../video/VideoWall';
import { Banners } from './Banners';
import { useWall } from './context';
import { DispatchConsole } from './DispatchConsole';
import { GridPanel } from './GridPanel';
import { IncidentBoard } from './IncidentBoard';
import { IncidentPanel } from './IncidentPanel';
import { LayerPanel } from './LayerPanel';
import { MapControls } from './MapControls';
import { RejectsPanel } from './RejectsPanel';
import { ReplayVeil } from './ReplayBand';
import { SearchBox } from './SearchBox';
import './displays.css';

export type PageDisplay = PageRoles & { areas: DisplayAreas };

/** This page's roles: from its address, or from the services' layout preset for its `?screen=` (they may change it at any time). */
export function usePageDisplay(): PageDisplay {
  const params = useMemo(() => {
    const q = new URLSearchParams(window.location.search);
    return { displayParam: q.get('display'), screenParam: q.get('screen'), gridParam: q.get('grid') };
  }, []);
  const layout = useWall((s) => s.layout);
  return useMemo(() => {
    const r = pageRoles({ ...params, layout });
    return { ...r, areas: displayAreas(r.roles) };
  }, [params, layout]);
}

function useRolesText(): (roles: DisplayRoles) => string {
  const { t } = useTranslation();
  return (roles) => roles.map((r) => t(`displays.roles.${r}`)).join(t('displays.join'));
}

/** An address or preset that could not be used: what was wrong, and what the page shows instead. */
export function DisplayError({ display }: { display: PageRoles }) {
  const { t } = useTranslation();
  const rolesText = useRolesText();
  const e = display.error;
  if (!e) return null;
  const key = e.param === 'display' ? 'displays.badDisplay' : e.param === 'grid' ? 'displays.badGrid' : 'displays.badScreen';
  return (
    <div className="display-error" role="alert" data-testid="display-error" data-param={e.param} title={e.reason}>
      {t(key, { value: e.value, fallback: rolesText(display.roles) })}
    </div>
  );
}

/** The map and what floats over it: tiles beside alarms unless a grid holds them, the detail unless the console does. */
function MapArea({ areas }: { areas: DisplayAreas }) {
  return (
    <div className="map-area">
      <MapView />
      <EdgeCues />
      {areas.tilesOnMap && <VideoWall />}
      <MapControls />
      <SearchBox />
      <GridPanel />
      {areas.detailOnMap && <IncidentPanel />}
      <LayerPanel />
      <RejectsPanel />
      <Banners map />
    </div>
  );
}

export function DisplayBody({ display }: { display: PageDisplay }) {
  const { areas } = display;
  return (
    <main className={`body ${areasClass(areas)}`} data-testid="display-body">
      <ReplayVeil />
      {areas.map && <MapArea areas={areas} />}
      {areas.video && <VideoGrid shape={display.videoGrid} />}
      {areas.side === 'board' && <IncidentBoard />}
      {areas.side === 'dispatch' && <DispatchConsole />}
      {!areas.map && <Banners map={false} />}
      {/* without the map, the rejects panel (R, the header's count) opens over the page */}
      {!areas.map && <RejectsPanel />}
    </main>
  );
}
