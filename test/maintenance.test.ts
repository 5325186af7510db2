/**
 * Restore maintenance is visible on the cluster (a marker ConfigMap the stack declares while in
 * maintenance) and the pipelines refuse to end it: `npm run maintenance-gate` stops an apply whose
 * config has no maintenance over a namespace that has the marker, whoever set the switch.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { stackNames } from "../components/names";
import { liveMaintenance, maintenanceGate } from "../tools/ops/maintenance-gate";
import { PROJECT_DIR } from "../tools/cli/project";
import { restorePlan } from "../tools/ops/restore-plan";
import { find, ofKind, projectWith, render } from "./harness";
import * as specs from "../tools/cli/commands/specs";
import { onlyProgress, runInProcess, runScript } from "./cli-harness";

const MARKER_LIST = JSON.stringify({
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "hcap-maintenance", labels: { "hcap-infra/maintenance": "restore" } },
      data: { mode: "restore" },
    },
  ],
});
const EMPTY_LIST = JSON.stringify({ apiVersion: "v1", kind: "List", items: [] });

describe("the marker", () => {
  it("prod under maintenance: restore declares ConfigMap hcap-maintenance, labelled for the gate", async () => {
    const { objects } = await render("prod", { projectDir: projectWith("prod", { "hcap-infra:maintenance": "restore" }) });
    const marker = find(objects, "ConfigMap", "hcap-maintenance");
    expect((marker.metadata.labels as Record<string, string>)["hcap-infra/maintenance"]).toBe("restore");
    expect((marker.data as Record<string, string>).mode).toBe("restore");
  });

  it("no marker without maintenance", async () => {
    const { objects } = await render("prod");
    expect(ofKind(objects, "ConfigMap").map((o) => o.metadata.name)).not.toContain("hcap-maintenance");
  });
});

describe("maintenanceGate", () => {
  const base = { stack: "prod", namespace: "f047a2-prod", markerName: "hcap-maintenance" } as const;

  it("refuses to apply a config without maintenance over a namespace in maintenance, saying what it would undo", () => {
    const d = maintenanceGate({ ...base, live: "restore", declared: "none" });
    expect(d.proceed).toBe(false);
    expect(d.message).toContain("f047a2-prod is in restore maintenance (ConfigMap hcap-maintenance)");
    expect(d.message).toContain("scale the server back up, resume the backups, grow Patroni and stop the restore pod");
    expect(d.message).toContain("pulumi config rm hcap-infra:maintenance -s prod && pulumi up -s prod");
  });

  it("lets a run that keeps maintenance, starts it, or has none proceed", () => {
    expect(maintenanceGate({ ...base, live: "restore", declared: "restore" }).proceed).toBe(true);
    expect(maintenanceGate({ ...base, live: null, declared: "restore" }).proceed).toBe(true);
    expect(maintenanceGate({ ...base, live: null, declared: "none" }).proceed).toBe(true);
  });

  it("reads the live marker from oc's List output; empty output is no marker; garbage fails closed", () => {
    expect(liveMaintenance(MARKER_LIST, "live.json")).toBe("restore");
    expect(liveMaintenance(EMPTY_LIST, "live.json")).toBeNull();
    expect(liveMaintenance("", "live.json")).toBeNull();
    expect(() => liveMaintenance("error: the server doesn't have a resource type", "live.json")).toThrow(
      /cannot tell whether the environment is in maintenance/,
    );
  });
});

describe("npm run maintenance-gate", () => {
  const liveFile = (live: string) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hcap-gate-")), "live.json");
    fs.writeFileSync(file, live);
    return file;
  };

  it("exits 4 with the reason when prod has the marker and main declares no maintenance (the real script)", () => {
    // From another working folder: the command finds the project itself.
    const r = runScript("maintenance-gate", ["prod", "--live", liveFile(MARKER_LIST)], { cwd: os.tmpdir() });
    expect(r.status).toBe(4);
    expect(r.stdout).toContain("f047a2-prod is in restore maintenance");
  });

  it("exits 0 when there is no marker", async () => {
    const r = await runInProcess(specs.maintenanceGate, () => import("../tools/cli/commands/maintenance-gate"), [
      "prod",
      "--live",
      liveFile(EMPTY_LIST),
    ]);
    // Only the progress line ("rendering prod…"), no error.
    expect(onlyProgress(r.stderr), r.stderr).toBe(true);
    expect(r.code).toBe(0);
  });
});

describe("the pipelines run the gate before they act", () => {
  interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly id?: string;
    readonly if?: string;
  }
  const jobSteps = (file: string, job: string): Step[] =>
    (parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", file), "utf8")) as { jobs: Record<string, { steps: Step[] }> })
      .jobs[job].steps;
  const gateIndex = (steps: Step[]) => steps.findIndex((s) => /npm run --silent maintenance-gate -- "\$STACK" --live/.test(s.run ?? ""));
  const pulumiIndex = (steps: Step[]) => steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") ?? false);

  it.each([
    ["deploy.yml", "environments"],
    ["drift.yml", "drift"],
  ])("%s job %s: gate first, then pulumi only if it passed", (file, job) => {
    const steps = jobSteps(file, job);
    expect(gateIndex(steps)).toBeGreaterThanOrEqual(0);
    expect(gateIndex(steps)).toBeLessThan(pulumiIndex(steps));
    expect(steps[pulumiIndex(steps)].if ?? "").toContain("steps.maintenance.outputs.proceed == 'true'");
  });
});

describe("the restore plan says how the switch reaches the pipelines", () => {
  it("step 2 shows the marker and what it does; leaving maintenance removes it", () => {
    const steps = restorePlan({
      stack: "prod",
      namespace: "f047a2-prod",
      project: "hcap-infra",
      names: stackNames("hcap"),
      databaseSpec: "postgres=hcap-patroni:5432/hcap",
      timestamp: "202601010000",
    });
    const enter = steps.find((s) => s.commands.includes("pulumi config set hcap-infra:maintenance restore -s prod"));
    expect(enter?.commands).toContain("oc -n f047a2-prod get configmap hcap-maintenance");
    expect(enter?.check).toContain("deploy.yml and drift.yml refuse to touch prod");
    const leave = steps.find((s) => s.commands.includes("pulumi config rm hcap-infra:maintenance -s prod"));
    expect(leave?.title).toContain("hcap-maintenance removed");
  });
});
