/**
 * Field validators shared by every config key. Pulumi hands a program its config as strings
 * (`"3"`, `"true"`, `"500m"`), so each validator accepts the string form and yields a typed value.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import {
  INT32_MAX,
  appNameProblem,
  cpuProblem,
  credentialProblem,
  imageReferenceProblem,
  imageTagProblem,
  memoryProblem,
  routeHostProblem,
  storageProblem,
  timeZoneProblem,
} from "./limits";
import { canonicalCpu, foldedBinary, isCanonicalCpu, isCanonicalMemory } from "./quantity";

/** A zod refinement from a shared predicate of config/limits.ts (undefined: accepted). */
function check<T>(problem: (v: T) => string | undefined) {
  return (v: T, ctx: z.RefinementCtx): void => {
    const reason = problem(v);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  };
}

/**
 * A whole number written as a string or number, with a lower bound and an upper one (by default the
 * int32 maximum, the width of every count in the Kubernetes API).
 */
export function wholeNumber(min: number, max: number = INT32_MAX, why = "the largest 32-bit integer, the width of Kubernetes counts") {
  return z.preprocess(
    (v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z
      .number({ error: "must be a whole number" })
      .int({ error: "must be a whole number" })
      .min(min, { error: (iss) => `must be ${min} or more (got ${String(iss.input)})` })
      .max(max, { error: (iss) => `must be at most ${max}, ${why} (got ${String(iss.input)})` }),
  );
}

/** `true`/`false`, as Pulumi stores booleans. */
export const flag = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }));

/** A non-empty string without surrounding white space. */
export const text = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .refine((s) => s.trim() === s, { error: "must not start or end with white space" });

/** A DNS-1123 name: what Kubernetes accepts for object names and the licence plate. */
export const dnsLabel = text.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
  error: "must be lower-case letters, digits and '-' (a DNS-1123 label)",
});

/** `appName`: a DNS-1035 label short enough for every name derived from it (config/limits.ts). */
export const appName = text.superRefine(check(appNameProblem));

/** A route host name, as the OpenShift router admits it. */
export const hostName = text.superRefine(check(routeHostProblem));

/**
 * An https URL without credentials: plain values are printed by render and diff, so a user name or
 * token in the URL would reach logs and PR comments. The message never repeats the value.
 */
export const httpsUrl = z.string({ error: "must be a string" }).superRefine((s, ctx) => {
  if (credentialProblem(s) !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: "must not carry credentials (user:token@): use a public URL, or a source secret on the BuildConfig",
    });
  } else if (!/^https:\/\/[^\s/$.?#@][^\s@]*$/.test(s)) {
    ctx.addIssue({ code: "custom", message: "must be an https:// URL" });
  }
});

/** A file path (never file contents: a kubeconfig's contents carry a token in clear text). */
export const filePath = text.superRefine((s, ctx) => {
  if (credentialProblem(s) !== undefined || s.includes("\n")) {
    ctx.addIssue({
      code: "custom",
      message: "must be a path to a kubeconfig file, not its contents (contents hold credentials: keep them out of the stack file)",
    });
  }
});

/** An image tag (distribution/reference grammar). */
export const imageTag = text.superRefine(check(imageTagProblem));

/** An image reference (distribution/reference grammar). */
export const imageReference = text.superRefine(check(imageReferenceProblem));

/** A git branch, tag or commit as `git check-ref-format --branch` accepts it. */
export const gitRef = text.refine((s) => /^[A-Za-z0-9._/-]+$/.test(s) && !/(^|\/)\.|\.\.|\/\/|^\/|\/$|\.lock(\/|$)|\.$|^-/.test(s), {
  error: "must be a git branch, tag or commit (letters, digits, '.', '_', '-' and '/', no '..', no leading '-' or '.')",
});

/**
 * A CPU quantity in the form the API server stores (`250m`, `1`, `2`). OpenShift kinds are sent to
 * the cluster as custom resources, which Pulumi does not normalise: `0.5` would come back as `500m`
 * and show as drift on every refresh. So only the canonical form is accepted.
 */
export const cpu = z.string({ error: "must be a CPU quantity such as 250m or 1" }).superRefine(
  canonicalQuantity(
    isCanonicalCpu,
    canonicalCpu,
    (q) => cpuProblem(q, "limit"),
    (s) => `must be a CPU quantity such as 250m or 1 (got ${JSON.stringify(s)})`,
  ),
);

/**
 * The refinement every quantity key shares: the canonical form passes on to its bounds; another
 * spelling of a valid quantity is refused naming the canonical one; anything else gets `invalid`.
 */
function canonicalQuantity(
  isCanonical: (s: string) => boolean,
  canonical: (s: string) => string | undefined,
  bounds: (q: string) => string | undefined,
  invalid: (s: string) => string,
) {
  return (s: string, ctx: z.RefinementCtx): void => {
    if (isCanonical(s)) {
      check(bounds)(s, ctx);
      return;
    }
    const hint = canonical(s);
    ctx.addIssue({ code: "custom", message: hint ? `must be written as the API server stores it: ${hint}, not ${s}` : invalid(s) });
  };
}

