/**
 * A button that asks first, in a modal dialog (focus kept inside; Esc or the dismiss button,
 * which has the focus, closes it): for actions that cannot be undone, like cancelling a batch.
 */
import { useId, useState, type ReactNode } from 'react';
import { useModal } from '../lib/use-modal.js';

export interface ConfirmButtonProps {
  /** The button's own content (icon and words). */
  children: ReactNode;
  className?: string;
  disabled?: boolean;
  /** The button's accessible name when its content is not enough. */
  label?: string;
  title: string;
  text: string;
  confirm: string;
  dismiss: string;
  onConfirm: () => Promise<void>;
}

export function ConfirmButton(props: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const dialog = useModal(open);
  const id = useId();

  async function go() {
    setBusy(true);
    await props.onConfirm();
    setBusy(false);
    setOpen(false);
  }

  return (
    <>
      <button
        type="button"
        className={props.className ?? 'btn'}
        disabled={props.disabled}
        aria-label={props.label}
        onClick={(e) => {
          e.stopPropagation();
          setOpen(true);
        }}
      >
        {props.children}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onCancel={(e) => {
          e.preventDefault();
          if (!busy) setOpen(false);
        }}
      >
        {open && (
          <>
            <h2 id={`${id}-title`}>{props.title}</h2>
            <p id={`${id}-text`} className="muted">
              {props.text}
            </p>
            <div className="dialog-actions">
              <button type="button" className="btn" autoFocus disabled={busy} onClick={() => setOpen(false)}>
                {props.dismiss}
              </button>
              <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void go()}>
                {props.confirm}
              </button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}
