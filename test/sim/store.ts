/** The simulator's in-memory storage: objects, a global resourceVersion, and watch history. */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type KubeObject,
  type LabelSelector,
  type ResourceName,
  type Store,
  StoreError,
  type StoreEvent,
} from './types';

/** How many events per resource are kept for resuming watches; older versions answer 410. */
const HISTORY_LIMIT = 2000;

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'; // as the API server's utilrand

function clone<T>(value: T): T {
  return structuredClone(value);
}

function key(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class MemoryStore implements Store {
  private version = 0;
  private readonly objects = new Map<ResourceName, Map<string, KubeObject>>();
  private readonly history = new Map<ResourceName, StoreEvent[]>();
  /** Per resource: history before this version is gone. */
  private readonly horizon = new Map<ResourceName, number>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly now: () => string = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')) {}

  get resourceVersion(): number {
    return this.version;
  }

  private table(resource: ResourceName): Map<string, KubeObject> {
    let table = this.objects.get(resource);
    if (!table) this.objects.set(resource, (table = new Map<string, KubeObject>()));
    return table;
  }

  create(resource: ResourceName, input: KubeObject): KubeObject {
    const object = clone(input);
    const meta = object.metadata;
    const table = this.table(resource);
    if (!meta.name && meta.generateName) {
      do {
        meta.name = meta.generateName + Array.from(randomBytes(5), (b) => GENERATE_ALPHABET[b % GENERATE_ALPHABET.length]).join('');
      } while (table.has(key(meta.namespace, meta.name)));
    }
    if (!meta.name) throw new StoreError('Conflict', 'name or generateName is required');
    if (table.has(key(meta.namespace, meta.name))) throw new StoreError('AlreadyExists', meta.name);
    meta.uid = meta.uid ?? randomUUID(); // the REST layer may assign it first (Job selectors need it)
    meta.creationTimestamp = this.now();
    meta.resourceVersion = String(++this.version);
    table.set(key(meta.namespace, meta.name), object);
    this.emit({ type: 'ADDED', resource, object: clone(object), resourceVersion: this.version });
    return clone(object);
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.table(resource).get(key(namespace, name));
    return found ? clone(found) : undefined;
  }

  list(resource: ResourceName, namespace?: string, selector?: LabelSelector, fieldSelector?: (object: KubeObject) => boolean): KubeObject[] {
    const out: KubeObject[] = [];
    for (const object of this.table(resource).values()) {
      if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
      if (selector && !selector.matches(object.metadata.labels)) continue;
      if (fieldSelector && !fieldSelector(object)) continue;
      out.push(clone(object));
    }
    return out.sort((a, b) => key(a.metadata.namespace, a.metadata.name!).localeCompare(key(b.metadata.namespace, b.metadata.name!)));
  }

  update(resource: ResourceName, input: KubeObject): KubeObject {
    const table = this.table(resource);
    const id = key(input.metadata.namespace, input.metadata.name ?? '');
    const existing = table.get(id);
    if (!existing) throw new StoreError('NotFound', input.metadata.name ?? '');
    const object = clone(input);
    object.metadata.uid = existing.metadata.uid;
    object.metadata.creationTimestamp = existing.metadata.creationTimestamp;
    object.metadata.resourceVersion = String(++this.version);
    table.set(id, object);
    this.emit({ type: 'MODIFIED', resource, object: clone(object), resourceVersion: this.version });
    return clone(object);
  }

  mutate(resource: ResourceName, namespace: string | undefined, name: string, change: (object: KubeObject) => void): KubeObject | undefined {
    const current = this.get(resource, namespace, name);
    if (!current) return undefined;
    change(current);
    return this.update(resource, current);
  }

  remove(resource: ResourceName, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.table(resource);
    const id = key(namespace, name);
    const existing = table.get(id);
    if (!existing) return undefined;
    table.delete(id);
    existing.metadata.resourceVersion = String(++this.version);
    this.emit({ type: 'DELETED', resource, object: clone(existing), resourceVersion: this.version });
    return clone(existing);
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  eventsSince(resource: ResourceName, resourceVersion: number): StoreEvent[] | 'expired' {
    if (resourceVersion < (this.horizon.get(resource) ?? 0)) return 'expired';
    return (this.history.get(resource) ?? []).filter((event) => event.resourceVersion > resourceVersion).map((event) => clone(event));
  }

  compact(): void {
    for (const resource of ['namespaces', 'pods', 'secrets', 'jobs'] as const) {
      this.history.set(resource, []);
      this.horizon.set(resource, this.version);
    }
  }

  private emit(event: StoreEvent): void {
    let events = this.history.get(event.resource);
    if (!events) this.history.set(event.resource, (events = []));
    events.push(event);
    if (events.length > HISTORY_LIMIT) {
      const dropped = events.splice(0, events.length - HISTORY_LIMIT);
      this.horizon.set(event.resource, dropped[dropped.length - 1]!.resourceVersion);
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(clone(event));
      } catch (error) {
        // A listener's bug must not break storage; it is reported on stderr.
        console.error(`keruta-sim: store listener failed: ${String(error)}`);
      }
    }
  }
}
