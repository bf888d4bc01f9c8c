/** One model of the library: what its header says, who can use it, or why nobody can. */
import type { ReactNode } from 'react';
import type { ModelInfo } from '../../common/models.js';
import { formatFileSize } from '../lib/format.js';
import { useApp } from '../store/store.js';
import { FORMAT_LABEL, formatContext, formatParams } from './format.js';

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="model-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function UsedBy({ ids }: { ids: string[] }) {
  const plugins = useApp((s) => s.plugins);
  if (ids.length === 0) return <span className="muted">none</span>;
  return <>{ids.map((id) => plugins.find((p) => p.id === id)?.name ?? id).join(', ')}</>;
}

export function ModelCard({ model }: { model: ModelInfo }) {
  const tag = [model.architecture, model.label].filter((t) => t !== null && t !== '').join(' · ');
  return (
    <li className="model-card" data-testid={`model-${model.name}`} aria-label={model.name}>
      <header className="model-head">
        <h3>{model.name}</h3>
        <span className="badge">{FORMAT_LABEL[model.format]}</span>
      </header>
      <p className="model-path small">{model.path}</p>
      <dl className="model-facts">
        <Fact term="Architecture">{tag || '—'}</Fact>
        <Fact term="Parameters">{formatParams(model.parameterCount)}</Fact>
        <Fact term="File type">{model.fileType ?? '—'}</Fact>
        <Fact term="Context">{formatContext(model.contextLength)}</Fact>
        <Fact term="Size">{formatFileSize(model.sizeBytes)}</Fact>
        <Fact term="Used by">
          <UsedBy ids={model.plugins} />
        </Fact>
      </dl>
      {model.problem && (
        <p className="model-problem small" role="note">
          {model.problem}
        </p>
      )}
    </li>
  );
}
