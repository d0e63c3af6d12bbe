// BENCH-ONLY stand-in for k6's remote-write output at a given request rate:
// real k6 cannot be made to hold a chosen 25k req/s for an hour inside a
// bench on two cores, and only loadctl's decoding is timed here (real k6's
// pushes end to end: bench/k6-real.bench.ts). Every second, one push of
// every series k6 would send for a ticketing test (6 endpoints x 2 statuses,
// all 7 http_req_* trends as native histograms, counters, rates and the
// iteration/data/vus series), with cumulative values growing at the rate. Shapes follow the real captures in
// test/fixtures/remote-write.
import { encodeBody, type EncLabel, type EncSeries } from '../test/unit/live/helpers/remote-write-encoder.ts';

const ENDPOINTS = [
  { name: 'search', scenario: 'browse', method: 'GET', share: 0.35, center: -60 },
  { name: 'event', scenario: 'browse', method: 'GET', share: 0.2, center: -58 },
  { name: 'login', scenario: 'book', method: 'POST', share: 0.15, center: -88 },
  { name: 'book', scenario: 'book', method: 'POST', share: 0.15, center: -44 },
  { name: 'my-bookings', scenario: 'account', method: 'GET', share: 0.1, center: -55 },
  { name: 'cancel', scenario: 'account', method: 'DELETE', share: 0.05, center: -50 },
];
const TRENDS = ['duration', 'blocked', 'connecting', 'tls_handshaking', 'sending', 'waiting', 'receiving'];
const SPREAD = 12; // buckets either side of the centre that get counts
const WEIGHTS = Array.from({ length: 2 * SPREAD + 1 }, (_, i) => Math.exp(-(((i - SPREAD) / 4) ** 2)));
const WEIGHT_SUM = WEIGHTS.reduce((a, b) => a + b, 0);

interface Cumulative {
  labels: EncLabel[];
  kind: 'counter' | 'gauge' | 'histogram';
  value: number;
  share: number;
  center: number;
  sum: number;
  buckets: Map<number, number>;
}

export class FeedSimulator {
  private readonly series: Cumulative[] = [];
  private now: number;

  /** `startMs`: the first push's time (a fixed past moment by default; a Prometheus wants recent ones). */
  constructor(private readonly rate: number, startMs = 1795768800 * 1000) {
    this.now = startMs;
    for (const e of ENDPOINTS) {
      for (const status of ['200', e.name === 'book' ? '409' : '503']) {
        const share = e.share * (status === '200' ? 0.97 : 0.03);
        const base = (metric: string): EncLabel[] => [
          { name: '__name__', value: metric },
          { name: 'expected_response', value: String(status !== '503') },
          { name: 'group', value: '' },
          { name: 'k6_feature_native_histograms', value: 'true' },
          { name: 'method', value: e.method },
          { name: 'name', value: e.name },
          { name: 'proto', value: 'HTTP/1.1' },
          { name: 'scenario', value: e.scenario },
          { name: 'status', value: status },
          { name: 'url', value: `http://127.0.0.1:8080/api/${e.name}` },
        ];
        this.add(base('k6_http_reqs_total'), 'counter', share, 0);
        this.add(base('k6_http_req_failed_rate'), 'gauge', share, 0);
        for (const [i, t] of TRENDS.entries()) this.add(base(`k6_http_req_${t}_seconds`), 'histogram', share, e.center - i * 6);
      }
    }
    for (const sc of ['browse', 'book', 'account']) {
      const labels = (metric: string): EncLabel[] => [{ name: '__name__', value: metric }, { name: 'scenario', value: sc }];
      this.add(labels('k6_iterations_total'), 'counter', 1 / 3, 0);
      this.add(labels('k6_data_sent_bytes'), 'counter', 300 / 3, 0);
      this.add(labels('k6_data_received_bytes'), 'counter', 400 / 3, 0);
      this.add(labels('k6_checks_rate'), 'gauge', 0, 0);
      this.add(labels('k6_iteration_duration_seconds'), 'histogram', 1 / 3, -40);
    }
    this.add([{ name: '__name__', value: 'k6_vus' }], 'gauge', 0, 0);
  }

  get seriesCount(): number {
    return this.series.length;
  }

  private add(labels: EncLabel[], kind: Cumulative['kind'], share: number, center: number): void {
    this.series.push({ labels, kind, value: 0, share, center, sum: 0, buckets: new Map() });
  }

  /** The next second's push body, as k6 would POST it. */
  nextPush(): Buffer {
    this.now += 1000;
    const out: EncSeries[] = [];
    for (const s of this.series) {
      const n = Math.round(this.rate * s.share);
      const timestamp = this.now - 3;
      if (s.kind === 'counter') {
        s.value += n;
        out.push({ labels: s.labels, samples: [{ value: s.value, timestamp }] });
      } else if (s.kind === 'gauge') {
        out.push({ labels: s.labels, samples: [{ value: s.labels[2]?.value === 'false' ? 1 : 0, timestamp }] });
      } else {
        s.value += n;
        for (let i = 0; i < WEIGHTS.length; i++) {
          const c = Math.round((n * WEIGHTS[i]!) / WEIGHT_SUM);
          if (c === 0) continue;
          const idx = s.center - SPREAD + i;
          s.buckets.set(idx, (s.buckets.get(idx) ?? 0) + c);
        }
        const count = [...s.buckets.values()].reduce((a, b) => a + b, 0);
        s.sum += n * 2 ** (s.center / 8);
        out.push({ labels: s.labels, histograms: [{ count, sum: s.sum, schema: 3, zeroCount: 0, buckets: s.buckets, timestamp }] });
      }
    }
    return encodeBody(out);
  }
}
