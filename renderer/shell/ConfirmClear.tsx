/**
 * "Clear finished" asks first: a modal dialog (focus kept inside, Esc or Cancel closes it, Cancel
 * has the focus) says how many jobs go and that their results go with them.
 */
import { useEffect, useRef, useState } from 'react';
import { clearFinished } from '../store/actions.js';
import { useApp } from '../store/store.js';
import { Icon } from './Icon.js';

const count = new Intl.NumberFormat();

export function ClearFinishedButton() {
  const finished = useApp((s) => s.counts.succeeded + s.counts.failed + s.counts.cancelled);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  async function confirm() {
    setBusy(true);
    await clearFinished();
    setBusy(false);
    setOpen(false);
  }

  const what = finished === 1 ? '1 finished job' : `${count.format(finished)} finished jobs`;
  return (
    <>
      <button type="button" className="btn" disabled={finished === 0} onClick={() => setOpen(true)}>
        <Icon name="trash" /> Clear finished
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="clear-title"
        aria-describedby="clear-text"
        onCancel={(e) => {
          e.preventDefault();
          if (!busy) setOpen(false);
        }}
      >
        {open && (
          <>
            <h2 id="clear-title">Clear {what}?</h2>
            <p id="clear-text" className="muted">
              Done, failed and cancelled jobs leave the list with their results and outputs. Queued and running jobs stay. This
              cannot be undone.
            </p>
            <div className="dialog-actions">
              <button type="button" className="btn" autoFocus disabled={busy} onClick={() => setOpen(false)}>
                Cancel
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void confirm()}>
                Clear {what}
              </button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}
