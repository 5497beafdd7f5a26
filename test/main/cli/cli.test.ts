import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { Drive } from '../../../common/drives';
import { parsePort } from '../../../main/cli/commands/serve';
import { defaultConfigDir } from '../../../main/cli/config-dir';
import { formatTable } from '../../../main/cli/format';
import { main } from '../../../main/cli/index';
import type { CliIo } from '../../../main/cli/io';
import pkg from '../../../package.json';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (text) => stdout.push(text), err: (text) => stderr.push(text) };
}

async function run(...args: string[]) {
  const io = capture();
  const code = await main(['node', 'kubeflash', ...args], io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('kubeflash CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/\bserve\b/);
    expect(out).toMatch(/\bdrives\b/);
    expect(out).toMatch(/Usage: kubeflash/);
  });

  it('--version prints the package version', async () => {
    const { code, out } = await run('--version');
    expect(code).toBe(0);
    expect(out.trim()).toBe(pkg.version);
  });

  it('serve --help documents its options', async () => {
    const { code, out } = await run('serve', '--help');
    expect(code).toBe(0);
    expect(out).toContain('--port');
    expect(out).toContain('--include-loop');
    expect(out).toContain('--config-dir');
  });

  it('drives --json prints a JSON array of drives in the contract shape', async () => {
    const { code, out, err } = await run('drives', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const drives = z.array(Drive).parse(JSON.parse(out));
    expect(drives.every((d) => !d.loop)).toBe(true);
    expect(new Set(drives.map((d) => d.device)).size).toBe(drives.length);
  });

  it('drives prints a table', async () => {
    const { code, out } = await run('drives');
    expect(code).toBe(0);
    expect(out.length).toBeGreaterThan(0);
    const first = out.split('\n')[0] ?? '';
    expect(first.startsWith('DEVICE') || first.startsWith('No drives found')).toBe(true);
  });

  it('refuses an unknown command with an error and a non-zero code', async () => {
    const { code, out, err } = await run('frobnicate');
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown command/i);
    expect(err).toContain('frobnicate');
    expect(out).not.toMatch(/Kubeflash is serving/);
  });

  it('refuses an unknown option', async () => {
    const { code, err } = await run('drives', '--bogus');
    expect(code).not.toBe(0);
    expect(err).toMatch(/unknown option/i);
  });

  it.each(['abc', '-1', '65536', '80.5', ''])(
    'refuses serve --port %j without starting',
    async (port) => {
      const { code, out, err } = await run('serve', '--port', port);
      expect(code).not.toBe(0);
      expect(err).toMatch(/port/);
      expect(err).toMatch(/65535/);
      expect(out).not.toMatch(/serving/);
    },
  );
});

describe('parsePort', () => {
  it.each(['0', '1', '8080', '65535'])('accepts %s', (value) => {
    expect(parsePort(value)).toBe(Number(value));
  });

  it.each(['abc', '-1', '65536', '1e3', '0x50', ' 80', '80 ', ''])('refuses %j', (value) => {
    expect(() => parsePort(value)).toThrow(/port/);
  });
});

describe('CLI helpers', () => {
  it('pads table columns to the widest cell', () => {
    const table = formatTable(
      ['A', 'BB'],
      [
        ['long cell', 'x'],
        ['s', ''],
      ],
    );
    const lines = table.split('\n');
    expect(lines).toEqual(['A          BB', 'long cell  x', 's']);
  });

  it('keeps the config folder where the desktop app keeps it', () => {
    expect(defaultConfigDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/Kubeflash');
    expect(defaultConfigDir({}, 'linux')).toMatch(/\/\.config\/Kubeflash$/);
    expect(defaultConfigDir({}, 'darwin')).toMatch(/Library\/Application Support\/Kubeflash$/);
    expect(defaultConfigDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32')).toMatch(
      /Kubeflash$/,
    );
  });
});
