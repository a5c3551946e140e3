// How many video streams this page's players have loaded since it loaded: a tile's frame given a
// stream, a player in the page built (again). On a display that composites in software the media
// memory of each stays in processes the page cannot measure (docs/operations.md, "Displays without
// a GPU"), so the memory watchdog takes this count as the figure that grows with it.
let loaded = 0;

export function streamLoaded(): void {
  loaded++;
}

export const streamsLoaded = (): number => loaded;
