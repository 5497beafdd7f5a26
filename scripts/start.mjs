// `npm start`: build, then launch Electron where its binary exists; otherwise say so and serve
// the same UI on 127.0.0.1 for a browser.
import { spawn, spawnSync } from 'node:child_process';

import { electronBinary } from './electron-binary.mjs';

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronBinary();
const args = process.argv.slice(2);
const child = electron
  ? spawn(
      electron,
      [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), 'out/main/index.js', ...args],
      {
        stdio: 'inherit',
      },
    )
  : (console.log(
      'kubeflash: the Electron binary is not installed on this machine, so the desktop window cannot open.\n' +
        'Starting the web UI instead (`kubeflash serve`): open the URL below in a browser.',
    ),
    spawn(process.execPath, ['bin/kubeflash.js', 'serve', ...args], { stdio: 'inherit' }));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
