// A small Prometheus text-format registry. The sandbox needs four metric
// families and a scrape endpoint; a client library would be the largest
// dependency in the project for that, so it is written here.

type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

// Series are keyed by their label text so one Map lookup finds them.
abstract class Family<S> {
  protected readonly series = new Map<string, { labels: Labels; state: S }>();
  constructor(readonly name: string, readonly help: string, readonly type: string) {}
  protected get(labels: Labels, init: () => S): S {
    const key = labelText(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, state: init() };
      this.series.set(key, entry);
    }
    return entry.state;
  }
  render(): string {
    const head = `# HELP ${this.name} ${this.help}\n# TYPE ${this.name} ${this.type}\n`;
    return head + [...this.series.values()].map((e) => this.lines(e.labels, e.state)).join('');
  }
  protected abstract lines(labels: Labels, state: S): string;
}

export class Counter extends Family<{ value: number }> {
  constructor(name: string, help: string, initial: Labels[] = [{}]) {
    super(name, help, 'counter');
    // Pre-created series make a counter visible (at 0) before its first event,
    // so dashboards and rate() see it from the first scrape.
    for (const labels of initial) this.get(labels, () => ({ value: 0 }));
  }
  inc(labels: Labels = {}, by = 1): void {
    this.get(labels, () => ({ value: 0 })).value += by;
  }
  value(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.state.value ?? 0;
  }
  protected lines(labels: Labels, s: { value: number }): string {
    return `${this.name}${labelText(labels)} ${s.value}\n`;
  }
}

export class Gauge extends Family<{ value: number }> {
  constructor(name: string, help: string) {
    super(name, help, 'gauge');
    this.get({}, () => ({ value: 0 }));
  }
  add(by: number, labels: Labels = {}): void {
    this.get(labels, () => ({ value: 0 })).value += by;
  }
  set(value: number, labels: Labels = {}): void {
    this.get(labels, () => ({ value: 0 })).value = value;
  }
  value(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.state.value ?? 0;
  }
  protected lines(labels: Labels, s: { value: number }): string {
    return `${this.name}${labelText(labels)} ${s.value}\n`;
  }
}

interface HistogramState { counts: number[]; sum: number; count: number }

export class Histogram extends Family<HistogramState> {
  constructor(name: string, help: string, readonly buckets: readonly number[]) {
    super(name, help, 'histogram');
  }
  observe(labels: Labels, value: number): void {
    const s = this.get(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Counts are stored per bucket and accumulated at render time: cheaper on
    // the hot path, which runs once per request.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }
  protected lines(labels: Labels, s: HistogramState): string {
    let out = '';
    let cumulative = 0;
    this.buckets.forEach((b, i) => {
      cumulative += s.counts[i] ?? 0;
      out += `${this.name}_bucket${labelText({ ...labels, le: String(b) })} ${cumulative}\n`;
    });
    out += `${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${s.count}\n`;
    out += `${this.name}_sum${labelText(labels)} ${s.sum}\n`;
    out += `${this.name}_count${labelText(labels)} ${s.count}\n`;
    return out;
  }
}

/** The sandbox's metric families, named as the seed's dashboards expect. */
export class SandboxMetrics {
  readonly lockFailures = new Counter(
    'booking_lock_failures_total',
    'Seat lock attempts that failed: reason="conflict" (seat held or sold) or "unavailable" (lock service down)',
    [{ reason: 'conflict' }, { reason: 'unavailable' }],
  );
  readonly queueLength = new Gauge('booking_queue_length', 'Hold requests waiting on the lock service right now');
  readonly expirations = new Counter('booking_reservation_expirations_total', 'Holds released because their TTL ran out');
  readonly bookings = new Counter('booking_bookings_total', 'Bookings by outcome', [
    { outcome: 'held' }, { outcome: 'confirmed' }, { outcome: 'cancelled' },
  ]);
  readonly http = new Histogram(
    'http_server_requests_seconds',
    'HTTP request duration in seconds by method, route and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );

  render(): string {
    return [this.lockFailures, this.queueLength, this.expirations, this.bookings, this.http].map((f) => f.render()).join('');
  }
}
