import { useTranslation } from 'react-i18next';

import { defaultVersions, distributionNames } from '../../../../../common/cluster';
import { SelectField } from '../../../components/choice-fields';
import { TextField } from '../../../components/text-fields';
import { changeDistribution, optionalText, withName, withSpec } from '../plan-edits';
import { usePlanBinding } from './use-plan-binding';

export function GeneralSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { distribution } = cluster.spec;
  return (
    <fieldset className="form-section" data-testid="settings-general">
      <legend>{t('fields.general')}</legend>
      <div className="form-grid">
        <TextField
          label={t('fields.name')}
          value={cluster.metadata.name}
          onChange={(v) => update('metadata.name', (c) => withName(c, v))}
          issues={issuesAt('metadata.name')}
          spellCheck={false}
          testId="plan-name-input"
        />
        <SelectField
          label={t('fields.distribution')}
          value={distribution.name}
          choices={distributionNames.map((name) => ({ value: name, label: name }))}
          onChange={(v) => update('spec.distribution.name', (c) => changeDistribution(c, v))}
          issues={issuesAt('spec.distribution.name')}
          hint={t('fields.distributionHint')}
          testId="plan-distribution"
        />
        <TextField
          label={t('fields.version')}
          value={distribution.version}
          onChange={(v) =>
            update('spec.distribution.version', (c) => withSpec(c, 'distribution', { version: v }))
          }
          issues={issuesAt('spec.distribution.version')}
          hint={t('fields.versionHint', { version: defaultVersions[distribution.name] })}
          spellCheck={false}
          testId="plan-version"
        />
        <TextField
          label={t('fields.defaultImage')}
          value={cluster.spec.image.default ?? ''}
          onChange={(v) =>
            update('spec.image.default', (c) => withSpec(c, 'image', { default: optionalText(v) }))
          }
          issues={issuesAt('spec.image')}
          hint={t('fields.defaultImageHint')}
          spellCheck={false}
          testId="plan-default-image"
        />
      </div>
    </fieldset>
  );
}
