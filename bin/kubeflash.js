#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('kubeflash: the CLI is not built yet. Run `npm run build` in the project folder.');
  process.exit(1);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv);
