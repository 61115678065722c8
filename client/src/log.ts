/** The extension's one log channel, leveled by VS Code and tagged by component. */
import type * as vscode from 'vscode';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  /** A logger whose lines start with `[component]`. */
  child(component: string): Logger;
}

export function createLogger(channel: vscode.LogOutputChannel, component?: string): Logger {
  const tag = (message: string): string => (component ? `[${component}] ${message}` : message);
  return {
    trace: (message) => channel.trace(tag(message)),
    debug: (message) => channel.debug(tag(message)),
    info: (message) => channel.info(tag(message)),
    warn: (message) => channel.warn(tag(message)),
    error: (message) => channel.error(typeof message === 'string' ? tag(message) : message),
    child: (name) => createLogger(channel, component ? `${component}/${name}` : name),
  };
}
