/** A stand-in nvidia-smi (no NVIDIA GPU here): it answers the three queries Hearth makes as the real one formats them. */
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Two GPUs: an RTX A6000 (1200 MiB used, pid 4242 holding 1100 MiB) and an RTX 4090. */
export const FAKE_SMI = `#!/bin/sh
case "$1" in
  --query-gpu=index,name,*) printf '0, NVIDIA RTX A6000, 49140, 1200, 47940, 7\\n1, NVIDIA GeForce RTX 4090, 24564, 20, 24544, 0\\n' ;;
  --query-gpu=index,pci.bus_id) printf '0, 00000000:01:00.0\\n1, 00000000:02:00.0\\n' ;;
  --query-compute-apps=*) printf '00000000:01:00.0, 4242, 1100\\n' ;;
  *) echo "unexpected query: $*" >&2; exit 4 ;;
esac
`;

/** Writes `script` as <folder>/nvidia-smi (replacing the folder) and gives the folder, to put first on a PATH. */
export async function fakeNvidiaSmi(folder: string, script = FAKE_SMI): Promise<string> {
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'nvidia-smi'), script);
  await chmod(join(folder, 'nvidia-smi'), 0o755);
  return folder;
}