/**
 * A memory/storage quantity in canonical form (`512Mi`, `1Gi`, `256M`), with its unit: a bare number
 * is bytes to Kubernetes (`512` is 512 bytes, not 512Mi). See {@link cpu}.
 */
function quantity(bounds: (q: string) => string | undefined) {
  return z
    .string({ error: "must be a quantity such as 512Mi or 1Gi" })
    .superRefine(
      canonicalQuantity(isCanonicalMemory, foldedBinary, bounds, (s) =>
        /^\d+$/.test(s)
          ? `must have a unit such as Mi or Gi (${s} without one means ${s} bytes)`
          : `must be a quantity such as 512Mi or 1Gi (got ${JSON.stringify(s)})`,
      ),
    );
}

/** Memory of one container: at least 1Mi, at most what the largest namespace holds. */
export const memory = quantity((q) => memoryProblem(q, "limit"));

/** A volume size: 20Mi to 512Gi on BC Gov storage. */
export const storage = quantity(storageProblem);

/**
 * A five-field cron schedule as Kubernetes CronJobs read it. `CRON_TZ=`/`TZ=` prefixes are refused
 * (the platform's Kyverno policy rejects them; the time zone goes in its own key), and so is a
 * schedule that fires more often than `minMinutes` apart.
 */
export function cronSchedule(minMinutes: number) {
  return text.superRefine((s, ctx) => {
    if (/^(CRON_)?TZ=/.test(s)) {
      ctx.addIssue({ code: "custom", message: "must not carry a CRON_TZ=/TZ= prefix: set the time zone key instead" });
      return;
    }
    const fields = s.split(/\s+/);
    if (fields.length !== 5) {
      ctx.addIssue({ code: "custom", message: `must be a five-field cron schedule (got ${JSON.stringify(s)})` });
      return;
    }
    const problem = cronFrequencyProblem(s, minMinutes);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  });
}

/**
 * Results of {@link cronFrequencyProblem}, per schedule and minimum: one process often validates the
 * same schedules for several stacks (npm start, check, diff), and each walk costs milliseconds of
 * luxon date arithmetic.
 */
const cronFrequencyProblems = new Map<string, string | undefined>();

/** Why `s` is not a cron schedule at least `minMinutes` apart over its first 48 gaps, or undefined. */
function cronFrequencyProblem(s: string, minMinutes: number): string | undefined {
  const memo = `${minMinutes} ${s}`;
  if (cronFrequencyProblems.has(memo)) return cronFrequencyProblems.get(memo);
  let problem: string | undefined;
  try {
    const it = CronExpressionParser.parse(s, { currentDate: new Date("2026-01-01T00:00:00Z"), tz: "UTC" });
    let prev = it.next().getTime();
    for (let i = 0; i < 48 && problem === undefined; i++) {
      const next = it.next().getTime();
      if (next - prev < minMinutes * 60_000)
        problem = `must not run more often than every ${minMinutes} minutes (got ${JSON.stringify(s)})`;
      prev = next;
    }
  } catch (e) {
    problem = `is not a valid cron schedule: ${(e as Error).message}`;
  }
  cronFrequencyProblems.set(memo, problem);
  return problem;
}

/** An IANA time zone name, spelled as `CronJob.spec.timeZone` needs it (config/limits.ts). */
export const timeZone = text.superRefine(check(timeZoneProblem));

/** Length of the short SHA CI tags each built image with (`deploy.yml`): the only commit tag there is. */
export const IMAGE_TAG_SHA_LENGTH = 7;

/** A git commit as a person types it: 7 to 40 lower-case hex digits. */
export const GIT_SHA = /^[0-9a-f]{7,40}$/;

/** The commit an environment runs, as the image tag CI wrote (e.g. `2a5b7fa`); empty: not promoted yet. */
export const commitSha = z.string({ error: "must be a git commit SHA" }).regex(new RegExp(`^(|[0-9a-f]{${IMAGE_TAG_SHA_LENGTH}})$`), {
  error: `must be the ${IMAGE_TAG_SHA_LENGTH}-character short SHA CI tags images with (e.g. 2a5b7fa), or empty`,
});

/** A release tag such as `2.13.0`: a branch name or `latest` would change what runs without a config change. */
export const releaseTag = text.regex(/^\d+\.\d+\.\d+$/, {
  error: "must be a release tag such as 2.13.0 (never latest or a branch)",
});

/** An image reference with an explicit tag other than `latest` (or a digest). */
export const pinnedImage = imageReference.refine(
  (s) => /^[^\s@]+@sha256:[0-9a-f]{64}$/.test(s) || (/^[^\s@]+\/[^\s@/]+:[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s) && !s.endsWith(":latest")),
  { error: "must be an image reference with a pinned tag or digest, e.g. registry/ns/image:1-170 (not latest)" },
);
