// How much environment k6 can be given. Linux refuses to start a program
// (E2BIG) when one "KEY=value" string passes 128 KiB or all of them together
// pass the argument space (2 MiB by default); that surfaced as "could not
// start k6 ... check the binary", the wrong fix. Pure.

/** Linux's MAX_ARG_STRLEN: the longest single "KEY=value" string. */
export const MAX_ENV_ENTRY_BYTES = 128 * 1024;
/** What loadctl lets a profile's env add in total; leaves room for the rest of the environment. */
export const MAX_ENV_TOTAL_BYTES = 1024 * 1024;

const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

export function envSizeProblems(env: Readonly<Record<string, string>>, label: string): string[] {
  const problems: string[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(env)) {
    const bytes = Buffer.byteLength(key) + 1 + Buffer.byteLength(value) + 1;
    total += bytes;
    if (bytes > MAX_ENV_ENTRY_BYTES) problems.push(`${label}: env.${key} is ${size(bytes)}; the system hands a program at most ${size(MAX_ENV_ENTRY_BYTES)} per variable, so k6 could not start`);
  }
  if (problems.length === 0 && total > MAX_ENV_TOTAL_BYTES) problems.push(`${label}: env is ${size(total)} in all; loadctl passes k6 at most ${size(MAX_ENV_TOTAL_BYTES)} of environment`);
  return problems;
}
