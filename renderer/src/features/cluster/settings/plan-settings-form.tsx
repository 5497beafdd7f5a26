import { AddonSettings } from './addon-settings';
import { ControlPlaneSettings } from './control-plane-settings';
import { GeneralSettings } from './general-settings';
import { NetworkSettings } from './network-settings';
import { SshSettings, SystemSettings } from './system-settings';

/** The open plan's cluster-wide settings, each with its validation messages beside it. */
export function PlanSettingsForm() {
  return (
    <div className="plan-settings" data-testid="plan-settings">
      <GeneralSettings />
      <ControlPlaneSettings />
      <NetworkSettings />
      <SystemSettings />
      <SshSettings />
      <AddonSettings />
    </div>
  );
}
