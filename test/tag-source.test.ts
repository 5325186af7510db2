/**
 * The environment-tag source check (components/openshift/tag-source-check.ts): what it asks the cluster,
 * when it asks, and what it says when the answer is no. The cluster is a fake `kubectl`: a function for
 * the logic, and shell scripts on PATH for the process the real hook runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import {
  runKubeClient,
  tagSourceCheck,
  type KubeAccess,
  type KubeClient,
  type KubeClientResult,
} from "../components/openshift/tag-source-check";

const KUBE: KubeAccess = { namespace: "f047a2-tools", context: "silver", kubeconfig: "/home/ci/.kube/config" };

/** The inputs the engine passes for `hcap-server:<env>` pointing at `hcap-server:<commit>`. */
function tagInputs(env: string, commit: string): Record<string, unknown> {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStreamTag",
    metadata: { name: `hcap-server:${env}` },
    tag: { name: env, from: { kind: "ImageStreamTag", name: `hcap-server:${commit}` }, referencePolicy: { type: "Source" } },
  };
}

function hookArgs(newInputs: Record<string, unknown>, oldInputs?: Record<string, unknown>): pulumi.ResourceHookArgs {
  return {
    urn: "urn:pulumi:tools::hcap-infra::x",
    id: "",
    name: String((newInputs.metadata as { name: string }).name),
    type: "t",
    newInputs,
    oldInputs,
  };
}

/** A fake kubectl that answers `answer` and records each call's arguments. */
function fakeClient(answer: KubeClientResult): { run: KubeClient; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: (args) => {
      calls.push([...args]);
      return Promise.resolve(answer);
    },
  };
}

const NOT_FOUND = 'Error from server (NotFound): imagestreamtags.image.openshift.io "hcap-server:1a2b3c4" not found\n';

describe("when the check asks", () => {
  it("creating a tag asks for its source in the tools namespace, with the provider's context and kubeconfig", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    const checked = await tagSourceCheck(KUBE, run)(hookArgs(tagInputs("dev", "1a2b3c4")));
    expect(checked).toEqual({ tag: "hcap-server:dev", source: "hcap-server:1a2b3c4", namespace: "f047a2-tools", image: "sha256:0f1e" });
    expect(calls).toHaveLength(1);
    const args = calls[0];
    expect(args.slice(0, 3)).toEqual(["get", "imagestreamtag", "hcap-server:1a2b3c4"]);
    expect(args.join(" ")).toContain("--namespace f047a2-tools");
    expect(args.join(" ")).toContain("--context silver");
    expect(args.join(" ")).toContain("--kubeconfig /home/ci/.kube/config");
    expect(args.join(" ")).toContain("--request-timeout 30s");
  });

  it("without a configured context or kubeconfig, kubectl's own defaults are left alone", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    await tagSourceCheck({ namespace: "f047a2-tools" }, run)(hookArgs(tagInputs("dev", "1a2b3c4")));
    expect(calls[0]).not.toContain("--context");
    expect(calls[0]).not.toContain("--kubeconfig");
  });

  it("moving a tag asks for the new source", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    await tagSourceCheck(KUBE, run)(hookArgs(tagInputs("test", "5d6e7f8"), tagInputs("test", "1a2b3c4")));
    expect(calls.map((c) => c[2])).toEqual(["hcap-server:5d6e7f8"]);
  });

  it("a source in another namespace is asked for there, and a move between namespaces asks again", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    const here = tagInputs("test", "1a2b3c4");
    const there = {
      ...here,
      tag: { name: "test", from: { kind: "ImageStreamTag", name: "hcap-server:1a2b3c4", namespace: "f047a2-dev" } },
    };
    await tagSourceCheck(KUBE, run)(hookArgs(there, here));
    expect(calls).toHaveLength(1);
    expect(calls[0].join(" ")).toContain("--namespace f047a2-dev");
  });

  it("the first up after adoption (an `oc tag`-made tag pointing at an image by digest) asks for the commit's tag", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    const adopted = {
      ...tagInputs("prod", "0123456"),
      tag: { name: "prod", from: { kind: "ImageStreamImage", name: "hcap-server@sha256:9c8b" } },
    };
    await tagSourceCheck(KUBE, run)(hookArgs(tagInputs("prod", "0123456"), adopted));
    expect(calls.map((c) => c[2])).toEqual(["hcap-server:0123456"]);
  });

  it("an update that leaves the source alone asks nothing (a source tag deleted since never blocks it)", async () => {
    const { run, calls } = fakeClient({ kind: "failed", stderr: NOT_FOUND });
    const before = tagInputs("prod", "0123456");
    const after = { ...before, metadata: { name: "hcap-server:prod", annotations: { note: "x" } } };
    expect(await tagSourceCheck(KUBE, run)(hookArgs(after, before))).toBeUndefined();
    expect(calls).toEqual([]);
  });
});

