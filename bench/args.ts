/**
 * Command-line options shared by the benchmark scripts: `--name value` options, and the
 * `--profile-client DIR` switch that makes their client child processes write V8 CPU profiles.
 */

const argv = process.argv.slice(2);

/** Whether `--flag` was given. */
export function flag(name: string): boolean {
  return argv.includes(name);
}

/** The value after `--name`, if given. */
export function option(name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

/** The execArgv a client child process gets for `--profile-client DIR` (none without it). */
export function profileExecArgv(): string[] {
  const dir = option('--profile-client');
  return dir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
