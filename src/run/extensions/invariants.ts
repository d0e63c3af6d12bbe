// Invariants as a run extension: the shipped and declared checks (the flag's,
// the profile's, the experiment's) read before the load and again after
// recovery; a broken one fails the run with its reason.
import { invariantProblems, judgeInvariants, prepareInvariants, type PreparedInvariants } from '../../invariants/in-run.ts';
import { invariantLines } from '../../invariants/render.ts';
import type { RunExtension } from '../extension.ts';

export const invariantsExtension: RunExtension = {
  name: 'invariants',
  async open(host) {
    const o = host.request;
    let prepared: PreparedInvariants | null = null;
    return {
      async beforeLoad(profile) {
        prepared = await prepareInvariants(
          [...(o.invariants ?? []), ...(profile.invariants ?? []), ...(host.shared.experiment?.invariants ?? [])],
          { ...o.pipeline.processEnv, ...profile.env }, host.shared.gates?.client ?? null, { scenarioFile: profile.scenarioFile },
        );
        if (prepared) host.ui.info(`invariants read before the load: ${prepared.checks.map((c) => `${c.spec.name}${c.skipped ? ' (skipped)' : ''}`).join('; ')}`);
      },
      async finish({ report, runDir }) {
        if (!prepared) return undefined;
        const invariants = await judgeInvariants(prepared, report.results, runDir);
        for (const line of invariantLines(invariants)) host.ui.result(line);
        return { say: { kind: 'problems', problems: invariantProblems(invariants) }, doc: { invariants }, blocks: { invariants } };
      },
    };
  },
};
