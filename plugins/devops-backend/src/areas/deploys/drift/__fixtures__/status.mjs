// A `status` command for the drift sweep's tests: prints what runs in the target as the state
// directory says ($DRIFT_STATE_DIR/<DEVOPS_ENVIRONMENT>.<DEVOPS_TARGET>.json holds the status
// object), or nothing running when there is no such file. A state with `fail` exits 1 with it
// on stderr; one with `hang` never answers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const { DRIFT_STATE_DIR, DEVOPS_ENVIRONMENT, DEVOPS_TARGET } = process.env;
let state = null;
try {
  state = JSON.parse(
    readFileSync(
      join(DRIFT_STATE_DIR, `${DEVOPS_ENVIRONMENT}.${DEVOPS_TARGET}.json`),
      'utf8',
    ),
  );
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
if (state?.fail) {
  console.error(state.fail);
  process.exit(1);
}
if (state?.hang) {
  setInterval(() => {}, 1000);
} else {
  console.log(
    JSON.stringify(
      state ?? { version: null, healthy: false, message: 'nothing deployed' },
    ),
  );
}
