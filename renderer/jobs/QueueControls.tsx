/**
 * The queue's own controls in the header: pause or resume it all, cancel every job waiting or
 * running, clear what finished. It also keeps the window title's progress ("(12/40) Hearth").
 */
import { useEffect } from 'react';
import { setPaused } from '../store/actions.js';
import { cancelJobs } from '../store/queue-actions.js';
import { ClearFinishedButton } from '../shell/ConfirmClear.js';
import { useApp } from '../store/store.js';
import { Icon } from '../shell/Icon.js';
import { ConfirmButton } from './ConfirmButton.js';
import { titleWithProgress } from './batch-figures.js';

const count = new Intl.NumberFormat();

function useTitleProgress(): void {
  const title = useApp((s) => titleWithProgress(Object.values(s.batches)));
  useEffect(() => {
    document.title = title;
  }, [title]);
}

function CancelAllButton() {
  const active = useApp((s) => s.counts.queued + s.counts.running);
  const what = active === 1 ? '1 job' : `${count.format(active)} jobs`;
  return (
    <ConfirmButton
      disabled={active === 0}
      title={`Cancel ${what}?`}
      text="Every queued job is cancelled and every running job is stopped. They stay in the list as cancelled; Retry runs one again."
      confirm={`Cancel ${what}`}
      dismiss="Keep them"
      onConfirm={() => cancelJobs()}
    >
      <Icon name="x" /> Cancel all
    </ConfirmButton>
  );
}

export function QueueControls() {
  const paused = useApp((s) => s.paused);
  useTitleProgress();
  return (
    <div className="toolbar-group" role="group" aria-label="Queue">
      <button type="button" className="btn" aria-pressed={paused} onClick={() => void setPaused(!paused)}>
        <Icon name={paused ? 'play' : 'pause'} /> {paused ? 'Resume queue' : 'Pause queue'}
      </button>
      <CancelAllButton />
      <ClearFinishedButton />
    </div>
  );
}
