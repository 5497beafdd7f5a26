import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../api/api-context';
import { ErrorState, LoadingState } from '../components/state-views';
import { useAsync } from '../components/use-async';
import { ClusterProvider } from '../features/cluster/cluster-context';
import { ClusterPanel } from '../features/cluster/cluster-panel';
import { FlashProvider } from '../features/flash/flash-context';
import { FlashPanel } from '../features/flash/flash-panel';
import { HealthPanel } from '../features/health/health-panel';
import { HealthWatchKeeper } from '../features/health/health-watch-keeper';
import { DroppedFileProvider } from '../features/image/dropped-file-context';
import { ImageInspectionProvider } from '../features/image/image-inspection-context';
import { ImagePanel } from '../features/image/image-panel';
import { NodesPanel } from '../features/nodes/nodes-panel';
import { SettingsPanel } from '../features/settings/settings-panel';
import { nodeFromHash, type Section, sectionFromHash, sections } from './sections';
import { useTheme } from './theme';

export function App() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const [hash, setHash] = useState(() => location.hash);
  const section: Section = sectionFromHash(hash);
  const [theme, setTheme] = useTheme();
  const loadInfo = useCallback(() => api.appInfo({}), [api]);
  const [info, reloadInfo] = useAsync(loadInfo);

  useEffect(() => {
    const onHash = () => setHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  return (
    <ClusterProvider>
      <ImageInspectionProvider>
        <FlashProvider>
          <DroppedFileProvider>
            <div className="layout">
              <nav className="sidebar" aria-label="Sections">
                <div className="brand">{t('app.title')}</div>
                {sections.map((name) => (
                  <a
                    key={name}
                    href={`#/${name}`}
                    data-testid={`nav-${name}`}
                    aria-current={name === section ? 'page' : undefined}
                  >
                    {t(`nav.${name}`)}
                  </a>
                ))}
                {info.status === 'ready' && (
                  <div className="version">
                    v{info.data.version} · {info.data.mode}
                  </div>
                )}
              </nav>
              <main className="content">
                {!connected && (
                  <div className="banner" role="alert">
                    {t('app.disconnected')}
                  </div>
                )}
                <HealthWatchKeeper />
                <h1>{t(`nav.${section}`)}</h1>
                {info.status === 'loading' && <LoadingState />}
                {info.status === 'error' && <ErrorState error={info.error} onRetry={reloadInfo} />}
                {info.status === 'ready' && (
                  <>
                    {section === 'cluster' && <ClusterPanel appInfo={info.data} />}
                    {section === 'nodes' && <NodesPanel />}
                    {section === 'image' && <ImagePanel appInfo={info.data} />}
                    {section === 'flash' && (
                      <FlashPanel appInfo={info.data} preferredNode={nodeFromHash(hash)} />
                    )}
                    {section === 'health' && <HealthPanel appInfo={info.data} />}
                    {section === 'settings' && <SettingsPanel theme={theme} onTheme={setTheme} />}
                  </>
                )}
              </main>
            </div>
          </DroppedFileProvider>
        </FlashProvider>
      </ImageInspectionProvider>
    </ClusterProvider>
  );
}
