/**
 * `npm run sim -- --port PORT --kubeconfig FILE [--version v1.32.0] [--time-scale 1]`: runs the
 * cluster simulator in the foreground, writes a kubeconfig for it, prints one line when ready and
 * stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string', default: 'keruta-sim.kubeconfig' },
      version: { type: 'string' },
      'time-scale': { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run sim -- [--port PORT] [--kubeconfig FILE] [--version v1.32.0] [--time-scale 1]');
    return;
  }
  const port = Number(values.port);
  const timeScale = Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  if (!(timeScale > 0)) throw new Error(`--time-scale must be a positive number, not ${values['time-scale']}`);
  const simulator = await startSimulator({ port, timeScale, ...(values.version ? { version: values.version } : {}) });
  const kubeconfig = resolve(values.kubeconfig);
  await simulator.writeKubeconfig(kubeconfig);
  console.log(`keruta-sim ${simulator.version.gitVersion} ready at ${simulator.url}; kubeconfig: ${kubeconfig} (KUBECONFIG=${kubeconfig} kubectl get jobs)`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`keruta-sim: ${signal}, stopping`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`keruta-sim: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`keruta-sim: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
