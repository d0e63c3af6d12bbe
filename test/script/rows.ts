// The scripts of the parity suite: the shapes k6 users write (k6's docs and
// `k6 new`), each short. Every row runs with plain `k6 run` and with
// `loadctl run`, from the project folder, with the script in scripts/ (so a
// relative open() only works when it is resolved beside the script).
// `SERVER` is the suite's own service; `args` are given to both alike.

export interface Row {
  name: string;
  /** Files under scripts/, the first being the script run. */
  files: Record<string, string>;
  args?: string[];
  /** Iteration-bounded: k6 and loadctl must report exactly this many iterations. */
  iterations?: number;
  /** The row whose p95 is compared (a fixed-latency endpoint). */
  p95?: boolean;
  /** TypeScript: k6 before v0.52 cannot run it, so plain k6 v2.2.0 is the reference there. */
  typescript?: boolean;
}

const S = "const SERVER = __ENV.SERVER || 'http://127.0.0.1:9';";

export const rows: Row[] = [
  {
    name: 'own stages',
    files: {
      'stages.js': `import http from 'k6/http';
import { sleep } from 'k6';
${S}
export const options = {
  stages: [{ duration: '1s', target: 3 }, { duration: '1s', target: 3 }, { duration: '500ms', target: 0 }],
  thresholds: { http_req_duration: ['p(95)<1000'], http_req_failed: ['rate<0.01'] },
};
export default function () { http.get(SERVER + '/fast'); sleep(0.05); }
`,
    },
  },
  {
    name: 'vus and duration, as k6 new writes them',
    files: {
      'template.js': `import http from 'k6/http';
import { sleep } from 'k6';
${S}
export const options = { vus: 2, duration: '2s' };
export default function () { http.get(SERVER + '/fast'); sleep(0.1); }
`,
    },
  },
  {
    name: 'scenarios with exec, setup and teardown, no default export',
    files: {
      'scenarios.js': `import http from 'k6/http';
import { check } from 'k6';
${S}
export const options = {
  scenarios: {
    browse: { executor: 'constant-vus', exec: 'browse', vus: 1, duration: '1500ms' },
    buy: { executor: 'per-vu-iterations', exec: 'buy', vus: 2, iterations: 3, startTime: '200ms' },
  },
  thresholds: { 'http_reqs{scenario:buy}': ['count==6'], 'checks{scenario:browse}': ['rate==1'] },
};
export function setup() { return { token: http.post(SERVER + '/login').json('token') }; }
export function browse(data) { check(http.get(SERVER + '/items'), { 'token from setup': () => data.token === 't-1' }); }
export function buy(data) { http.get(SERVER + '/fast?token=' + data.token); }
export function teardown(data) { if (data.token !== 't-1') throw new Error('setup data lost'); }
`,
    },
  },
  {
    name: 'shared-iterations',
    iterations: 30,
    files: {
      'shared.js': `import http from 'k6/http';
${S}
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 30, maxDuration: '20s' } } };
export default function () { http.get(SERVER + '/fast'); }
`,
    },
  },
  {
    name: 'per-vu-iterations',
    iterations: 15,
    files: {
      'per-vu.js': `import http from 'k6/http';
${S}
export const options = { scenarios: { p: { executor: 'per-vu-iterations', vus: 3, iterations: 5, maxDuration: '20s' } } };
export default function () { http.get(SERVER + '/fast'); }
`,
    },
  },
  {
    name: 'arrival rate that drops iterations',
    files: {
      'arrival.js': `import http from 'k6/http';
${S}
export const options = {
  scenarios: { a: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '2s', preAllocatedVUs: 1, maxVUs: 1 } },
  thresholds: { dropped_iterations: ['count<1'] },
};
export default function () { http.get(SERVER + '/slow'); }
`,
    },
  },
  {
    name: 'threshold with abortOnFail',
    files: {
      'abort-on-fail.js': `import http from 'k6/http';
import { sleep } from 'k6';
${S}
export const options = {
  vus: 2, duration: '30s',
  thresholds: { http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '1s' }] },
};
export default function () { http.get(SERVER + '/fail'); sleep(0.05); }
`,
    },
  },
  {
    name: 'open() of data files beside the script',
    iterations: 4,
    files: {
      'data-driven.js': `import http from 'k6/http';
import { check } from 'k6';
${S}
const users = JSON.parse(open('./data/users.json'));
const csv = open('ids.csv').trim().split('\\n');
export const options = { iterations: 4, thresholds: { checks: ['rate==1'] } };
export default function () {
  const user = users[__ITER % users.length];
  check(http.get(SERVER + '/fast?u=' + user.name + '&id=' + csv[0]), { 'user from the data file': () => user.name.startsWith('user') });
}
`,
      'data/users.json': '[{"name":"user1"},{"name":"user2"}]\n',
      'ids.csv': '17\n18\n',
    },
  },
  {
    name: 'own handleSummary',
    files: {
      'own-summary.js': `import http from 'k6/http';
${S}
export const options = { iterations: 3 };
export default function () { http.get(SERVER + '/fast'); }
export function handleSummary(data) {
  return { stdout: 'own summary: ' + data.metrics.iterations.values.count + ' iterations\\n' };
}
`,
    },
    iterations: 3,
  },
  {
    name: 'a throw in the init code',
    files: {
      'init-throw.js': `import http from 'k6/http';
const config = JSON.parse('{"broken": ');
export default function () { http.get(config.url); }
`,
    },
  },
  {
    name: 'groups and checks, thresholds crossed',
    files: {
      'groups.js': `import http from 'k6/http';
import { check, group } from 'k6';
${S}
export const options = { vus: 2, duration: '1500ms', thresholds: { checks: ['rate>0.9'], 'group_duration{group:::login}': ['p(95)<5000'] } };
export default function () {
  group('login', () => { check(http.post(SERVER + '/login'), { 'logged in': (r) => r.status === 200 }); });
  group('buy', () => { check(http.get(SERVER + '/fail'), { 'bought': (r) => r.status === 200 }); });
}
`,
    },
  },
  {
    name: 'custom metrics',
    files: {
      'custom.js': `import http from 'k6/http';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
${S}
const basket = new Trend('basket_value');
const orders = new Counter('orders');
const paid = new Rate('paid');
const stock = new Gauge('stock');
export const options = {
  iterations: 10,
  thresholds: { basket_value: ['avg>20', 'max<100'], orders: ['count==10'], paid: ['rate==1'], stock: ['value>0'] },
};
export default function () {
  const items = http.get(SERVER + '/items').json('items');
  basket.add(items[0].price + items[1].price);
  orders.add(1);
  paid.add(true);
  stock.add(5);
}
`,
    },
    iterations: 10,
  },
  {
    name: 'TypeScript with a local import',
    typescript: true,
    iterations: 6,
    files: {
      'typed.ts': `import http from 'k6/http';
import { check } from 'k6';
import { itemsUrl, type Item } from './lib/shop.ts';

export const options = { vus: 2, iterations: 6, thresholds: { checks: ['rate==1'] } };

export default function (): void {
  const res = http.get(itemsUrl(__ENV.SERVER ?? 'http://127.0.0.1:9'));
  const items = (res.json('items') as unknown) as Item[];
  check(items, { 'two items': (list) => list.length === 2 });
}
`,
      'lib/shop.ts': `export interface Item { id: number; price: number }
export function itemsUrl(server: string): string { return server + '/items'; }
`,
    },
  },
  {
    name: 'TypeScript with loose JSON types',
    typescript: true,
    files: {
      'loose.ts': `import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 5, thresholds: { checks: ['rate==1'] } };

function total(items) {
  return items.reduce((sum, item) => sum + item.price, 0);
}

export default function () {
  const login = http.post(__ENV.SERVER + '/login').json();
  const token: string = login.token;
  const items = http.get(__ENV.SERVER + '/items?t=' + token).json().items;
  check(total(items), { 'basket adds up': (v) => v === 55 });
}
`,
    },
    iterations: 5,
  },
  {
    name: 'test.abort() from the script',
    files: {
      'abort.js': `import http from 'k6/http';
import exec from 'k6/execution';
${S}
export const options = { vus: 1, duration: '20s' };
export default function () {
  if (http.get(SERVER + '/fail').status === 500) exec.test.abort('the service is down');
}
`,
    },
  },
  {
    name: 'k6 overrides from the command line: --vus and --iterations over the script\'s stages',
    args: ['--vus', '2', '--iterations', '8'],
    iterations: 8,
    files: {
      'overridden.js': `import http from 'k6/http';
${S}
export const options = { stages: [{ duration: '20s', target: 5 }] };
export default function () { http.get(SERVER + '/fast'); }
`,
    },
  },
  {
    name: 'fixed latency, p95 compared',
    p95: true,
    files: {
      'fixed.js': `import http from 'k6/http';
${S}
export const options = { vus: 2, duration: '4s', thresholds: { http_req_duration: ['p(95)<5000', 'p(95)<10'] } };
export default function () { http.get(SERVER + '/fixed'); }
`,
    },
  },
  {
    name: '--env and no injected BASE_URL',
    args: ['--env', 'GREETING=hello'],
    iterations: 2,
    files: {
      'env.js': `import http from 'k6/http';
import { check } from 'k6';
${S}
const BASE = __ENV.BASE_URL || SERVER;
export const options = { iterations: 2, thresholds: { checks: ['rate==1'] } };
export default function () {
  check(http.get(BASE + '/fast'), { 'env from --env': () => __ENV.GREETING === 'hello', 'no BASE_URL injected': () => __ENV.BASE_URL === undefined });
}
`,
    },
  },
];
