#!/usr/bin/env node
// The `vigil` command. TypeScript sources run through tsx (both its CommonJS and ESM hooks,
// so lazy `import()`s inside commands resolve too); the CLI needs no separate build.
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

// An on-premises product phones nobody: no Next.js telemetry.
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
registerCjs();
registerEsm();
// main.ts compiles to CommonJS (the package is not "type": "module"): its exports arrive as default.
const main = await import('../server/cli/main.ts');
await (main.runCli ?? main.default.runCli)(process.argv);
