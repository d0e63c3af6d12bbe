// Prometheus gates as a run extension: checked to answer before the load
// (with the profile's and the experiment's own gates), judged per phase after
// it, each failed gate a reason in the verdict and a row in every output.
import { UsageError } from '../../errors.ts';
import { gateProblems, judgeRunGates, prepareGates } from '../../prometheus/in-run.ts';
import { gateLines } from '../../prometheus/render.ts';
import { liveGatesInfo } from '../../live-run/live-gates.ts';
import type { RunExtension } from '../extension.ts';

export const prometheusGatesExtension: RunExtension = {
  name: 'prometheus-gates',
  async open(host) {
    const o = host.request;
    return {
      async beforeLoad(profile) {
        const gates = await prepareGates({
          flag: o.prometheus, env: o.pipeline.processEnv.LOADCTL_PROMETHEUS, profile: profile.prometheus, experiment: host.shared.experiment?.prometheus,
          ...(o.prometheusAbort ? { abortAll: true } : {}),
        });
        if (!gates && o.prometheusAbort) {
          throw new UsageError('--prometheus-abort judges gates live, but no Prometheus was given', { hint: 'add --prometheus URL (or LOADCTL_PROMETHEUS, or prometheus.url in the profile), or drop --prometheus-abort' });
        }
        if (gates) host.ui.info(`Prometheus ${gates.client.url} answered; ${gates.settings.gates.length} gate(s) to judge after the load${liveGatesInfo(gates)}`);
        host.shared.gates = gates;
      },
      async finish({ timeline, report, runDir }) {
        const gates = host.shared.gates;
        if (!gates) return undefined;
        const liveGates = host.shared.liveGates;
        const live = liveGates ? { ...liveGates.doc, reason: liveGates.reason } : undefined;
        const prometheus = await judgeRunGates(gates, { timeline, report, phases: host.shared.phases ?? null, runDir, ...(live ? { live } : {}) });
        for (const line of gateLines(prometheus)) host.ui.result(line);
        return { say: { kind: 'problems', problems: gateProblems(prometheus) }, doc: { prometheus }, blocks: { prometheus } };
      },
    };
  },
};
