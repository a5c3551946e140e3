// Point → deepest grid-hierarchy feature, via a Flatbush R-tree over feature bboxes and exact
// point-in-polygon on the candidates. Pure: no Node, DOM or Electron.
import Flatbush from 'flatbush';
import type { GridRef } from '../domain.js';
import { levelDepth, type GridFeature } from './grids.js';
import { type AreaTest, compileAreaTest } from './area-test.js';
import { geometryBBox } from './polygon.js';

/** One R-tree over the features of one hierarchy level. */
interface LevelTree {
  tree: Flatbush;
  /** feature index per Flatbush item */
  itemToFeature: Int32Array;
}

export class GridIndex {
  private readonly features: readonly GridFeature[];
  private readonly refs: readonly GridRef[];
  private readonly depths: Int8Array;
  private readonly contains: readonly AreaTest[];
  /** deepest level first: most points fall in a grid, and then no coarser level is searched */
  private readonly levels: LevelTree[] = [];
  private readonly indexById = new Map<string, number>();
  private readonly maxDepth: number;

  constructor(features: readonly GridFeature[]) {
    this.features = features;
    this.refs = features.map((f) =>
      Object.freeze({ id: f.properties.id, names: Object.freeze([...f.properties.names]) as string[], ids: Object.freeze([...f.properties.ids]) as string[] }),
    );
    this.depths = Int8Array.from(features, (f) => levelDepth(f.properties.level));
    this.contains = features.map((f) => compileAreaTest(f.geometry));
    this.maxDepth = this.depths.reduce((m, d) => Math.max(m, d), -1);
    features.forEach((f, i) => {
      if (!this.indexById.has(f.properties.id)) this.indexById.set(f.properties.id, i);
    });
    const boxes = features.map((f) => geometryBBox(f.geometry));
    for (let depth = this.maxDepth; depth >= 0; depth--) {
      // features with an empty geometry are left out of the trees
      const members = boxes.flatMap((b, i) => (this.depths[i] === depth && !Number.isNaN(b[0]) ? [i] : []));
      if (members.length === 0) continue;
      const tree = new Flatbush(members.length);
      for (const i of members) tree.add(boxes[i][0], boxes[i][1], boxes[i][2], boxes[i][3]);
      tree.finish();
      this.levels.push({ tree, itemToFeature: Int32Array.from(members) });
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
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return -1;
    for (const level of this.levels) {
      // the earliest feature in input order wins a tie, whatever order the tree returns them in
      let best = -1;
      for (const item of level.tree.search(lon, lat, lon, lat)) {
        const i = level.itemToFeature[item];
        if ((best < 0 || i < best) && this.contains[i](lon, lat)) best = i;
      }
      if (best >= 0) return best;
    }
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
      if (h !== undefined && this.depths[h] === this.maxDepth && this.contains[h](lon, lat)) return this.refs[h];
    }
    const i = this.locateIndex(lon, lat);
    return i < 0 ? undefined : this.refs[i];
  }

  locateFeature(lon: number, lat: number): GridFeature | undefined {
    const i = this.locateIndex(lon, lat);
    return i < 0 ? undefined : this.features[i];
  }
}
