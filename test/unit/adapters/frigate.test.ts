import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdaptOutcome } from '../../../core/adapters/common.js';
import { createFrigateAdapter, frigateIncidentKind } from '../../../core/adapters/frigate.js';
import type { IncidentReport } from '../../../core/domain.js';
import fx from '../../fixtures/adapters/frigate.json';
import { anyJson, CAMERAS, expectWellFormed, loose, makeContext, nearReceiveMs, RECEIVED_AT } from './context.js';

const adapter = createFrigateAdapter({});
const ctx = makeContext();
const REVIEWS = 'frigate/reviews';
const EVENTS = 'frigate/events';

function onlyIncident(outcome: AdaptOutcome): IncidentReport {
  if (!outcome.ok) throw new Error(`rejected: ${outcome.reason}: ${outcome.message}`);
  expect(outcome.events).toHaveLength(1);
  const [e] = outcome.events;
  if (e.type !== 'incident') throw new Error(`expected incident, got ${e.type}`);
  expect(e.source).toBe('frigate');
  return e.report;
}

function rejection(outcome: AdaptOutcome): { reason: string; message: string } {
  expect(outcome.ok).toBe(false);
  return outcome.ok ? { reason: 'ok', message: '' } : outcome;
}

/** A copy of a review message with `after` patched. */
function withAfter(msg: { type: string; after: Record<string, unknown> }, patch: Record<string, unknown>, type = msg.type) {
  return { ...msg, type, after: { ...msg.after, ...patch } };
}

describe('Frigate adapter: topics', () => {
  it('subscribes to reviews and events under the prefix', () => {
    expect(adapter.name).toBe('frigate');
    expect(adapter.filters).toEqual(['frigate/reviews', 'frigate/events']);
    expect(adapter.matches(REVIEWS)).toBe(true);
    expect(adapter.matches(EVENTS)).toBe(true);
    expect(adapter.matches('frigate/front_cam/person')).toBe(false);
    expect(adapter.matches('frigate/stats')).toBe(false);
  });

  it('honours a custom prefix', () => {
    const a = createFrigateAdapter({ topicPrefix: 'nvr1' });
    expect(a.filters).toEqual(['nvr1/reviews', 'nvr1/events']);
    expect(onlyIncident(a.adapt('nvr1/reviews', fx.reviewUpdate, ctx)).id).toBe('frigate:1718987129.308396-fqk5ka');
  });

  it('rejects other topics as unknown_topic', () => {
    expect(rejection(adapter.adapt('frigate/stats', fx.reviewUpdate, ctx)).reason).toBe('unknown_topic');
  });
});

