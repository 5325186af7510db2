/**
 * The check that keeps every environment ImageStreamTag resolvable: before Pulumi creates a tag or
 * moves its `from`, a resource hook asks the API server for the source tag (`<stream>:<commit>`) and
 * refuses when it has no image. Nothing is written then, in `pulumi preview` as in `pulumi up`.
 *
 * Why it is needed (openshift/openshift-apiserver):
 * - `GET imagestreamtags/<stream>:<env>` answers 404 while the tag has no image in the stream's status
 *   (pkg/image/apiserver/registry/imagestreamtag/rest.go `Get` → `imageFor`), and pulumi-kubernetes
 *   reads a 404 as "deleted" (provider/pkg/provider/provider.go `Read`). A tag pointed at an unbuilt
 *   commit would vanish from state on the next refresh, and the `up` after it fail with AlreadyExists.
 *
 * Why it is enough:
 * - A tag whose source has an image gets that image in the same request: creating or moving an
 *   ImageStreamTag updates its ImageStream, whose strategy copies the source's latest event into the
 *   changed tag (pkg/image/apiserver/registry/imagestream/strategy.go `tagsChanged`).
 * - It keeps the image afterwards, even when the source tag is deleted: status is recomputed only for
 *   spec tags that changed (`tagsChanged` skips the rest), and a deleted source is not propagated to the
 *   tags that track it (`updateChangedTrackingTags` skips `deleted`).
 *
 * The check runs only when a tag is created or its `from` changes, so a source tag deleted long after
 * its promotion never blocks an unrelated update. It asks with `kubectl` (or `oc`), with the kubeconfig
 * and context the stack's provider uses, exactly as `promote.yml` and `deploy.yml` do.
 */
import { execFile } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** How the stack reaches its cluster: the same values its provider gets. */
export interface KubeAccess {
  /** The namespace of the tags (the tools namespace). */
  readonly namespace: string;
  readonly context?: string;
  readonly kubeconfig?: string;
}

/** A tag about to be created or moved, and the tag it will point at. */
export interface TagMove {
  /** `<stream>:<env>` */
  readonly tag: string;
  /** `<stream>:<commit>` */
  readonly source: string;
  readonly namespace: string;
}

/** What a `kubectl` (or `oc`) run gave. */
export type KubeClientResult =
  | { readonly kind: "ok"; readonly stdout: string }
  | { readonly kind: "failed"; readonly stderr: string }
  /** Neither `kubectl` nor `oc` is on PATH. */
  | { readonly kind: "absent" };

export type KubeClient = (args: readonly string[]) => Promise<KubeClientResult>;

/** The hook's name in the engine (and in the offline plan). */
export const TAG_SOURCE_HOOK = "environment-tag-source";

const tagInputs = z.object({
  metadata: z.object({ name: z.string() }),
  tag: z.object({
    from: z.object({ kind: z.literal("ImageStreamTag"), name: z.string(), namespace: z.string().optional() }),
  }),
});

/**
 * The move a hook call announces, from the inputs the engine passes: the tag, and the tag it will point
 * at. `undefined` for an update that leaves `tag.from` as it was (a create always moves).
 */
export function tagMoveOf(args: Pick<pulumi.ResourceHookArgs, "name" | "newInputs" | "oldInputs">, namespace: string): TagMove | undefined {
  const after = tagInputs.safeParse(args.newInputs);
  if (!after.success) {
    throw new Error(`${args.name}: not an ImageStreamTag that points at another tag, so its source cannot be checked`);
  }
  const { metadata, tag } = after.data;
  const before = tagInputs.safeParse(args.oldInputs);
  if (before.success && before.data.tag.from.name === tag.from.name && before.data.tag.from.namespace === tag.from.namespace) {
    return undefined;
  }
  return { tag: metadata.name, source: tag.from.name, namespace: tag.from.namespace ?? namespace };
}

/** The `kubectl get` that answers as the provider's refresh will: 404 while the tag has no image. */
export function sourceQuery(move: TagMove, kube: KubeAccess): string[] {
  return [
    "get",
    "imagestreamtag",
    move.source,
    "--namespace",
    move.namespace,
    "--output",
    "jsonpath={.image.metadata.name}",
    "--request-timeout",
    "30s",
    ...(kube.context !== undefined ? ["--context", kube.context] : []),
    ...(kube.kubeconfig !== undefined ? ["--kubeconfig", kube.kubeconfig] : []),
  ];
}

/** Resolves to the source's image (`sha256:…`); throws, naming both tags, when it has none. */
export async function checkTagSource(move: TagMove, kube: KubeAccess, run: KubeClient): Promise<string> {
  const target = `${move.tag} → ${move.source} in ${move.namespace}`;
  const result = await run(sourceQuery(move, kube));
  switch (result.kind) {
    case "ok":
      if (result.stdout.trim() !== "") return result.stdout.trim();
      throw new Error(`refused ${target}: the API server returned ${move.source} without an image`);
    case "absent":
      throw new Error(
        `cannot check ${target}: neither kubectl nor oc is on PATH. Install either; the check uses the stack's kubeconfig and context.`,
      );
    case "failed": {
      const reason = result.stderr.trim().split("\n")[0] ?? "";
      if (/\(NotFound\)/.test(reason)) {
        throw new Error(
          `refused ${target}: ${move.source} has no image (the API server answers NotFound), and a tag without an image ` +
            "vanishes from state on the next refresh. Promote only a commit CI built and tagged; nothing was written.",
        );
      }
      throw new Error(`cannot check ${target}: ${reason || "kubectl failed without a message"}`);
    }
  }
}

/** Runs `kubectl`, or `oc` where there is no kubectl. */
export const runKubeClient: KubeClient = async (args) => {
  for (const command of ["kubectl", "oc"]) {
    const result = await new Promise<KubeClientResult | undefined>((resolve) => {
      execFile(command, args, { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
        if (error === null) resolve({ kind: "ok", stdout });
        else if ((error as NodeJS.ErrnoException).code === "ENOENT") resolve(undefined);
        else resolve({ kind: "failed", stderr: stderr || error.message });
      });
    });
    if (result !== undefined) return result;
  }
  return { kind: "absent" };
};

/**
 * What the hook does for one call: nothing for an update that leaves `from` alone; otherwise the
 * check, resolving to the source's image.
 */
export function tagSourceCheck(
  kube: KubeAccess,
  run: KubeClient,
): (args: pulumi.ResourceHookArgs) => Promise<(TagMove & { image: string }) | undefined> {
  return async (args) => {
    const move = tagMoveOf(args, kube.namespace);
    return move === undefined ? undefined : { ...move, image: await checkTagSource(move, kube, run) };
  };
}

/**
 * The hooks of each environment tag: the source check before a create and before an update. It runs
 * in previews too, so a pull request that promotes an unbuilt commit fails its preview.
 */
export function environmentTagHooks(kube: KubeAccess, run: KubeClient = runKubeClient): pulumi.ResourceHookBinding {
  const check = tagSourceCheck(kube, run);
  const hook = new pulumi.ResourceHook(
    TAG_SOURCE_HOOK,
    async (args) => {
      const checked = await check(args);
      if (checked !== undefined) pulumi.log.info(`${checked.tag} → ${checked.source} (${checked.image})`);
    },
    { onDryRun: true },
  );
  return { beforeCreate: [hook], beforeUpdate: [hook] };
}
