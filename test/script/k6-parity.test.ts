// `loadctl run <script>` against plain `k6 run <script>`, row by row (rows.ts),
// on real k6 v0.49.0 and v2.2.0, against the suite's own service (server.ts):
// the same outcome class (k6's exit code through loadctl's table), the same
// thresholds held and crossed, the same iteration count where the executor
// bounds it, and on the fixed-latency row loadctl's p95 within one bucket of
// k6's own native histogram (factor 1.1) of plain k6's. Rows run one at a
// time: the box has two cores, and the p95 row must not share them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { k6Path, k6Skip, k6Versions, type K6Version } from '../kit/parts.ts';
import { cliEnv, runCli } from '../kit/cli.ts';
import { describeK6Exit } from '../../src/k6/exit-codes.ts';
import { isObserverThreshold } from '../../src/profiles/resolve.ts';
import { rows, type Row } from './rows.ts';
import { startTestService, type TestService } from './server.ts';

/** k6's native histograms grow by this factor per bucket (its remote-write output). */
const BUCKET_FACTOR = 1.1;

interface Ran { code: number | null; stdout: string; stderr: string }

/** Neither run may see a BASE_URL from the shell: the script's own fallback must apply. */
const ENV = { K6_BIN: undefined, BASE_URL: undefined };

function runK6(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cliEnv(ENV), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

type Json = Record<string, any>;
const readJson = (file: string): Json | undefined => { try { return JSON.parse(readFileSync(file, 'utf8')) as Json; } catch { return undefined; } };

/** "metric expr" -> held?, from a --summary-export file (its booleans are true when the threshold FAILED). */
function plainThresholds(exported: Json | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [metric, values] of Object.entries((exported?.metrics ?? {}) as Record<string, Json>)) {
    for (const [expr, failed] of Object.entries((values.thresholds ?? {}) as Record<string, boolean>)) out.set(`${metric} ${expr}`, !failed);
  }
  return out;
}

function loadctlThresholds(result: Json | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const t of (result?.thresholds ?? []) as Array<{ metric: string; expression: string; ok: boolean }>) {
    if (!isObserverThreshold(t.metric, t.expression)) out.set(`${t.metric} ${t.expression}`, t.ok);
  }
  return out;
}

function writeRow(root: string, row: Row): string {
  for (const [path, text] of Object.entries(row.files)) {
    mkdirSync(dirname(join(root, 'scripts', path)), { recursive: true });
    writeFileSync(join(root, 'scripts', path), text);
  }
  return `scripts/${Object.keys(row.files)[0]}`;
}

let service: TestService;
let root: string;
before(async () => {
  service = await startTestService();
  root = mkdtempSync(join(tmpdir(), 'loadctl-parity-'));
});
after(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

for (const version of k6Versions) {
  describe(`loadctl run <script> and k6 run <script> on real k6 ${version}`, { skip: k6Skip(version) }, () => {
    rows.forEach((row, i) => {
      test(row.name, async () => {
        const dir = join(root, `${version}-${i}`);
        mkdirSync(dir, { recursive: true });
        const script = writeRow(dir, row);
        const env = ['--env', `SERVER=${service.url}`];
        // k6 before v0.52 has no TypeScript: plain k6 v2.2.0 is what the script does there.
        const plainK6 = row.typescript && version === 'v0.49.0' ? k6Path('v2.2.0' as K6Version) ?? k6Path(version)! : k6Path(version)!;
        const plain = await runK6(plainK6, ['run', '--no-color', '--summary-export', join(dir, 'plain.json'), ...env, ...(row.args ?? []), script], dir);
        const ours = await runCli(['run', script, '--k6', k6Path(version)!, '--out-dir', join(dir, 'runs'), '--json', ...env, ...(row.args ?? [])], { cwd: dir, env: ENV });
        const exported = readJson(join(dir, 'plain.json'));
        let result: Json | undefined;
        try { result = JSON.parse(ours.stdout) as Json; } catch { result = undefined; }
        const context = `\nplain k6 exit ${plain.code}: ${plain.stderr.slice(-600)}\nloadctl exit ${ours.code}: ${ours.stderr.slice(-1500)}`;

        assert.equal(ours.code, describeK6Exit(plain.code).loadctl, `outcome class differs${context}`);
        assert.deepEqual(loadctlThresholds(result), plainThresholds(exported), `thresholds held/crossed differ${context}`);
        if (row.iterations !== undefined) {
          assert.equal(exported?.metrics?.iterations?.count, row.iterations, `plain k6 iterations${context}`);
          assert.equal(result?.totals?.iterations, row.iterations, `loadctl iterations${context}`);
        }
        if (row.p95) {
          const theirs = exported?.metrics?.http_req_duration?.['p(95)'] as number;
          const mine = result?.totals?.httpReqDuration?.p95 as number;
          const ratio = mine / theirs;
          assert.ok(ratio <= BUCKET_FACTOR && ratio >= 1 / BUCKET_FACTOR, `p95 loadctl ${mine} ms vs plain k6 ${theirs} ms (ratio ${ratio.toFixed(3)})${context}`);
        }
      });
    });
  });
}
