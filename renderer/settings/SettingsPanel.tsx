/**
 * A plugin's settings, generated from its JSON Schema. Save validates inline, then main
 * validates again, persists and reloads the plugin; a refusal shows main's reason, under the
 * field it names when it names one (a model file main cannot use), and the draft is kept.
 * A GPU plugin's device comes first, chosen on its own (../plugins/DeviceSetting.tsx).
 */
import { useEffect, useMemo, useState } from 'react';
import type { PluginInfo } from '../../common/model.js';
import { api } from '../api/current.js';
import { loadLibrary } from '../store/model-actions.js';
import { appStore, notify, useApp } from '../store/store.js';
import { DeviceSetting } from '../plugins/DeviceSetting.js';
import { FieldInput } from './FieldInput.js';
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
  /** Main's refusal of one field's value, shown under it until that field changes. */
  const [fieldRefusal, setFieldRefusal] = useState<{ key: string; message: string } | null>(null);
  const modelSettings = plugin.modelSettings;
  const hasModelSetting = modelSettings !== undefined && Object.keys(modelSettings).length > 0;
  const focusSetting = useApp((s) => s.focusSetting);

  // The picker lists the library as it is now: asked for each time such a panel opens.
  useEffect(() => {
    if (hasModelSetting) void loadLibrary();
  }, [plugin.id, hasModelSetting]);

  useEffect(() => {
    let live = true;
    setSaved(null);
    setRefusal(null);
    setFieldRefusal(null);
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

  // "Choose one…" on a held-back drop lands here: focus the setting it named, once.
  useEffect(() => {
    if (saved === null || focusSetting === null) return;
    document.getElementById(`setting-${focusSetting}`)?.focus();
    appStore.setState({ focusSetting: null });
  }, [saved, focusSetting]);

  // A refused field is brought into view and focused, so its reason is read where it applies.
  useEffect(() => {
    if (fieldRefusal) document.getElementById(`setting-${fieldRefusal.key}`)?.focus();
  }, [fieldRefusal]);

  const parsed = fields.map((f) => [f, parseField(f, draft[f.key] ?? '')] as const);
  const errors = Object.fromEntries(parsed.flatMap(([f, p]) => (p.ok ? [] : [[f.key, p.error.message]])));
  const valid = Object.keys(errors).length === 0;

  async function save() {
    if (!valid) return;
    const config: Record<string, unknown> = {};
    for (const [f, p] of parsed) if (p.ok && p.value !== undefined) config[f.key] = p.value;
    setSaving(true);
    setRefusal(null);
    setFieldRefusal(null);
    const o = await api().invoke('saveSettings', { pluginId: plugin.id, config });
    setSaving(false);
    if (!o.ok) {
      const message = o.error.message + (o.error.detail ? ` (${o.error.detail})` : '');
      const field = fields.find((f) => f.key === o.error.field);
      if (field) {
        setFieldRefusal({ key: field.key, message });
        setRefusal(`${field.label} was refused — see the reason under it.`);
      } else setRefusal(message);
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
      {fields.map((f) => {
        const format = modelSettings && Object.hasOwn(modelSettings, f.key) ? modelSettings[f.key] : undefined;
        const error = fieldRefusal?.key === f.key ? fieldRefusal.message : touched ? errors[f.key] : undefined;
        return (
          <FieldInput
            key={f.key}
            field={f}
            value={draft[f.key] ?? ''}
            {...(error ? { error } : {})}
            {...(format ? { model: { pluginId: plugin.id, format } } : {})}
            onChange={(v) => {
              setTouched(true);
              if (fieldRefusal?.key === f.key) setFieldRefusal(null);
              setDraft((d) => ({ ...d, [f.key]: v }));
            }}
          />
        );
      })}
      {refusal && (
        // The field's own message is the alert; this only points at it.
        <div className="callout callout-error" role={fieldRefusal ? 'status' : 'alert'}>
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
            setFieldRefusal(null);
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
