// TEST DOUBLE of the Docker boundary: an in-memory FaultFactory whose
// "containers" are entries in a map. It exists only so engine unit tests can
// script plan/apply/undo outcomes and observe their order; everything Docker
// really does is covered by test/chaos-e2e against a real engine.
import { UsageError } from '../../../src/errors.ts';
import type { Fault, FaultFactory, FaultSpec, TargetSelector } from '../../../src/chaos/fault.ts';
import type { ContainerRef, UndoSpec } from '../../../src/chaos/types.ts';

export interface MemoryFactory extends FaultFactory {
  /** Every call, in order: "plan stop redis", "apply stop redis", "undo start redis". */
  readonly log: string[];
  readonly state: Map<string, 'running' | 'stopped' | 'paused'>;
  /** Per container name, a function run at apply time (to assert the journal, fail, ...). */
  onApply?: (spec: FaultSpec, targets: ContainerRef[]) => void;
  /** Undo specs that throw, by "<kind> <container>". */
  failingUndos: Set<string>;
}

export function memoryFactory(names: string[]): MemoryFactory {
  const state = new Map<string, 'running' | 'stopped' | 'paused'>(names.map((n) => [n, 'running']));
  const log: string[] = [];
  const refOf = (name: string): ContainerRef => ({ id: `${name}-id-0123456789abcdef`, name });
  const factory: MemoryFactory = {
    log,
    state,
    failingUndos: new Set(),
    async resolve(selector: TargetSelector) {
      const name = 'container' in selector ? selector.container
        : 'names' in selector ? (selector.names.find((n) => state.has(n)) ?? selector.service)
        : `${selector.project}-${selector.service}-1`;
      if (!state.has(name)) throw new UsageError(`no container named ${name} (near: ${[...state.keys()].join(', ')})`);
      return [refOf(name)];
    },
    create(spec: FaultSpec, targets: ContainerRef[]): Fault {
      const names = targets.map((t) => t.name).join(',');
      return {
        async plan() {
          log.push(`plan ${spec.kind} ${names}`);
          const undo = targets.flatMap((container): UndoSpec[] => spec.kind === 'pause'
            ? [{ kind: 'unpause', container }]
            : [{ kind: 'exec', container, cmd: ['cleanup'] }, { kind: 'start', container }]);
          return { intent: `${spec.kind} ${names}`, undo };
        },
        async apply() {
          log.push(`apply ${spec.kind} ${names}`);
          factory.onApply?.(spec, targets);
          for (const t of targets) state.set(t.name, spec.kind === 'pause' ? 'paused' : 'stopped');
        },
        async observe() {
          return { applied: names };
        },
      };
    },
    async undo(spec: UndoSpec) {
      const key = `${spec.kind} ${spec.container.name}`;
      log.push(`undo ${key}`);
      if (factory.failingUndos.has(key)) throw new Error(`cannot ${key}`);
      if (spec.kind === 'start' || spec.kind === 'unpause') state.set(spec.container.name, 'running');
    },
  };
  return factory;
}

/** A virtual clock: sleep advances time at once (or stops early when aborted). */
export function fakeClock(start = 1_000_000) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => { t += ms; },
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) return;
      t += ms;
      await Promise.resolve();
    },
  };
}
