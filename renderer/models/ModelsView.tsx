/** The Models tab: the library and its folders, the recommended catalogue, a download from a URL, and the downloads. */
import { useEffect } from 'react';
import { loadModelsTab } from '../store/model-actions.js';
import { CatalogueSection } from './CatalogueSection.js';
import { DownloadsSection } from './DownloadsSection.js';
import { LibrarySection } from './LibrarySection.js';
import { PullForm } from './PullForm.js';
import { RuntimesSection } from '../runtimes/RuntimesSection.js';

export function ModelsView() {
  useEffect(() => {
    void loadModelsTab();
  }, []);
  return (
    <div className="models-view" id="panel-models" role="tabpanel" aria-labelledby="tab-models">
      <LibrarySection />
      <div className="models-side">
        <RuntimesSection />
        <DownloadsSection />
        <PullForm />
        <CatalogueSection />
      </div>
    </div>
  );
}
