// Search (key /): incidents by id or title, places (the places registry) by name or alias, units
// by name or id, kiosks, grids by name. Choosing a result flies the map there and marks it:
// incidents are selected, places, units and kiosks get a ring, grids an outline.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { gridCatalog } from '../model/grids';
import { useDispatch, useRuntime, useWall } from './context';
import { search, searchChoiceOf, type SearchResult } from './search';

const LIMIT = 12;

const KIND_WORDS: Partial<Record<SearchResult['kind'], string>> = { incident: 'kinds', unit: 'unitKinds', grid: 'gridLevel', place: 'placeKinds' };

/** What a result's second line says: its kind in words, and the detail the search gave. */
function detailOf(r: SearchResult, t: (key: string, options: { defaultValue: string }) => string): string | undefined {
  const kindKey = KIND_WORDS[r.kind];
  if (!kindKey) return r.detail;
  // a registry's own kinds of place are free text: one the wall has no words for shows as written
  return [r.sub ? t(`${kindKey}.${r.sub}`, { defaultValue: r.sub }) : '', r.detail].filter(Boolean).join(' · ');
}

function SearchResults({ results, active, onChoose, onHover }: { results: SearchResult[]; active: number; onChoose(r: SearchResult): void; onHover(i: number): void }) {
  const { t } = useTranslation();
  return (
    <div className="search-results" data-testid="search-results">
      {results.length === 0 ? (
        <div className="search-empty">{t('search.empty')}</div>
      ) : (
        <ul>
          {results.map((r, i) => (
            <li
              key={`${r.kind}:${r.id}`}
              className={i === active ? 'active' : ''}
              data-testid="search-result"
              data-kind={r.kind}
              data-id={r.id}
              onMouseDown={(e) => {
                e.preventDefault();
                onChoose(r);
              }}
              onMouseEnter={() => onHover(i)}
            >
              <span className={`search-kind ${r.kind}`}>{t(`search.kinds.${r.kind}`)}</span>
              <span className="search-text">
                <span className="search-title">{r.title}</span>
                <span className="search-detail">{detailOf(r, t)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="search-hint">{t('search.hint')}</div>
    </div>
  );
}

export function SearchBox() {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  // the close after a blur waits so a click on a result lands first; focusing again within that
  // wait (/ pressed right after choosing) must cancel it, or the new results vanish under the typing
  const closing = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancelClose = () => {
    if (closing.current) clearTimeout(closing.current);
    closing.current = null;
  };
  useEffect(() => cancelClose, []);
  const { store } = useRuntime();
  const dispatch = useDispatch();
  const grids = useWall((s) => s.reference?.grids ?? null);
  const catalog = useMemo(() => gridCatalog(grids), [grids]);
  const places = useWall((s) => s.reference?.places);
  // results are computed when the query changes, from what the wall holds at that moment
  const results = useMemo(() => {
    if (!query.trim()) return [];
    const s = store.getState();
    return search(query, { incidents: s.incidents.values(), units: s.units, kiosks: s.kiosks.values(), grids: catalog.entries, places: places ?? [] }, LIMIT);
  }, [query, catalog, places, store]);

  const choose = (r: SearchResult | undefined) => {
    if (!r) return;
    dispatch({ type: 'searchChoice', choice: searchChoiceOf(r) });
    setOpen(false);
    input.current?.blur();
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(results.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Enter') choose(results[active]);
    else if (e.key === 'Escape') {
      if (query) setQuery('');
      else input.current?.blur();
      setOpen(false);
    } else return;
    e.preventDefault();
  };

  return (
    <div className="search" data-testid="search">
      <div className="search-field">
        <span className="search-icon" aria-hidden="true" />
        <input
          ref={input}
          type="search"
          value={query}
          placeholder={t('search.placeholder')}
          aria-label={t('search.label')}
          data-testid="search-input"
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            cancelClose();
            setQuery(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onFocus={() => {
            cancelClose();
            setOpen(true);
          }}
          onBlur={() => {
            cancelClose();
            closing.current = setTimeout(() => {
              closing.current = null;
              setOpen(false);
            }, 150);
          }}
          onKeyDown={onKey}
        />
        <kbd>/</kbd>
      </div>
      {open && query.trim() && <SearchResults results={results} active={active} onChoose={choose} onHover={setActive} />}
    </div>
  );
}
