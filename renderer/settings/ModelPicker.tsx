/**
 * A setting that names a model file: a select over the library's models this plugin can run,
 * "(none)", and the current value when the library lacks it; Browse… (Electron's file dialog);
 * a typed path (in a browser, a path on the machine running Hearth); and "Get a model…",
 * which opens the Models tab. Main checks the file on Save.
 */
import { useMemo } from 'react';
import { api } from '../api/current.js';
import { appStore, useApp } from '../store/store.js';
import { BrowseButton } from './BrowseButton.js';
import type { ControlProps } from './schema-fields.js';
import { modelOptions } from './model-options.js';
import type { Field } from './schema-fields.js';

export function ModelPicker({
  field,
  value,
  common,
  pluginId,
  onChange,
}: {
  field: Field;
  value: string;
  common: ControlProps;
  pluginId: string;
  onChange: (v: string) => void;
}) {
  const models = useApp((s) => s.library?.models);
  const options = useMemo(() => modelOptions(models ?? [], pluginId, value), [models, pluginId, value]);
  const pathId = `${common.id}-path`;
  return (
    <div className="model-picker">
      <div className="path-input">
        <select {...common} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <BrowseButton title={`Choose ${field.label.toLowerCase()}`} onPick={onChange} />
        <button type="button" className="btn btn-small" onClick={() => appStore.setState({ view: 'models' })}>
          Get a model…
        </button>
      </div>
      {models === undefined && <p className="help">Reading the model library…</p>}
      <div className="model-typed-path">
        <label htmlFor={pathId} className="small">
          Or type a path
        </label>
        <input
          type="text"
          id={pathId}
          aria-invalid={common['aria-invalid']}
          aria-describedby={common['aria-describedby']}
          value={value}
          spellCheck={false}
          placeholder={api().kind === 'electron' ? '/path/to/model' : 'A path on the machine running Hearth'}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      </div>
    </div>
  );
}
