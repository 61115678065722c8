// A test runner for hosts that cannot be given --extensionTestsPath (code-server): when the
// settings (or environment) name a compiled suite, it is loaded in this extension host once the
// window has started, run, and its results written as JSON for the driver that waits for them.
// Plain CommonJS with no dependencies: the suite bundle brings mocha with it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  const config = vscode.workspace.getConfiguration('kerutaTestRunner');
  const suite = config.get('suite') || process.env.KERUTA_TEST_SUITE || '';
  const resultFile = config.get('resultFile') || process.env.KERUTA_TEST_RESULT_FILE || '';
  if (!suite || !resultFile) return;
  const channel = vscode.window.createOutputChannel('Keruta Test Runner', { log: true });
  context.subscriptions.push(channel);
  const grep = config.get('grep') || undefined;
  const startedAt = new Date().toISOString();
  channel.info(`running ${suite}${grep ? ` (grep: ${grep})` : ''}; results → ${resultFile}`);
  // The extension host must not wait for the suite: it activates other extensions meanwhile.
  void runSuite(suite, { grep, log: (line) => channel.info(line) }).then(
    (result) => writeResult(resultFile, { ...result, startedAt, host: hostInfo() }, channel),
    (error) => {
      channel.error(`the suite did not run: ${error && error.stack ? error.stack : String(error)}`);
      writeResult(resultFile, { startedAt, host: hostInfo(), loadError: error && error.stack ? error.stack : String(error), passes: 0, failures: 1, pending: 0, tests: [] }, channel);
    },
  );
}

async function runSuite(suitePath, options) {
  const suite = require(suitePath);
  if (typeof suite.runSuite !== 'function') throw new Error(`${suitePath} exports no runSuite(options)`);
  return suite.runSuite(options);
}

function hostInfo() {
  return { vscodeVersion: vscode.version, appName: vscode.env.appName, appHost: vscode.env.appHost, node: process.version };
}

function writeResult(file, result, channel) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(result, null, 2)}\n`);
  fs.renameSync(partial, file);
  channel.info(`results written: ${result.passes} passed, ${result.failures} failed, ${result.pending} pending`);
}

function deactivate() {}

module.exports = { activate, deactivate };
