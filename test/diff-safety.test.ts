/**
 * `npm run diff` flags, in its Safety section, the changes that replace everything or delete data
 * although few or no object fields show them: a new provider identity (licence plate, kubeContext,
 * kubeconfig), a lowered backup retention, a rotated secret, and changes `pulumi up` ignores.
 * Each case renders the real program twice (base, edited head) and diffs the two snapshots.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { diffSnapshots, hasChanges, toMarkdown, type StackDiff } from "../tools/diff/plan-diff";
import { snapshotOf } from "../tools/evaluate/snapshot";
import { editStackFile, projectWith, render } from "./harness";

const KEY = randomBytes(32);

async function diffOf(
  stack: string,
  edit: Record<string, unknown>,
  options: { base?: Record<string, unknown>; secrets?: Record<string, string> } = {},
): Promise<StackDiff> {
  const base = snapshotOf((await render(stack, { projectDir: projectWith(stack, options.base ?? {}), secrets: options.secrets })).ev, KEY);
  const head = snapshotOf(
    (await render(stack, { projectDir: projectWith(stack, { ...options.base, ...edit }), secrets: options.secrets })).ev,
    KEY,
  );
  return diffSnapshots(base, head);
}

function report(d: StackDiff): string {
  return toMarkdown(d, { stack: "s", namespace: "n", base: "base", head: "head" });
}

const safetyText = (d: StackDiff): string => d.safety.map((s) => `${s.resource}: ${s.message}`).join("\n");

describe("a new provider identity is a safety change", () => {
  it("prod licencePlate change: every resource replaced, the protected ones named", async () => {
    // Config refuses a plate that differs between stacks, so the move is made in every stack file.
    const plate = { "hcap-infra:licencePlate": "abc123" };
    const dir = projectWith("prod", plate);
    for (const other of ["dev", "test", "tools"]) editStackFile(dir, other, plate);
    const base = snapshotOf((await render("prod")).ev, KEY);
    const d = diffSnapshots(base, snapshotOf((await render("prod", { projectDir: dir })).ev, KEY));
    const text = safetyText(d);
    expect(text).toMatch(
      /the stack's provider gets a new identity \(its name changes \(`f047a2-prod` → `abc123-prod`\)\): Pulumi treats all \d+ Kubernetes resources as replaced/,
    );
    expect(text).toContain("StatefulSet/hcap-patroni");
    expect(text).toContain("Secret/hcap-patroni");
    expect(report(d)).toContain("#### Safety (plan)");
  });

  it.each([
    ["kubeContext", "some-other-cluster-context"],
    ["kubeconfig", "/home/ops/.kube/other-cluster"],
  ])("%s set in prod: not 'No changes', and the value is never printed", async (key, value) => {
    const d = await diffOf("prod", { [`hcap-infra:${key}`]: value });
    expect(hasChanges(d)).toBe(true);
    expect(safetyText(d)).toContain(`\`${key}\` changes`);
    expect(report(d)).not.toContain("No changes");
    expect(report(d)).not.toContain(value);
  });
});

describe("a lowered backup retention is a safety change", () => {
  it("prod 7/4/3 → 1/0/0 names each lowered count", async () => {
    const d = await diffOf("prod", {
      "hcap-infra:backupDailyCount": 1,
      "hcap-infra:backupWeeklyCount": 0,
      "hcap-infra:backupMonthlyCount": 0,
    });
    expect(safetyText(d)).toContain(
      "backup retention: lowered (daily 7 → 1, weekly 4 → 0, monthly 3 → 0): the next backup run deletes the backups",
    );
  });

  it("a raised retention is not flagged", async () => {
    const d = await diffOf("prod", { "hcap-infra:backupDailyCount": 14 });
    expect(safetyText(d)).not.toContain("backup retention");
  });
});

describe("secrets", () => {
  it("a rotated `secure:` value (new ciphertext) is reported, not 'No changes'", async () => {
    const base = { "hcap-infra:keycloakApiSecret": { secure: "v1:AAAAold-ciphertext" } };
    const d = await diffOf("prod", { "hcap-infra:keycloakApiSecret": { secure: "v1:BBBBnew-ciphertext" } }, { base });
    expect(hasChanges(d)).toBe(true);
    expect(safetyText(d)).toMatch(
      /Secret\/f047a2-prod\/hcap-keycloak: secret value changed \(`stringData\.api-secret`\): `pulumi up` writes the new value/,
    );
    expect(report(d)).not.toContain("ciphertext");
  });

  it("the same ciphertext is no change", async () => {
    const base = { "hcap-infra:keycloakApiSecret": { secure: "v1:AAAAsame" } };
    const d = await diffOf("prod", {}, { base });
    expect(hasChanges(d)).toBe(false);
  });

  it("database passwords that would change are reported as ignored by pulumi up (the Secret keeps them)", async () => {
    const live = { patroniSuperuserPassword: "a", patroniReplicationPassword: "b", patroniAppPassword: "c" };
    // Adopted with supplied passwords, then adopt and the passwords removed (generated again).
    const adopted = { "hcap-infra:adopt": true, "hcap-infra:appWorkload": "DeploymentConfig" };
    const baseRender = await render("prod", { projectDir: projectWith("prod", adopted), secrets: live });
    const headRender = await render("prod");
    const d = diffSnapshots(snapshotOf(baseRender.ev, KEY), snapshotOf(headRender.ev, KEY));
    expect(safetyText(d)).toMatch(
      /Secret\/f047a2-prod\/hcap-patroni: secret values change to .*`stringData\.superuser-password`.* are ignored by `pulumi up` \(`ignoreChanges` stringData\): the live object keeps its values/,
    );
    expect(safetyText(d)).not.toMatch(/hcap-patroni: secret value changed/);
  });
});

describe("risky size, scale and image changes", () => {
  it("a backup volume that shrinks is refused by the API server, and the diff says so", async () => {
    const d = await diffOf("prod", { "hcap-infra:backupVolumeSize": "5Gi" });
    expect(safetyText(d)).toContain(
      "PersistentVolumeClaim/f047a2-prod/hcap-backup-data: volume shrinks (10Gi → 5Gi): the API server refuses it",
    );
  });

  it("fewer Patroni members: switch over to ordinal 0 first", async () => {
    const d = await diffOf("prod", { "hcap-infra:patroniReplicas": 1 });
    expect(safetyText(d)).toContain("StatefulSet/f047a2-prod/hcap-patroni: fewer database members (3 → 1)");
    expect(safetyText(d)).toContain("switchover --candidate hcap-patroni-0");
  });

  it("a new Postgres major version in the database image is flagged", async () => {
    const d = await diffOf("prod", { "hcap-infra:patroniImageTag": "15.4" });
    expect(safetyText(d)).toContain("database image moves to another Postgres major version (12 → 15)");
  });

  it("volume claim template changes behind patroniVolumeLock: none are shown as ignored by pulumi up", async () => {
    const d = await diffOf("prod", { "hcap-infra:patroniVolumeSize": "5Gi" }, { base: { "hcap-infra:patroniVolumeLock": "none" } });
    expect(safetyText(d)).toMatch(
      /StatefulSet\/f047a2-prod\/hcap-patroni: changes to `spec\.volumeClaimTemplates.*` are ignored by `pulumi up`/,
    );
  });

  it("an appName change in dev says the application moves to a new, empty database", async () => {
    const d = await diffOf("dev", { "hcap-infra:appName": "hcapx" });
    expect(safetyText(d)).toContain("StatefulSet/f047a2-dev/hcap-patroni: the database moves to a new, empty StatefulSet hcapx-patroni");
  });
});

describe("what a retained database needs is retained with it", () => {
  it.each(["dev", "prod"])(
    "%s: Patroni's ServiceAccount, Role, RoleBinding and Service are kept if they leave the stack",
    async (stack) => {
      const { plan } = await render(stack);
      for (const type of [
        "core/v1:ServiceAccount",
        "rbac.authorization.k8s.io/v1:Role",
        "rbac.authorization.k8s.io/v1:RoleBinding",
        "core/v1:Service",
      ]) {
        const entry = plan.find((e) => e.type === `kubernetes:${type}` && e.name === "hcap-patroni");
        expect(entry?.retainOnDelete, type).toBe(true);
      }
    },
  );
});

describe("promotions", () => {
  it("prod moved by hand to a commit test does not run is flagged", async () => {
    const d = await diffOf("tools", { "hcap-infra:prodCommit": "99aa99b" }, { base: { "hcap-infra:testCommit": "5d6e7f8" } });
    expect(safetyText(d)).toContain("hcap-infra:prodCommit: prod moves to 99aa99b, which test does not run (testCommit is 5d6e7f8)");
  });

  it("prod moved to the commit test runs is not", async () => {
    const d = await diffOf("tools", { "hcap-infra:prodCommit": "5d6e7f8" }, { base: { "hcap-infra:testCommit": "5d6e7f8" } });
    expect(safetyText(d)).not.toContain("prodCommit");
  });
});
