/** What the job store in a data folder holds for a job: what the next start restores. Opens and closes its own connection. */
import type { Job } from '../../common/model.js';
import { createLogger } from '../../main/core/logger.js';
import { openJobStore } from '../../main/core/store/job-store.js';

export async function storedJob(dataDir: string, id: string): Promise<Job | undefined> {
  const store = openJobStore({ dataDir, log: createLogger('test-store', () => undefined) });
  await store.open();
  try {
    return store.get(id);
  } finally {
    await store.close();
  }
}
