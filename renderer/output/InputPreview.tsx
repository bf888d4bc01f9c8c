/**
 * The job's input beside its output: a thumbnail of the image, or a player for the audio that
 * the timed result views seek (through `audioRef`). The `inputPreview` command says what the
 * face can show; a text input, or a face without previews, shows nothing.
 */
import { useEffect, useState, type RefObject } from 'react';
import type { InputPreview as Preview } from '../../common/api.js';
import type { Job } from '../../common/model.js';
import { api } from '../api/current.js';
import '../styles/results.css';

export function InputPreview({
  job,
  audioRef,
  onAudio,
}: {
  job: Pick<Job, 'id' | 'label' | 'source'>;
  audioRef: RefObject<HTMLAudioElement | null>;
  /** Told whether a player is there to seek. */
  onAudio: (available: boolean) => void;
}) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [broken, setBroken] = useState(false);
  const readsFile = job.source.kind === 'path';

  useEffect(() => {
    if (!readsFile) return;
    let current = true;
    // A failure only means no preview: the output is what the person came for, so no toast.
    void api()
      .invoke('inputPreview', { jobId: job.id })
      .then((o) => {
        if (!current || !o.ok) return;
        setPreview(o.value);
        onAudio(o.value.kind === 'audio' && o.value.url !== null);
      });
    return () => {
      current = false;
      onAudio(false);
    };
  }, [job.id, readsFile, onAudio]);

  if (!preview || !preview.url || broken) return null;
  if (preview.kind === 'image') {
    return (
      <figure className="input-preview">
        <img
          className="input-thumb"
          data-testid="input-image"
          src={preview.url}
          alt={`The input image, ${job.label}`}
          onError={() => setBroken(true)}
        />
      </figure>
    );
  }
  if (preview.kind === 'audio') {
    return (
      <figure className="input-preview">
        <audio
          ref={audioRef}
          className="input-audio"
          data-testid="input-audio"
          src={preview.url}
          controls
          preload="metadata"
          aria-label={`The input audio, ${job.label}`}
          onError={() => {
            setBroken(true);
            onAudio(false);
          }}
        />
      </figure>
    );
  }
  return null;
}
