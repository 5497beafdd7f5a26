// Electron's own download script is disabled through package.json "allowScripts" because it
// fails the whole install where the binary cannot be downloaded. Try it here and tolerate failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { electronBinary } from './electron-binary.mjs';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null; // production install without devDependencies
  }
}

const dir = electronDir();
if (dir && !electronBinary()) {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    console.log(
      'kubeflash: Electron binary download skipped (ELECTRON_SKIP_BINARY_DOWNLOAD is set).',
    );
  } else {
    const result = spawnSync(process.execPath, [join(dir, 'install.js')], {
      stdio: 'pipe',
      timeout: 180_000,
      encoding: 'utf8',
    });
    if (result.status === 0 && electronBinary()) {
      console.log('kubeflash: Electron binary installed.');
    } else {
      const reason = (result.error?.message ?? result.stderr ?? '').split('\n').find(Boolean);
      console.log(
        'kubeflash: the Electron binary could not be downloaded' +
          (reason ? ` (${reason.trim()})` : '') +
          '. Everything else works: `npm start` falls back to the web UI, `npm test` skips only the Electron suite.',
      );
    }
  }
}
