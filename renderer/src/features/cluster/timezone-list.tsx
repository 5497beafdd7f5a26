import { useMemo } from 'react';

export const timezoneListId = 'kubeflash-timezones';

/** Suggestions for time-zone inputs (`list={timezoneListId}`): the browser's own zone names. */
export function TimezoneList() {
  const zones = useMemo(() => [...new Set(['Etc/UTC', ...Intl.supportedValuesOf('timeZone')])], []);
  return (
    <datalist id={timezoneListId}>
      {zones.map((zone) => (
        <option key={zone} value={zone} />
      ))}
    </datalist>
  );
}