describe('Frigate adapter: reviews', () => {
  it('turns the documented detection→alert update into an incident at the camera', () => {
    const r = onlyIncident(adapter.adapt(REVIEWS, fx.reviewUpdate, ctx));
    expect(r).toEqual({
      id: 'frigate:1718987129.308396-fqk5ka',
      ts: 1718987129308, // start_time seconds → ms
      kind: 'traffic', // a car is among the objects
      priority: 2,
      lat: CAMERAS['cam-front'].lat,
      lon: CAMERAS['cam-front'].lon,
      title: 'Frigate 告警: person, car @ front_cam [front_yard]',
      detail: 'severity: alert; sub labels: Bob; review: 1718987129.308396-fqk5ka',
      cameraIds: ['cam-front'], // the alias, not Frigate's name
      reporter: 'frigate/front_cam',
      media: [{ url: '/media/frigate/clips/review/thumb-front_cam-1718987129.308396-fqk5ka.webp', type: 'image/webp' }],
      status: 'open',
    });
  });

  it('opens on new and closes on end, keeping the start time', () => {
    const opened = onlyIncident(adapter.adapt(REVIEWS, fx.reviewNewAlert, ctx));
    expect(opened).toMatchObject({ id: 'frigate:1718987150.101010-abcdef', status: 'open', kind: 'other', cameraIds: ['back_yard'] });
    const closed = onlyIncident(adapter.adapt(REVIEWS, fx.reviewEnd, ctx));
    expect(closed).toMatchObject({ id: opened.id, status: 'closed', ts: opened.ts });
  });

  it('closes when after.end_time is set even on an update', () => {
    expect(onlyIncident(adapter.adapt(REVIEWS, withAfter(fx.reviewNewAlert, { end_time: 1718987200 }, 'update'), ctx)).status).toBe('closed');
  });

  it('takes Frigate 0.17\'s genai summary: the ended review again, its detail enriched with the summary', () => {
    const ended = onlyIncident(adapter.adapt(REVIEWS, fx.reviewEnd, ctx));
    const summarised = onlyIncident(adapter.adapt(REVIEWS, fx.reviewGenai, ctx));
    expect(summarised).toMatchObject({ id: ended.id, status: 'closed', ts: ended.ts, title: ended.title });
    expect(summarised.detail).toContain('AI 摘要: Person tries the back yard gate — A person tried the back yard gate twice at night and left without entering. (threat level 1)');
    // before the summary there is none; a genai message whose metadata is odd is still taken
    expect(ended.detail).not.toContain('AI');
    const odd = onlyIncident(adapter.adapt(REVIEWS, withAfter(fx.reviewGenai, { data: { ...fx.reviewGenai.after.data, metadata: { title: 7, shortSummary: null } } }), ctx));
    expect(odd.detail).not.toContain('AI');
  });

  it('closes what an alert review opened when it ends downgraded to a detection', () => {
    // Frigate sets an alert to detection on a license plate event: the end carries the lower severity
    expect(adapter.adapt(REVIEWS, fx.reviewEndDowngraded, ctx)).toEqual({ ok: true, events: [{ type: 'incidentEnd', source: 'frigate', id: 'frigate:1718987150.101010-abcdef' }] });
    // an update that downgrades it (not ended) leaves it as it was
    expect(adapter.adapt(REVIEWS, withAfter(fx.reviewNewAlert, { severity: 'detection' }, 'update'), ctx)).toEqual({ ok: true, events: [] });
  });

  it('ignores a detection below the default alert threshold', () => {
    expect(adapter.adapt(REVIEWS, fx.reviewDetection, ctx)).toEqual({ ok: true, events: [] });
  });

  it('ignores a below-threshold review even from an unknown camera', () => {
    expect(adapter.adapt(REVIEWS, withAfter(fx.reviewDetection, { camera: 'nowhere' }), ctx)).toEqual({ ok: true, events: [] });
  });

  it('ignores unknown severities', () => {
    expect(adapter.adapt(REVIEWS, withAfter(fx.reviewNewAlert, { severity: 'significant_motion' }), ctx)).toEqual({ ok: true, events: [] });
  });

  it('raises detections when minSeverity is detection, with the configured priority', () => {
    const a = createFrigateAdapter({ minSeverity: 'detection', priority: 3 });
    const r = onlyIncident(a.adapt(REVIEWS, fx.reviewDetection, ctx));
    expect(r.title).toBe('Frigate 检测: dog @ front_cam');
    expect(r.priority).toBe(3);
    expect(onlyIncident(a.adapt(REVIEWS, fx.reviewUpdate, ctx)).priority).toBe(3);
  });

  it('accepts an older, minimal review (no thumb_path, audio, sub_labels, before)', () => {
    const r = onlyIncident(adapter.adapt(REVIEWS, fx.reviewMinimal, ctx));
    expect(r.media).toBeUndefined();
    expect(r.title).toBe('Frigate 告警: person @ front_cam');
    expect(r.ts).toBe(1718987170000);
  });

  it('accepts a review with no data at all', () => {
    const r = onlyIncident(adapter.adapt(REVIEWS, withAfter(fx.reviewMinimal, { data: null }), ctx));
    expect(r.title).toBe('Frigate 告警: 未知目标 @ front_cam');
    expect(r.kind).toBe('other');
  });

  it('names audio in the title and detail', () => {
    const r = onlyIncident(adapter.adapt(REVIEWS, withAfter(fx.reviewMinimal, { data: { objects: [], zones: [], audio: ['fire_alarm'] } }), ctx));
    expect(r.kind).toBe('fire');
    expect(r.title).toContain('fire_alarm');
    expect(r.detail).toContain('audio: fire_alarm');
  });

  it.each([
    [['smoke'], 'fire'],
    [['person', 'fire'], 'fire'],
    [['person', 'car'], 'traffic'],
    [['bicycle'], 'traffic'],
    [['car-verified'], 'traffic'],
    [['person'], 'other'],
    [['person-verified'], 'other'],
    [['dog'], 'other'],
    [[], 'other'],
  ] as const)('kind of %j is %s', (labels, kind) => {
    expect(frigateIncidentKind(labels)).toBe(kind);
  });

  it('rejects an unknown camera (identity alias, no registry entry) as unknown_device naming the camera', () => {
    const out = rejection(adapter.adapt(REVIEWS, withAfter(fx.reviewNewAlert, { camera: 'garage_cam' }), ctx));
    expect(out.reason).toBe('unknown_device');
    expect(out.message).toContain('garage_cam');
  });

  it('rejects a camera the alias lookup refuses as unknown_device', () => {
    const refusing = makeContext({ cameraAlias: () => undefined });
    const out = rejection(adapter.adapt(REVIEWS, fx.reviewUpdate, refusing));
    expect(out.reason).toBe('unknown_device');
    expect(out.message).toContain('front_cam');
  });
});

