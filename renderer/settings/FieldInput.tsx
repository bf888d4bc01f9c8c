/**
 * One generated settings field: its control by kind, its help and its error (inline, so a
 * refusal is read where it applies). A setting that names a model is a picker (ModelPicker.tsx).
 */
import type { ModelFormat } from '../../common/model-format.js';
import { BrowseButton } from './BrowseButton.js';
import { ModelPicker } from './ModelPicker.js';
import { limitsText, type ControlProps, type Field } from './schema-fields.js';

function PathInput({
  field,
  value,
  common,
  onChange,
}: {
  field: Field;
  value: string;
  common: ControlProps;
  onChange: (v: string) => void;
}) {
  return (
    <div className="path-input">
      <input type="text" {...common} value={value} spellCheck={false} onChange={(e) => onChange(e.currentTarget.value)} />
      <BrowseButton title={`Choose ${field.label.toLowerCase()}`} onPick={onChange} />
    </div>
  );
}

function Control({
  field,
  value,
  common,
  model,
  onChange,
}: {
  field: Field;
  value: string | boolean;
  common: ControlProps;
  model?: { pluginId: string; format: ModelFormat };
  onChange: (v: string | boolean) => void;
}) {
  if (model)
    return <ModelPicker field={field} value={String(value)} common={common} pluginId={model.pluginId} onChange={onChange} />;
  switch (field.kind) {
    case 'boolean':
      return <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
    case 'enum':
      return (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
          {field.options?.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    case 'const':
      return <input type="text" {...common} value={String(value)} readOnly />;
    case 'integer':
    case 'number':
      // A number that also takes words (GPU layers: a count or `auto`) is typed as text, the words offered.
      if (field.words?.length)
        return (
          <>
            <input
              type="text"
              inputMode="numeric"
              {...common}
              list={`${common.id}-words`}
              value={String(value)}
              spellCheck={false}
              onChange={(e) => onChange(e.currentTarget.value)}
            />
            <datalist id={`${common.id}-words`}>
              {field.words.map((w) => (
                <option key={w} value={w} />
              ))}
            </datalist>
          </>
        );
      return (
        <input
          type="number"
          {...common}
          value={String(value)}
          step={field.kind === 'integer' ? 1 : 'any'}
          min={field.min}
          max={field.max}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
    case 'path':
      return <PathInput field={field} value={String(value)} common={common} onChange={onChange} />;
    default:
      return (
        <input
          type="text"
          {...common}
          value={String(value)}
          spellCheck={false}
          onChange={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
}

export function FieldInput({
  field,
  value,
  error,
  model,
  onChange,
}: {
  field: Field;
  value: string | boolean;
  error?: string;
  /** Set when the setting names a model file: the picker over the library's models for this plugin. */
  model?: { pluginId: string; format: ModelFormat };
  onChange: (v: string | boolean) => void;
}) {
  const id = `setting-${field.key}`;
  const describedBy = [field.description ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common: ControlProps = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const limits = limitsText(field);
  return (
    <div className={`field field-${model ? 'model' : field.kind}`}>
      <label htmlFor={id}>
        {field.label}
        {limits && <span className="muted small"> ({limits})</span>}
      </label>
      <Control field={field} value={value} common={common} onChange={onChange} {...(model ? { model } : {})} />
      {field.description && (
        <p id={`${id}-help`} className="help">
          {field.description}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
