/**
 * "Clear finished" asks first (renderer/jobs/ConfirmButton.tsx: a modal, Cancel has the focus):
 * it says how many jobs go and that their results go with them.
 */
import { ConfirmButton } from '../jobs/ConfirmButton.js';
import { clearFinished } from '../store/actions.js';
import { useApp } from '../store/store.js';
import { Icon } from './Icon.js';

const count = new Intl.NumberFormat();

export function ClearFinishedButton() {
  const finished = useApp((s) => s.counts.succeeded + s.counts.failed + s.counts.cancelled);
  const what = finished === 1 ? '1 finished job' : `${count.format(finished)} finished jobs`;
  return (
    <ConfirmButton
      disabled={finished === 0}
      title={`Clear ${what}?`}
      text="Done, failed and cancelled jobs leave the list with their results and outputs. Queued and running jobs stay. This cannot be undone."
      confirm={`Clear ${what}`}
      dismiss="Cancel"
      onConfirm={clearFinished}
    >
      <Icon name="trash" /> Clear finished
    </ConfirmButton>
  );
}
