/**
 * Several plugins read this file type: the user picks one, remembered for the extension. Each
 * candidate says whether it is ready; one that cannot run now is shown with why and cannot be picked.
 */
import { useEffect, useRef, useState } from 'react';
import { baseNameOf, filesOfType } from '../../common/file-types.js';
import type { PluginInfo } from '../../common/model.js';
import { appStore, useApp } from '../store/store.js';
import { READINESS_TEXT, readinessOf } from './readiness.js';
import { dismissChoice, resolveChoice } from './submit.js';

function firstReady(candidates: string[], plugins: PluginInfo[]): string {
  return candidates.find((id) => readinessOf(plugins.find((p) => p.id === id) ?? {}).kind === 'ready') ?? '';
}

function Candidate({ id, picked, onPick }: { id: string; picked: boolean; onPick: () => void }) {
  const p = useApp((s) => s.plugins.find((x) => x.id === id));
  const readiness = readinessOf(p ?? {});
  const ready = readiness.kind === 'ready';
  const reasonId = `choice-reason-${id}`;
  return (
    <label className={`choice${ready ? '' : ' choice-blocked'}`}>
      <input
        type="radio"
        name="plugin"
        value={id}
        checked={picked}
        disabled={!ready}
        aria-describedby={ready ? undefined : reasonId}
        onChange={onPick}
      />
      <span>
        <strong>
          {p?.name ?? id} <span className={`readiness readiness-${readiness.kind}`}>{READINESS_TEXT[readiness.kind]}</span>
        </strong>
        <span className="muted small">{p?.description}</span>
        {!ready && (
          <span id={reasonId} className="choice-reason small">
            {readiness.error.message}
          </span>
        )}
      </span>
    </label>
  );
}

export function ChoiceDialog() {
  const choice = useApp((s) => s.choices[0]);
  const [picked, setPicked] = useState<string>('');
  const [remember, setRemember] = useState(true);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    setPicked(choice ? firstReady(choice.candidates, appStore.getState().plugins) : '');
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
          {choice.candidates.map((id) => (
            <Candidate key={id} id={id} picked={picked === id} onPick={() => setPicked(id)} />
          ))}
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
