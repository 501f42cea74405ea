/**
 * npm run contracts:snapshot — record the JSON Schema of every event contract version in libs/contracts/snapshots/events.
 * New versions and compatible changes (optional fields added) are written; a breaking change to an existing version is
 * refused (exit 1): it needs a new version. Snapshots of versions that no longer exist are deleted.
 */
import { compareWithSnapshots, explain, removeSnapshot, writeSnapshot } from '../contract-snapshots';

const statuses = compareWithSnapshots();
const breaking = statuses.filter((status) => status.status === 'breaking');
if (breaking.length > 0) {
  for (const status of breaking) console.error(explain(status));
  console.error(`\n${breaking.length} breaking change(s): nothing written.`);
  process.exit(1);
}
let written = 0;
for (const status of statuses) {
  if (status.status === 'new' || status.status === 'additive') {
    writeSnapshot(status.key, status.schema);
    console.log(`${status.status === 'new' ? 'recorded' : 'updated '} ${status.key}`);
    written += 1;
  } else if (status.status === 'removed') {
    removeSnapshot(status.key);
    console.log(`deleted  ${status.key}`);
    written += 1;
  }
}
console.log(`${statuses.length} contract snapshot(s), ${written} written or deleted.`);