describe("what the check refuses", () => {
  it("a source tag without an image: refused, naming both tags and why", async () => {
    const { run } = fakeClient({ kind: "failed", stderr: NOT_FOUND });
    await expect(tagSourceCheck(KUBE, run)(hookArgs(tagInputs("dev", "1a2b3c4")))).rejects.toThrow(
      /^refused hcap-server:dev → hcap-server:1a2b3c4 in f047a2-tools: hcap-server:1a2b3c4 has no image .*vanishes from state on the next refresh.*nothing was written\.$/,
    );
  });

  it("an answer without an image is refused too", async () => {
    const { run } = fakeClient({ kind: "ok", stdout: "\n" });
    await expect(tagSourceCheck(KUBE, run)(hookArgs(tagInputs("dev", "1a2b3c4")))).rejects.toThrow(/refused .* without an image/);
  });

  it("any other failure stops the tag as well, with kubectl's first line", async () => {
    const { run } = fakeClient({ kind: "failed", stderr: "Error from server (Forbidden): imagestreamtags is forbidden\nmore\n" });
    await expect(tagSourceCheck(KUBE, run)(hookArgs(tagInputs("dev", "1a2b3c4")))).rejects.toThrow(
      "cannot check hcap-server:dev → hcap-server:1a2b3c4 in f047a2-tools: Error from server (Forbidden): imagestreamtags is forbidden",
    );
  });

  it("no kubectl and no oc: stopped, saying what to install", async () => {
    const { run } = fakeClient({ kind: "absent" });
    await expect(tagSourceCheck(KUBE, run)(hookArgs(tagInputs("dev", "1a2b3c4")))).rejects.toThrow(/neither kubectl nor oc is on PATH/);
  });

  it("inputs that are not a tag pointing at a tag: stopped, not waved through", async () => {
    const { run, calls } = fakeClient({ kind: "ok", stdout: "sha256:0f1e" });
    const inputs = { metadata: { name: "hcap-server:dev" }, tag: { from: { kind: "DockerImage", name: "quay.io/x:1" } } };
    await expect(tagSourceCheck(KUBE, run)(hookArgs(inputs))).rejects.toThrow(
      /hcap-server:dev: not an ImageStreamTag that points at another tag/,
    );
    expect(calls).toEqual([]);
  });
});

describe("the kubectl the real hook runs", () => {
  const dirs: string[] = [];
  const pathBefore = process.env.PATH;
  afterEach(() => {
    process.env.PATH = pathBefore;
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  /** A folder holding executable scripts; PATH is that folder alone. */
  function onlyOnPath(scripts: Record<string, string>): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hcap-kubectl-"));
    dirs.push(dir);
    for (const [name, body] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    process.env.PATH = dir;
  }

  it("kubectl's answer and its arguments", async () => {
    onlyOnPath({ kubectl: 'echo "sha256:0f1e $*"' });
    expect(await runKubeClient(["get", "imagestreamtag", "hcap-server:1a2b3c4"])).toEqual({
      kind: "ok",
      stdout: "sha256:0f1e get imagestreamtag hcap-server:1a2b3c4\n",
    });
  });

  it("kubectl's refusal, with its stderr", async () => {
    onlyOnPath({ kubectl: `echo '${NOT_FOUND.trim()}' >&2; exit 1` });
    expect(await runKubeClient(["get"])).toEqual({ kind: "failed", stderr: NOT_FOUND });
  });

  it("oc where there is no kubectl", async () => {
    onlyOnPath({ oc: 'echo "oc $*"' });
    expect(await runKubeClient(["get", "x"])).toEqual({ kind: "ok", stdout: "oc get x\n" });
  });

  it("neither", async () => {
    onlyOnPath({});
    expect(await runKubeClient(["get"])).toEqual({ kind: "absent" });
  });
});
