import { createRequire } from 'node:module';

type Callback = (error: (Error & { code?: string }) | null, cluster?: number) => void;
interface FatfsVolume {
  allocateInFAT(hint: number | Callback, cb?: Callback): void;
}
interface FatfsVolumeModule {
  init(...args: unknown[]): FatfsVolume;
}

let installed = false;
let startHint = 0;

/**
 * Where the next volume fatfs mounts starts looking: the first free cluster as our own FAT code
 * found it. Any value is safe (see installFatfsNextFit); a stale or foreign one only costs a scan.
 */
export function startFatfsSearchAt(cluster: number | null): void {
  startHint = cluster ?? 0;
}

/**
 * Makes fatfs (the FAT writer inside balena-image-fs) look for a free cluster after the one it
 * allocated last (at first: startFatfsSearchAt's), instead of from the folder's first cluster
 * (cluster 2 for the root) for every new file. That scan reads every FAT entry of the files
 * before it, a sector copy each, and was most of a payload's time (about 150 of 230 ms on a
 * Raspberry Pi OS boot partition). When nothing is free after that point the original search
 * runs, so the result is always a free cluster and a partition with room is never reported
 * full. fatfs keeps its allocator on each mounted volume (vol.js `init`), which is wrapped once
 * per process; the wrapper only changes where each search starts. If that module cannot be
 * found, nothing changes.
 */
export function installFatfsNextFit(): void {
  if (installed) return;
  installed = true;
  // The copy of fatfs that balena-image-fs itself loads (wherever the package manager put it).
  let volumes: FatfsVolumeModule;
  try {
    const fromHere = createRequire(import.meta.url);
    const fromImageFs = createRequire(fromHere.resolve('balena-image-fs'));
    volumes = fromImageFs('fatfs/vol.js') as FatfsVolumeModule;
  } catch {
    return; // only a speed-up: fatfs then searches as it always did
  }
  const init = volumes.init;
  volumes.init = function nextFitInit(this: unknown, ...args: unknown[]) {
    const volume = init.apply(this, args);
    const firstFit = volume.allocateInFAT.bind(volume);
    let next = startHint;
    volume.allocateInFAT = (hint, cb) => {
      const from = typeof hint === 'number' ? hint : 2;
      const done = (typeof hint === 'function' ? hint : cb) as Callback;
      const remember: Callback = (error, cluster) => {
        if (!error && cluster !== undefined) next = cluster + 1;
        done(error, cluster);
      };
      if (next <= from) return firstFit(from, remember);
      firstFit(next, (error, cluster) => {
        if (error?.code === 'NOSPC') firstFit(from, remember);
        else remember(error, cluster);
      });
    };
    return volume;
  };
}
