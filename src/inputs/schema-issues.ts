// zod reports a value that matches no branch of a union as "Invalid input",
// with no word of the field or the reason (`phases: [warmup]` inside a gate
// was "prometheus.gates.0: Invalid input"). This unwraps a union's issue:
// when the value's type picks one branch, that branch's own issues (the
// field and the reason); when it picks none, the types that were expected.
// Profiles and experiments both print through it. Pure.
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = { string: 'a string', object: 'a mapping (key: value)', number: 'a number', boolean: 'true or false', array: 'a list', null: 'null', int: 'a whole number' };

/** A root type mismatch: this branch is for values of another type. */
const wrongType = (issues: readonly Issue[]) => issues.length === 1 && issues[0]!.code === 'invalid_type' && issues[0]!.path.length === 0;

/** zod's own words for what it got ("received number"), from a branch's message. */
function received(branches: ReadonlyArray<readonly Issue[]>): string {
  const got = /received (\w+)/.exec(branches[0]?.[0]?.message ?? '')?.[1];
  return got ? TYPE_WORDS[got] ?? got : 'something else';
}

/** The issues with every union unwrapped as far as the input decides it. */
export function unwrapUnions(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue): Issue[] => {
    if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return [issue];
    const fitting = issue.errors.filter((branch) => !wrongType(branch));
    if (fitting.length === 1) return unwrapUnions(fitting[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
    if (fitting.length === 0) {
      const expected = [...new Set(issue.errors.map((b) => TYPE_WORDS[(b[0] as { expected?: string }).expected ?? ''] ?? String((b[0] as { expected?: string }).expected)))];
      return [{ ...issue, message: `expected ${expected.join(' or ')}, got ${received(issue.errors)}` }];
    }
    // Several branches fit the type: the one with the fewest problems says the most.
    const best = [...fitting].sort((a, b) => a.length - b.length)[0]!;
    return unwrapUnions(best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
  });
}
