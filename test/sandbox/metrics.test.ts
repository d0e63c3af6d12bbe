import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Histogram } from '../../src/sandbox/metrics.ts';

test('histogram buckets are cumulative, with +Inf, sum and count', () => {
  const h = new Histogram('t_seconds', 'test', [0.1, 1]);
  h.observe({ route: '/a' }, 0.05);
  h.observe({ route: '/a' }, 0.5);
  h.observe({ route: '/a' }, 5);
  assert.equal(h.render(), [
    '# HELP t_seconds test',
    '# TYPE t_seconds histogram',
    't_seconds_bucket{route="/a",le="0.1"} 1',
    't_seconds_bucket{route="/a",le="1"} 2',
    't_seconds_bucket{route="/a",le="+Inf"} 3',
    't_seconds_sum{route="/a"} 5.55',
    't_seconds_count{route="/a"} 3',
    '',
  ].join('\n'));
});

test('label values are escaped; pre-declared counter series show at 0', () => {
  const c = new Counter('c_total', 'test', [{ reason: 'a' }]);
  c.inc({ reason: 'say "hi"\\\n' }, 2);
  assert.match(c.render(), /^c_total\{reason="a"\} 0$/m);
  assert.match(c.render(), /^c_total\{reason="say \\"hi\\"\\\\\\n"\} 2$/m);
});
