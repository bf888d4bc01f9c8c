/**
 * A plugin's settings, generated from its JSON Schema. Save validates inline, then main
 * validates again, persists and reloads the plugin; a refusal shows main's reason. A GPU
 * plugin's device comes first, chosen on its own (../plugins/DeviceSetting.tsx).
 */
import { useEffect, useMemo, useState } from 'react';
import type { PluginInfo } from '../../common/model.js';
import { api } from '../api/current.js';
import { call } from '../store/actions.js';
import { notify } from '../store/store.js';
import { DeviceSetting } from '../plugins/DeviceSetting.js';
import { fieldsOf, parseField, toInputText, type Field } from './schema-fields.js';

type Draft = Record<string, string | boolean>;

function draftOf(fields: Field[], config: Record<string, unknown>): Draft {
  const d: Draft = {};
  for (const f of fields) {
    const v = config[f.key] ?? f.default;
    d[f.key] = f.kind === 'boolean' ? v === true : toInputText(f, v);
  }
  return d;
}

function FieldInput({
  field,
  value,
  error,
  onChange,
}: {
  field: Field;
  value: string | boolean;
  error?: string;
  onChange: (v: string | boolean) => void;
}) {
  const id = `setting-${field.key}`;
  const describedBy = [field.description ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const textInput = (
    <input type="text" {...common} value={String(value)} spellCheck={false} onChange={(e) => onChange(e.currentTarget.value)} />
  );
  let control;
  switch (field.kind) {
    case 'boolean':
      control = (
        <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />
      );
      break;
    case 'enum':
      control = (
        <select {...common} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
          {field.options?.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'const':
      control = <input type="text" {...common} value={String(value)} readOnly />;
      break;
    case 'integer':
    case 'number':
      control = (
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
      break;
    case 'path':
      control = (
        <div className="path-input">
          {textInput}
          {api().kind === 'electron' && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                void call('pickPath', { title: `Choose ${field.label.toLowerCase()}` }).then((picked) => {
                  if (picked) onChange(picked);
                });
              }}
            >
              Browse…
            </button>
          )}
        </div>
      );
      break;
    default:
      control = textInput;
  }
  return (
    <div className={`field field-${field.kind}`}>
      <label htmlFor={id}>
        {field.label}
        {field.min !== undefined || field.max !== undefined ? (
          <span className="muted small">
            {' '}
            ({field.min ?? '…'}–{field.max ?? '…'})
          </span>
        ) : null}
      </label>
      {control}
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

export function SettingsPanel({ plugin }: { plugin: PluginInfo }) {
  return (
    <>
      {plugin.wantsGpu && <DeviceSetting key={plugin.id} plugin={plugin} />}
      <SchemaSettings plugin={plugin} />
    </>
  );
}

function SchemaSettings({ plugin }: { plugin: PluginInfo }) {
  const fields = useMemo(() => fieldsOf(plugin.configSchema), [plugin.configSchema]);
  const [saved, setSaved] = useState<Record<string, unknown> | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setSaved(null);
    setRefusal(null);
    void api()
      .invoke('getSettings', { pluginId: plugin.id })
      .then((o) => {
        if (!live) return;
        const config = o.ok ? o.value : {};
        setSaved(config);
        setDraft(draftOf(fields, config));
        setTouched(false);
      });
    return () => {
      live = false;
    };
  }, [plugin.id, fields]);

  const parsed = fields.map((f) => [f, parseField(f, draft[f.key] ?? '')] as const);
  const errors = Object.fromEntries(parsed.flatMap(([f, p]) => (p.ok ? [] : [[f.key, p.error.message]])));
  const valid = Object.keys(errors).length === 0;

  async function save() {
    if (!valid) return;
    const config: Record<string, unknown> = {};
    for (const [f, p] of parsed) if (p.ok && p.value !== undefined) config[f.key] = p.value;
    setSaving(true);
    setRefusal(null);
    const o = await api().invoke('saveSettings', { pluginId: plugin.id, config });
    setSaving(false);
    if (!o.ok) {
      setRefusal(o.error.message + (o.error.detail ? ` (${o.error.detail})` : ''));
      return;
    }
    setSaved(o.value);
    setDraft(draftOf(fields, o.value));
    setTouched(false);
    notify('info', `Saved ${plugin.name} settings.`);
  }

  if (fields.length === 0) return <p className="muted pad">{plugin.name} has no settings.</p>;
  if (saved === null) return <p className="muted pad">Loading settings…</p>;
  return (
    <form
      className="settings"
      aria-label={`${plugin.name} settings`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {fields.map((f) => (
        <FieldInput
          key={f.key}
          field={f}
          value={draft[f.key] ?? ''}
          {...(touched && errors[f.key] ? { error: errors[f.key] } : {})}
          onChange={(v) => {
            setTouched(true);
            setDraft((d) => ({ ...d, [f.key]: v }));
          }}
        />
      ))}
      {refusal && (
        <div className="callout callout-error" role="alert">
          Not saved: {refusal}
        </div>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="btn"
          disabled={!touched || saving}
          onClick={() => {
            setDraft(draftOf(fields, saved));
            setTouched(false);
            setRefusal(null);
          }}
        >
          Revert
        </button>
        <button type="submit" className="btn btn-primary" disabled={!touched || !valid || saving}>
          {saving ? 'Saving…' : 'Save and reload'}
        </button>
      </div>
    </form>
  );
}
