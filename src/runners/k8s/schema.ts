// The k6-operator's TestRun (k6.io/v1alpha1) and a ConfigMap, as zod schemas
// written from the operator's API documentation (api/v1alpha1/testrun_types.go:
// TestRunSpec, K6Script, K6Configmap, Pod; kubebuilder markers for enums and
// string-typed booleans). Only the fields loadctl writes are modelled, and
// strictly, so a typo or a field of the wrong type fails here, before a
// cluster would reject it. No cluster runs in this project: this schema is
// what the manifests are tested against.
import { z } from 'zod';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a DNS-1123 label (lower case, digits, -)' }).max(63);
const metadata = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel.optional(),
  labels: z.record(z.string(), z.string().max(63)).optional(),
});
const envVar = z.strictObject({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), value: z.string() });
const boolString = z.enum(['true', 'false']);

export const podSchema = z.strictObject({
  image: z.string().min(1).optional(),
  env: z.array(envVar).optional(),
  resources: z.strictObject({
    requests: z.strictObject({ memory: z.string().regex(/^\d+(Ki|Mi|Gi)$/), cpu: z.string().optional() }).optional(),
    limits: z.strictObject({ memory: z.string().regex(/^\d+(Ki|Mi|Gi)$/), cpu: z.string().optional() }).optional(),
  }).optional(),
  metadata: z.strictObject({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() }).optional(),
});

export const testRunSchema = z.strictObject({
  apiVersion: z.literal('k6.io/v1alpha1'),
  kind: z.literal('TestRun'),
  metadata,
  spec: z.strictObject({
    parallelism: z.number().int().min(1),
    // Exactly one script source; loadctl uses the ConfigMap.
    script: z.strictObject({ configMap: z.strictObject({ name: dnsLabel, file: z.string().regex(/^[^/]+\.(js|tar)$/, { error: 'a file name (no path) ending .js or .tar' }) }) }),
    separate: z.boolean().optional(),
    arguments: z.string().optional(),
    runner: podSchema.optional(),
    starter: podSchema.optional(),
    quiet: boolString.optional(),
    paused: boolString.optional(),
    cleanup: z.literal('post').optional(),
  }),
});

export const configMapSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata,
  data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/), z.string()),
});

export type TestRun = z.infer<typeof testRunSchema>;
export type ConfigMap = z.infer<typeof configMapSchema>;

/** Every problem, one line each ("spec.parallelism: ..."), or none. */
export function validateManifest(schema: z.ZodType, value: unknown, label: string): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${label}: ${i.path.join('.') || '(top)'}: ${i.message}`);
}
