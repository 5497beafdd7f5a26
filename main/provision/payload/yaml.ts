import { stringify } from 'yaml';

/**
 * YAML for PyYAML and libyaml readers (cloud-init, netplan), which follow YAML 1.1: emitting
 * with the 1.1 schema quotes strings such as `yes`, `on` or `0644` that 1.1 would read as
 * booleans or octal numbers. No line folding (keys and base64 stay on one line) and no anchors
 * for repeated values: plain documents any reader takes.
 */
export function yaml1(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

/** cloud-init takes user-data as cloud-config only with this first line. */
export function cloudConfig(doc: unknown): string {
  return `#cloud-config\n${yaml1(doc)}`;
}
