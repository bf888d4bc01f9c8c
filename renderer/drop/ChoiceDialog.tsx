/** Several plugins read this file type: the user picks one, remembered for the extension. */
import { useEffect, useRef, useState } from 'react';
import { baseNameOf, filesOfType } from '../../common/file-types.js';
import { useApp } from '../store/store.js';
import { dismissChoice, resolveChoice } from './submit.js';

export function ChoiceDialog() {
  const choice = useApp((s) => s.choices[0]);
  const plugins = useApp((s) => s.plugins);
  const [picked, setPicked] = useState<string>('');
  const [remember, setRemember] = useState(true);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setPicked(choice?.candidates[0] ?? '');
    const d = dialog.current;
    if (!d) return;
    if (choice && !d.open) d.showModal();
    if (!choice && d.open) d.close();
  }, [choice]);

  if (!choice) return <dialog ref={dialog} className="dialog" />;
  const ext = choice.extension;
  const count = choice.files.length;
  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="choice-title"
      onCancel={(e) => {
        e.preventDefault();
        dismissChoice(ext);
      }}
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (picked) void resolveChoice(ext, picked, remember);
        }}
      >
        <h2 id="choice-title">Which plugin should read {filesOfType(ext)}?</h2>
        <p className="muted">
          {count === 1 ? `1 file` : `${count} files`} (
          {choice.files
            .slice(0, 3)
            .map((f) => baseNameOf(f.name))
            .join(', ')}
          {count > 3 ? ', …' : ''}) can go to more than one plugin.
        </p>
        <fieldset className="choice-list">
          <legend className="sr-only">Plugin</legend>
          {choice.candidates.map((id) => {
            const p = plugins.find((x) => x.id === id);
            return (
              <label key={id} className="choice">
                <input type="radio" name="plugin" value={id} checked={picked === id} onChange={() => setPicked(id)} />
                <span>
                  <strong>{p?.name ?? id}</strong>
                  <span className="muted small">{p?.description}</span>
                </span>
              </label>
            );
          })}
        </fieldset>
        {ext !== '' && (
          <label className="check">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
            {`Always use this plugin for ${filesOfType(ext)}`}
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => dismissChoice(ext)}>
            Skip these files
          </button>
          <button type="submit" className="btn btn-primary" disabled={!picked}>
            Add {count === 1 ? 'job' : `${count} jobs`}
          </button>
        </div>
      </form>
    </dialog>
  );
}
