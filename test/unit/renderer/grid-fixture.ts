// A small grid hierarchy for renderer unit tests.
const square = (x: number, y: number, d: number) => ({ type: 'Polygon' as const, coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] as [number, number][][] });
const feature = (id: string, level: string, ids: string[], names: string[], x: number, y: number, d: number) => ({
  type: 'Feature',
  properties: { id, name: names[names.length - 1], level, parentId: ids[ids.length - 2] ?? null, ids, names },
  geometry: square(x, y, d),
});

/** city C > district D1 (streets S1, S2) and D2 (street S3); S1 > community M1 > grids G1, G2 */
export const GRIDS = {
  type: 'FeatureCollection',
  features: [
    feature('C', 'city', ['C'], ['市'], 0, 0, 4),
    feature('D1', 'district', ['C', 'D1'], ['市', '一区'], 0, 0, 2),
    feature('D2', 'district', ['C', 'D2'], ['市', '二区'], 2, 0, 2),
    feature('S1', 'street', ['C', 'D1', 'S1'], ['市', '一区', '甲街道'], 0, 0, 1),
    feature('S2', 'street', ['C', 'D1', 'S2'], ['市', '一区', '乙街道'], 1, 0, 1),
    feature('S3', 'street', ['C', 'D2', 'S3'], ['市', '二区', '丙街道'], 2, 0, 1),
    feature('M1', 'community', ['C', 'D1', 'S1', 'M1'], ['市', '一区', '甲街道', '子社区'], 0, 0, 1),
    feature('G1', 'grid', ['C', 'D1', 'S1', 'M1', 'G1'], ['市', '一区', '甲街道', '子社区', '第1网格'], 0, 0, 0.5),
    feature('G2', 'grid', ['C', 'D1', 'S1', 'M1', 'G2'], ['市', '一区', '甲街道', '子社区', '第2网格'], 0.5, 0, 0.5),
  ],
};

