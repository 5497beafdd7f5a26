import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import type { ClusterView } from '../../../../common/cluster-view';
import { useOpenCluster } from '../cluster/cluster-context';
import { OpenClusterGate } from '../cluster/open-cluster-gate';
import { useImageInspections } from '../image/image-inspection-context';
import { checkedImageSize } from '../image/image-inspections';
import { useCatalog } from '../image/use-catalog';
import { FlashBlockers } from './flash-blockers';
import { useFlash } from './flash-context';
import { busyHostnames, lastFlashedHostname } from './flash-jobs';
import { flashBlockers } from './flash-readiness';
import { effectiveSelection, type TargetRow } from './flash-targets';
import { JobList } from './job-list';
import { NextCard } from './next-card';
import { flashedCount, imageOfNode, nextNodeToFlash, nodesToFlash } from './next-node';
import { TargetList } from './target-list';
import { useFlashTargets } from './use-flash-targets';
import { WriteConfirm } from './write-confirm';

/**
 * The Flash section, "flash next card": the next node of the open cluster, the drives that may
 * take its card, and every card being written. Without a cluster (or with one that cannot be
 * flashed yet) it says what is missing and still lists the drives.
 */
export function FlashPanel({
  appInfo,
  preferredNode = null,
}: {
  appInfo: AppInfo;
  /** The node whose card the user asked for next ("rebuild this node"), from the URL hash. */
  preferredNode?: string | null;
}) {
  return (
    <OpenClusterGate
      section="flash"
      renderClosed={(notice) => (
        <div className="flash-panel">
          {notice}
          <JobList clusterPath={null} />
          <DrivesCard />
        </div>
      )}
    >
      <OpenClusterFlash
        passphraseKeychain={appInfo.passphraseKeychain}
        preferredNode={preferredNode}
      />
    </OpenClusterGate>
  );
}

function OpenClusterFlash({
  passphraseKeychain,
  preferredNode,
}: {
  passphraseKeychain: boolean;
  preferredNode: string | null;
}) {
  const { t } = useTranslation();
  const { view, dirty } = useOpenCluster();
  const blockers = flashBlockers(view);
  return (
    <div className="flash-panel">
      {dirty && (
        <p className="plan-note warn" data-testid="flash-unsaved">
          {t('flash.unsavedNote')}
        </p>
      )}
      {blockers.length > 0 ? (
        <>
          <FlashBlockers blockers={blockers} passphraseKeychain={passphraseKeychain} />
          <JobList clusterPath={view.path} />
          <DrivesCard />
        </>
      ) : (
        <FlashDesk view={view} preferredNode={preferredNode} />
      )}
    </div>
  );
}

/** A cluster ready to flash: the next node, the drives to choose from, the running cards. */
function FlashDesk({ view, preferredNode }: { view: ClusterView; preferredNode: string | null }) {
  const { t } = useTranslation();
  const { jobs, start } = useFlash();
  const { inspections } = useImageInspections();
  const [catalog] = useCatalog();
  const [selected, setSelected] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<WriteRequest | null>(null);

  const { cluster, state } = view;
  const next = nextNodeToFlash(cluster, state, busyHostnames(jobs), preferredNode);
  const image = next ? imageOfNode(cluster, next) : null;
  const imageSize = checkedImageSize(inspections, image);
  const [targets, reloadTargets] = useFlashTargets(imageSize);
  const rows = targets.status === 'ready' ? targets.rows : [];
  const selection = effectiveSelection(selected, rows, jobs);
  const remaining = nodesToFlash(cluster, state).length;

  const write = (request: WriteRequest) => {
    start({ path: view.path, hostname: request.hostname, device: request.row.drive.device });
    setConfirming(null);
    setSelected(null);
  };

  return (
    <>
      {next ? (
        <NextCard
          node={next}
          image={image}
          catalog={catalog.status === 'ready' ? catalog.data.images : []}
          flashed={flashedCount(cluster, state)}
          total={cluster.spec.nodes.length}
          justFlashed={lastFlashedHostname(jobs)}
        />
      ) : remaining === 0 ? (
        <div className="state state-done" role="status" data-testid="all-flashed">
          <h3>{t('flash.allFlashedTitle')}</h3>
          <p>{t('flash.allFlashedBody', { count: cluster.spec.nodes.length })}</p>
        </div>
      ) : (
        <p className="insert-prompt" role="status" data-testid="all-busy">
          {t('flash.allBusy')}
        </p>
      )}
      <JobList clusterPath={view.path} />
      <section className="card" aria-labelledby="drives-heading">
        <h2 id="drives-heading">{t('flash.drivesHeading')}</h2>
        <TargetList
          targets={targets}
          onRetry={reloadTargets}
          jobs={jobs}
          selected={selection?.drive.device ?? null}
          onSelect={next ? setSelected : undefined}
          imageSize={imageSize}
        />
        {next && (
          <div className="row write-row">
            <button
              type="button"
              className="primary"
              disabled={selection === null || image === null}
              onClick={() =>
                selection &&
                image &&
                setConfirming({ hostname: next.hostname, row: selection, image })
              }
              data-testid="write"
            >
              {selection
                ? t('flash.write', { hostname: next.hostname, device: selection.drive.device })
                : t('flash.chooseDrive', { hostname: next.hostname })}
            </button>
          </div>
        )}
      </section>
      {confirming && (
        <WriteConfirm
          hostname={confirming.hostname}
          drive={confirming.row.drive}
          image={confirming.image}
          onConfirm={() => write(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
    </>
  );
}

interface WriteRequest {
  hostname: string;
  row: TargetRow;
  image: string;
}

/** The live drive list on its own, where nothing can be written yet. */
function DrivesCard() {
  const { t } = useTranslation();
  const { jobs } = useFlash();
  const [targets, reload] = useFlashTargets(undefined);
  return (
    <section className="card" aria-labelledby="drives-heading">
      <h2 id="drives-heading">{t('flash.drivesHeading')}</h2>
      <TargetList targets={targets} onRetry={reload} jobs={jobs} selected={null} />
    </section>
  );
}
