import { prepareScannerProcess } from '../../../scanner/node/prepare-scanner-process';
import { runLabParts } from '../scan.bench';
import { LAB_HOSTS_VARIABLE, type LabHost } from './namespace-lab';

// Started by the scan bench inside the scanner namespace (`ip netns exec`), with the lab's hosts in the environment.
prepareScannerProcess();
runLabParts({ hosts: JSON.parse(process.env[LAB_HOSTS_VARIABLE] ?? '[]') as LabHost[] }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
