import { kubeflashDirs } from '../model';

/** The syslog tag the bootstrap logs under (bootstrap-entry.sh uses the same). */
export const bootstrapLogTag = 'kubeflash-bootstrap';

/**
 * Written by the bootstrap entry script when it has finished (bootstrap-entry.sh `$LIB/done`).
 * The first-boot hooks start the entry point on every boot until it exists: a node that reboots
 * mid-way resumes, a finished node never runs it again.
 */
export const bootstrapDoneMarker = `${kubeflashDirs.lib}/done`;

export const bootstrapUnitName = 'kubeflash-bootstrap.service';
export const bootstrapUnitPath = `/etc/systemd/system/${bootstrapUnitName}`;

/**
 * The systemd unit that runs the entry point (cloud-init families and firstrun). Type=simple so
 * the minutes-long bootstrap never holds up multi-user.target; output goes to the journal under
 * the bootstrap's tag.
 */
export function bootstrapUnit(entryPoint: string): string {
  return [
    '[Unit]',
    'Description=Kubeflash node bootstrap',
    'Wants=network-online.target',
    'After=network-online.target',
    `ConditionPathExists=!${bootstrapDoneMarker}`,
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${entryPoint}`,
    `SyslogIdentifier=${bootstrapLogTag}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