describe('Frigate adapter: events', () => {
  it('validates tracked-object events and raises nothing', () => {
    expect(adapter.adapt(EVENTS, fx.eventUpdate, ctx)).toEqual({ ok: true, events: [] });
    expect(adapter.adapt(EVENTS, fx.eventOld, ctx)).toEqual({ ok: true, events: [] });
  });

  it.each([
    ['no type', { after: fx.eventUpdate.after }],
    ['bad type', { ...fx.eventUpdate, type: 'changed' }],
    ['no after', { type: 'new' }],
    ['after without camera', { type: 'new', after: { id: 'x' } }],
    ['an array', [fx.eventUpdate]],
  ])('rejects %s as schema', (_name, payload) => {
    expect(rejection(adapter.adapt(EVENTS, payload, ctx)).reason).toBe('schema');
  });
});

describe('Frigate adapter: review rejections', () => {
  const cases: [string, unknown, string][] = [
    ['null', null, 'schema'],
    ['a number', 42, 'schema'],
    ['unknown message type', { ...fx.reviewUpdate, type: 'changed' }, 'schema'],
    ['no after', { type: 'new', before: fx.reviewUpdate.before }, 'schema'],
    ['after is an array', { type: 'new', after: [] }, 'schema'],
    ['no id', withAfter(fx.reviewUpdate, { id: undefined }), 'schema'],
    ['empty id', withAfter(fx.reviewUpdate, { id: '' }), 'schema'],
    ['camera as a number', withAfter(fx.reviewUpdate, { camera: 3 }), 'schema'],
    ['severity as a number', withAfter(fx.reviewUpdate, { severity: 2 }), 'schema'],
    ['objects not an array', withAfter(fx.reviewUpdate, { data: { objects: 'person' } }), 'schema'],
    ['end_time as a string', withAfter(fx.reviewUpdate, { end_time: 'soon' }), 'schema'],
    ['thumb_path as a number', withAfter(fx.reviewUpdate, { thumb_path: 1 }), 'schema'],
    ['id too long', withAfter(fx.reviewUpdate, { id: 'x'.repeat(130) }), 'schema'],
    ['start_time missing', withAfter(fx.reviewUpdate, { start_time: undefined }), 'bad_timestamp'],
    ['start_time as a string', withAfter(fx.reviewUpdate, { start_time: '1718987129.3' }), 'bad_timestamp'],
    ['start_time in milliseconds', withAfter(fx.reviewUpdate, { start_time: 1718987129308 }), 'future_timestamp'],
    ['start_time an hour ahead', withAfter(fx.reviewUpdate, { start_time: RECEIVED_AT / 1000 + 3600 }), 'future_timestamp'],
  ];
  it.each(cases)('%s', (_name, payload, expected) => {
    const outcome = adapter.adapt(REVIEWS, payload, ctx);
    expect(rejection(outcome).reason).toBe(expected);
    expectWellFormed(outcome);
  });

  it('turns a throwing context callback into a rejection', () => {
    const throwing = makeContext({
      cameraPosition: () => {
        throw new Error('registry gone');
      },
    });
    expect(rejection(adapter.adapt(REVIEWS, fx.reviewUpdate, throwing)).reason).toBe('schema');
  });
});

describe('Frigate adapter: properties', () => {
  const topic = fc.oneof({ weight: 4, arbitrary: fc.constant(REVIEWS) }, { weight: 1, arbitrary: fc.constant(EVENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
  const labels = loose(fc.array(fc.constantFrom('person', 'car', 'fire', 'dog', 'car-verified'), { maxLength: 3 }));
  const review = fc.record(
    {
      id: loose(fc.string({ minLength: 1, maxLength: 140 })),
      camera: loose(fc.constantFrom('front_cam', 'back_yard', 'cam-front', 'nowhere', '')),
      start_time: loose(nearReceiveMs().map((ms) => ms / 1000)),
      end_time: loose(fc.option(nearReceiveMs().map((ms) => ms / 1000))),
      severity: loose(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('alert', 'detection') }, { weight: 1, arbitrary: fc.constant('other') })),
      thumb_path: loose(fc.string({ maxLength: 20 })),
      data: loose(fc.record({ objects: labels, zones: labels, audio: labels, sub_labels: loose(fc.array(anyJson(), { maxLength: 2 })) }, { requiredKeys: [] })),
    },
    { requiredKeys: ['id', 'camera', 'start_time', 'severity'] },
  );
  const message = fc.record({ type: loose(fc.constantFrom('new', 'update', 'end')), before: loose(review), after: loose(review) }, { requiredKeys: ['type', 'after'] });

  it('never throws on arbitrary JSON and always gives ok or a known reason', () => {
    let withEvents = 0;
    const adapters = [adapter, createFrigateAdapter({ minSeverity: 'detection' })];
    fc.assert(
      fc.property(topic, fc.oneof({ weight: 1, arbitrary: anyJson() }, { weight: 3, arbitrary: message }), fc.constantFrom(0, 1), (t, json, which) => {
        const outcome = adapters[which].adapt(t, json, ctx);
        expectWellFormed(outcome);
        if (outcome.ok && outcome.events.length > 0) withEvents++;
      }),
      { numRuns: 400 },
    );
    // the shaped generator reaches the mapping code, not only the rejections
    expect(withEvents).toBeGreaterThan(0);
  });
});
