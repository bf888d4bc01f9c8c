/** "Add model from URL": a URL, an optional file name and an optional sha256; main checks them and starts the download. */
import { useState } from 'react';
import { pullModel } from '../store/model-actions.js';

const SHA256 = /^[0-9a-fA-F]{64}$/;

export function PullForm() {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [sha256, setSha256] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const shaBad = sha256.trim() !== '' && !SHA256.test(sha256.trim());

  async function pull() {
    setBusy(true);
    setError(null);
    const outcome = await pullModel({
      url: url.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(sha256.trim() ? { sha256: sha256.trim() } : {}),
    });
    setBusy(false);
    if (!outcome.ok) {
      setError(outcome.error.message);
      return;
    }
    setUrl('');
    setName('');
    setSha256('');
  }

  return (
    <section className="pane models-section" aria-labelledby="pull-title">
      <header className="pane-head">
        <h2 id="pull-title">Add model from URL</h2>
      </header>
      <form
        className="settings"
        aria-label="Add model from URL"
        onSubmit={(e) => {
          e.preventDefault();
          if (!shaBad && url.trim()) void pull();
        }}
      >
        <div className="field">
          <label htmlFor="pull-url">URL</label>
          <input
            id="pull-url"
            type="text"
            inputMode="url"
            value={url}
            spellCheck={false}
            placeholder="https://…/model.gguf"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'pull-error' : undefined}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="pull-name">File name (optional)</label>
          <input id="pull-name" type="text" value={name} spellCheck={false} onChange={(e) => setName(e.currentTarget.value)} />
        </div>
        <div className="field">
          <label htmlFor="pull-sha">SHA-256 (optional)</label>
          <input
            id="pull-sha"
            type="text"
            value={sha256}
            spellCheck={false}
            aria-invalid={shaBad ? true : undefined}
            aria-describedby={shaBad ? 'pull-sha-error' : undefined}
            onChange={(e) => setSha256(e.currentTarget.value)}
          />
          {shaBad && (
            <p id="pull-sha-error" className="field-error" role="alert">
              A SHA-256 is 64 hexadecimal characters.
            </p>
          )}
        </div>
        {error && (
          <p id="pull-error" className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy || shaBad || url.trim() === ''}>
            {busy ? 'Starting…' : 'Download'}
          </button>
        </div>
      </form>
    </section>
  );
}
