/**
 * The shared predicates of config/limits.ts on their own, against values the upstream validators
 * accept or refuse, and the claim that APP_NAME_MAX keeps every derived name within its kind.
 */
import { describe, expect, it } from "vitest";
import { stackNames } from "../components/names";
import {
  APP_NAME_MAX,
  imageReferenceProblem,
  imageTagProblem,
  objectNameProblem,
  routeHostProblem,
  scheduleCollision,
  timeZoneProblem,
} from "../config/limits";
import { quantityValue } from "../config/quantity";
import { runCheck } from "../tools/check/run";
import type { KubeObject } from "../tools/kube/object";
import { restorePlan } from "../tools/ops/restore-plan";
import { projectWith, render } from "./harness";

describe("appName length", () => {
  const manualJob = (appName: string): string => {
    const steps = restorePlan({
      stack: "prod",
      namespace: "f047a2-prod",
      project: "hcap-infra",
      names: stackNames(appName),
      databaseSpec: `postgres=${appName}-patroni:5432/hcap`,
      timestamp: "202601310200",
    });
    const job = steps
      .flatMap((s) => s.commands)
      .join("\n")
      .match(new RegExp(`${appName}-backup-manual-\\d{12}`));
    if (!job) throw new Error("the restore plan names no manual backup Job");
    return job[0];
  };

  it(`at ${APP_NAME_MAX} characters the restore plan's Job is exactly 63, a valid Job name; one more is not`, () => {
    expect(APP_NAME_MAX).toBe(36);
    const fits = manualJob("a".repeat(APP_NAME_MAX));
    expect(fits).toHaveLength(63);
    expect(objectNameProblem("Job", fits)).toBeUndefined();
    expect(objectNameProblem("Job", manualJob("a".repeat(APP_NAME_MAX + 1)))).toBe("is 64 characters, more than 63");
  });

  it(`a stack rendered with a ${APP_NAME_MAX}-character appName passes every name rule`, async () => {
    const appName = `h${"x".repeat(APP_NAME_MAX - 1)}`;
    const { objects } = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:appName": appName }) });
    const report = await runCheck([
      { label: "prod", namespace: "f047a2-prod", role: "prod", objects: objects as unknown as KubeObject[], report: true },
    ]);
    expect(report.findings.filter((f) => f.rule === "name-limits")).toEqual([]);
    expect(objects.some((o) => o.kind === "CronJob" && o.metadata.name === `${appName}-backup-verify`)).toBe(true);
  });
});

describe("predicates against upstream examples", () => {
  it("quantities: the apimachinery grammar", () => {
    expect(quantityValue("512")).toBe(512);
    expect(quantityValue("1.5Gi")).toBe(1.5 * 2 ** 30);
    expect(quantityValue("250m")).toBe(0.25);
    expect(quantityValue("1e3")).toBe(1000);
    expect(quantityValue("2GB")).toBeUndefined();
  });

  it("time zones: IANA names and links, exact spelling", () => {
    expect(timeZoneProblem("America/Vancouver")).toBeUndefined();
    expect(timeZoneProblem("Asia/Kolkata")).toBeUndefined();
    expect(timeZoneProblem("US/Pacific")).toBeUndefined();
    expect(timeZoneProblem("Etc/UTC")).toBeUndefined();
    expect(timeZoneProblem("UTC")).toBeUndefined();
    expect(timeZoneProblem("america/Vancouver")).toMatch(/America\/Vancouver/);
    expect(timeZoneProblem("America/Vancouver_Island")).toMatch(/must be an IANA time zone/);
  });

  it("images: distribution/reference grammar", () => {
    for (const ok of [
      "registry.access.redhat.com/rhel8/postgresql-12:1-170",
      "localhost:5000/a/b",
      "nginx",
      "a__b/c--d:v1.0_x",
      `image-registry.openshift-image-registry.svc:5000/f047a2-tools/hcap-server@sha256:${"a".repeat(64)}`,
    ])
      expect(imageReferenceProblem(ok)).toBeUndefined();
    for (const bad of ["Nginx", "a/b:", "a/b:tag with space", "a//b", "-a/b", "a/b:.tag", `a/b:${"t".repeat(129)}`])
      expect(imageReferenceProblem(bad)).toBeDefined();
    expect(imageTagProblem("12.4-latest")).toBeUndefined();
    expect(imageTagProblem("-12")).toBeDefined();
  });

  it("route hosts: library-go's DNS-1123 subdomain with labels of at most 63", () => {
    expect(routeHostProblem("hcap-f047a2-dev.apps.gold.devops.gov.bc.ca")).toBeUndefined();
    expect(routeHostProblem(`${"a".repeat(63)}.example.test`)).toBeUndefined();
    expect(routeHostProblem(`${"a".repeat(64)}.example.test`)).toMatch(/segment of 64/);
    expect(routeHostProblem("-a.example.test")).toBeDefined();
  });

  it("names per kind: Service DNS-1035, CronJob 52, StatefulSet 52", () => {
    expect(objectNameProblem("Service", "hcap-server")).toBeUndefined();
    expect(objectNameProblem("Service", "9lives")).toMatch(/DNS-1035/);
    expect(objectNameProblem("CronJob", "c".repeat(52))).toBeUndefined();
    expect(objectNameProblem("CronJob", "c".repeat(53))).toMatch(/more than 52/);
    expect(objectNameProblem("StatefulSet", "s".repeat(53))).toMatch(/controller-revision-hash/);
    expect(objectNameProblem("ConfigMap", "a.b-c")).toBeUndefined();
  });

  it("schedules: a collision within the window, none outside it, across time zones", () => {
    expect(scheduleCollision("0 2 * * *", "30 2 * * *", "America/Vancouver", 60)).toBeDefined();
    expect(scheduleCollision("0 2 * * *", "30 4 * * *", "America/Vancouver", 60)).toBeUndefined();
    // 02:00 in Vancouver is 10:00 (or 09:00 in summer) UTC: the same instant as 10:00 UTC in winter.
    expect(scheduleCollision("0 2 * * *", "0 10 * * *", "America/Vancouver", 60, "UTC")).toBeDefined();
  });
});
