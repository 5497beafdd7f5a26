import { stringify } from 'yaml';

import type { NodeFile } from '../../provision/model';

/** A configuration file: 0600 and scrubbed from the boot partition when it holds a secret. */
export function configFile(path: string, content: string, secret = false): NodeFile {
  return { path, content, mode: secret ? 0o600 : 0o644, secret };
}

/** YAML as configuration files hold it: no folded lines (tokens and hashes stay whole). */
export function yamlText(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
