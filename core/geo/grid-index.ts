// Point → deepest grid-hierarchy feature, via a Flatbush R-tree over feature bboxes and exact
// point-in-polygon on the candidates. Pure: no Node, DOM or Electron.
import Flatbush from 'flatbush';
import type { GridRef } from '../domain.js';
import { levelDepth, type GridFeature } from './grids.js';
import { geometryBBox, pointInGeometry } from './polygon.js';

export class GridIndex {
  private readonly features: readonly GridFeature[];
  private readonly refs: readonly GridRef[];
  private readonly depths: Int8Array;
  private readonly tree: Flatbush | undefined;
  /** feature index per Flatbush item (features with an empty geometry are left out of the tree) */
  private readonly itemToFeature: number[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly maxDepth: number;

  constructor(features: readonly GridFeature[]) {
    this.features = features;
    this.refs = features.map((f) =>
      Object.freeze({ id: f.properties.id, names: Object.freeze([...f.properties.names]) as string[], ids: Object.freeze([...f.properties.ids]) as string[] }),
    );
    this.depths = Int8Array.from(features, (f) => levelDepth(f.properties.level));
    this.maxDepth = this.depths.reduce((m, d) => Math.max(m, d), -1);
    features.forEach((f, i) => {
      if (!this.indexById.has(f.properties.id)) this.indexById.set(f.properties.id, i);
    });
    const boxes = features.map((f) => geometryBBox(f.geometry));
    boxes.forEach((b, i) => {
      if (!Number.isNaN(b[0])) this.itemToFeature.push(i);
    });
    if (this.itemToFeature.length > 0) {
      const tree = new Flatbush(this.itemToFeature.length);
      for (const i of this.itemToFeature) tree.add(boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3]);
      tree.finish();
      this.tree = tree;
    }
  }

  get size(): number {
    return this.features.length;
  }

  /**
   * Index of the deepest feature containing the point; ties at the same level go to the earliest
   * feature in input order. -1 when none contains it.
   */
  locateIndex(lon: number, lat: number): number {
    if (!this.tree || !Number.isFinite(lon) || !Number.isFinite(lat)) return -1;
    const candidates = this.tree.search(lon, lat, lon, lat).map((item) => this.itemToFeature[item]);
    // deepest first, then input order: the first exact hit is the answer, so big city/district
    // polygons are only tested when no finer feature contains the point
    candidates.sort((a, b) => this.depths[b] - this.depths[a] || a - b);
    for (const i of candidates) if (pointInGeometry(lon, lat, this.features[i].geometry)) return i;
    return -1;
  }

  /**
   * The deepest feature (grid, else community, street, district, city) containing the point.
   * `hintId` is where the point was last time: a moving unit usually stays in its grid, and one
   * small polygon test then replaces the tree search. Only a deepest-level hint can short-cut,
   * since a finer feature could contain the point otherwise.
   */
  locate(lon: number, lat: number, hintId?: string): GridRef | undefined {
    if (hintId !== undefined) {
      const h = this.indexById.get(hintId);
      if (h !== undefined && this.depths[h] === this.maxDepth && pointInGeometry(lon, lat, this.features[h].geometry)) return this.refs[h];
    }
    const i = this.locateIndex(lon, lat);
    return i < 0 ? undefined : this.refs[i];
  }

  locateFeature(lon: number, lat: number): GridFeature | undefined {
    const i = this.locateIndex(lon, lat);
    return i < 0 ? undefined : this.features[i];
  }
}
