// The thin store around the wall's model (model/wall.ts): one per wall page and bridge, made by
// the entry point and handed down (ui/context.ts). zustand gives subscriptions and selectors;
// every change goes through `dispatch`, that is through the model's one reducer.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialModel, reduce, type WallAction, type WallModel } from '../model/wall';

export interface WallState extends WallModel {
  dispatch(action: WallAction): void;
}

export type WallStore = StoreApi<WallState>;

export function createWallStore(pageLoadedAt: number, opts: Parameters<typeof initialModel>[1] = {}): WallStore {
  return createStore<WallState>()((set, get) => ({
    ...initialModel(pageLoadedAt, opts),
    dispatch(action) {
      const before = get();
      const after = reduce(before, action);
      if (after !== before) set(after, true);
    },
  }));
}
