import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UsageError } from "../tools/cli/cli";
import { promote } from "../tools/ops/promote";
import { find, projectWith, render } from "./harness";
import * as specs from "../tools/cli/commands/specs";
import { runInProcess, runScript } from "./cli-harness";

const TOOLS_FILE = `# tools stack
config:
  # which repository
  hcap-infra:gitRef: main
  hcap-infra:devCommit: "1a2b3c4"
`;

/** The command in process, through the runCommand its script uses (the wiring of the script: one spawned test below). */
async function runPromote(projectDir: string, args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = await runInProcess(specs.promote, () => import("../tools/cli/commands/promote"), args, projectDir);
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe("promote (pure)", () => {
  it("sets only that environment's commit, keeping comments and key order", () => {
    const r = promote(TOOLS_FILE, "test", "5d6e7f8");
    expect(r.previous).toBeUndefined();
    expect(r.text).toBe(`${TOOLS_FILE}  hcap-infra:testCommit: "5d6e7f8"\n`);
  });

  it("moves an existing commit in place", () => {
    const r = promote(TOOLS_FILE, "dev", "99aa99b");
    expect(r.previous).toBe("1a2b3c4");
    expect(r.text).toBe(TOOLS_FILE.replace('"1a2b3c4"', '"99aa99b"'));
  });

  it("records a full SHA as the seven-character tag CI writes, the only image tag there is", () => {
    const r = promote("config: {}\n", "test", "5d6e7f8a9b0c1d2e3f405162738495a6b7c8d9e0");
    expect(r.commit).toBe("5d6e7f8");
    expect(parse(r.text).config).toEqual({ "hcap-infra:testCommit": "5d6e7f8" });
  });

  it("writes an all-digit SHA as a string, so it reads back unchanged", () => {
    const r = promote("config: {}\n", "test", "0123456");
    expect(parse(r.text)).toEqual({ config: { "hcap-infra:testCommit": "0123456" } });
  });

  it.each([
    ["staging", "1a2b3c4", 'unknown environment "staging": must be one of dev, test, prod'],
    ["tools", "1a2b3c4", 'unknown environment "tools": must be one of dev, test, prod'],
    ["dev", "1A2B3C4", '"1A2B3C4" is not a commit: a commit SHA is 7 to 40 lower-case hex digits'],
    ["dev", "abc12", '"abc12" is not a commit'],
    ["dev", "", '"" is not a commit'],
    ["dev", "a".repeat(41), "is not a commit"],
    ["dev", "main", '"main" is not a commit'],
  ])("rejects %s %s with a clear message", (env, sha, message) => {
    expect(() => promote(TOOLS_FILE, env, sha)).toThrow(UsageError);
    expect(() => promote(TOOLS_FILE, env, sha)).toThrow(message);
  });
});

describe("prod takes only the commit test runs", () => {
  const tested = 'config:\n  hcap-infra:testCommit: "5d6e7f8"\n';

  it("promotes prod to the commit test runs", () => {
    const r = promote(tested, "prod", "5d6e7f8");
    expect(parse(r.text).config["hcap-infra:prodCommit"]).toBe("5d6e7f8");
    expect(r.override).toBeUndefined();
  });

  it.each([
    ["another commit", tested, "hcap-infra:testCommit is 5d6e7f8, not 99aa99b"],
    ["test not promoted yet", "config: {}\n", "hcap-infra:testCommit is not set, not 99aa99b"],
  ])("refuses %s, naming the override", (_case, text, message) => {
    expect(() => promote(text, "prod", "99aa99b")).toThrow(UsageError);
    expect(() => promote(text, "prod", "99aa99b")).toThrow(message);
    expect(() => promote(text, "prod", "99aa99b")).toThrow('--override "<reason>"');
  });

  it("an override with a reason promotes and carries the reason; an empty reason is refused", () => {
    const r = promote(tested, "prod", "99aa99b", { override: "hotfix for the login outage" });
    expect(parse(r.text).config["hcap-infra:prodCommit"]).toBe("99aa99b");
    expect(r.override).toBe("hotfix for the login outage");
    expect(() => promote(tested, "prod", "99aa99b", { override: "  " })).toThrow("--override needs a reason");
  });
});

describe("npm run promote", () => {
  it("records the promotion and prints the commands that apply it (the real script)", () => {
    const dir = projectWith("tools", {});
    const r = runScript("promote", ["test", "5d6e7f8"], { projectDir: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("hcap-infra:testCommit: (none) -> 5d6e7f8 in Pulumi.tools.yaml");
    expect(r.stdout).toContain("pulumi preview -s tools --diff");
    expect(r.stdout).toContain("pulumi up -s tools");
    // Only the promoted environment's line moves.
    expect(parse(fs.readFileSync(path.join(dir, "Pulumi.tools.yaml"), "utf8")).config).toEqual({
      "hcap-infra:devCommit": "",
      "hcap-infra:testCommit": "5d6e7f8",
      "hcap-infra:prodCommit": "",
    });
  });

  it.each([
    [["dev", "not-a-sha"], '"not-a-sha" is not a commit'],
    [["qa", "5d6e7f8"], 'promote: unknown env "qa": one of dev, test, prod'],
    [["dev"], "promote: missing argument <commit-sha>\nusage: npm run promote -- <dev|test|prod> <commit-sha>"],
    [["prod", "5d6e7f8"], "prod can only be promoted to the commit test runs"],
    [["prod", "5d6e7f8", "--force"], "promote: unknown option --force"],
  ])("%j: exits 2, message on stderr, nothing on stdout, nothing written", async (args, message) => {
    const dir = projectWith("tools", {});
    const before = fs.readFileSync(path.join(dir, "Pulumi.tools.yaml"), "utf8");
    const r = await runPromote(dir, args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
    expect(fs.readFileSync(path.join(dir, "Pulumi.tools.yaml"), "utf8")).toBe(before);
  });

  it("an override is printed for the record", async () => {
    const dir = projectWith("tools", {});
    const r = await runPromote(dir, ["prod", "5d6e7f8", "--override", "hotfix INC-1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("OVERRIDE: prod promoted to a commit test does not run. Reason: hotfix INC-1");
  });

  it("a promoted file renders the moved tags, server and client", async () => {
    const dir = projectWith("tools", {});
    expect((await runPromote(dir, ["test", "0123456"])).status).toBe(0);
    expect((await runPromote(dir, ["prod", "0123456"])).status).toBe(0);
    const { objects } = await render("tools", { projectDir: dir });
    for (const stream of ["hcap-server", "hcap-client"]) {
      expect((find(objects, "ImageStreamTag", `${stream}:prod`).tag as { from: unknown }).from).toEqual({
        kind: "ImageStreamTag",
        name: `${stream}:0123456`,
      });
    }
  });
});
