/**
 * Evaluates a stack under Pulumi's mock runtime and captures every resource registration exactly as
 * the engine would receive it: the serialized inputs (what `pulumi up` sends to the provider), the
 * parent, the provider and the resource options that matter for safety.
 *
 * The program is the real one (`config` + `stack.ts`, the same two calls `index.ts` makes), fed the
 * stack's real config read from `Pulumi.yaml` + `Pulumi.<stack>.yaml`.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { ICallbackServer } from "@pulumi/pulumi/runtime/callbacks";
import { ConfigError, PROJECT, loadConfig, type StackConfig } from "../../config";
import { declareStack } from "../../stack";
import type { StackOutputs } from "../../stack-outputs";
import { SecretValue, reveal, type Captured } from "../kube/secret";
import { readStackFiles } from "./stack-files";

export interface ResourceOptionsSeen {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly ignoreChanges: readonly string[];
  readonly import?: string;
  /** URNs this resource explicitly depends on (`dependsOn`). */
  readonly dependsOn: readonly string[];
  /** The URNs it was known by before (`aliases`): Pulumi moves their state to it instead of replacing. */
  readonly aliases: readonly string[];
  readonly hooks: HookBindings;
}

/** Where a resource hook can be bound (the SDK's binding, less its error hooks). */
export type HookPoint = Exclude<keyof pulumi.ResourceHookBinding, "onError">;
/** Resource hooks by when they run (`beforeCreate`, ...): the names of the hooks bound there; empty points left out. */
export type HookBindings = Readonly<Partial<Record<HookPoint, readonly string[]>>>;

/** A resource hook the program registered, as the engine would record it. */
export interface HookSeen {
  readonly name: string;
  /** Runs in `pulumi preview` as well as in `up`. */
  readonly onDryRun: boolean;
  /** Its errors are only warnings. */
  readonly ignoreErrors: boolean;
}

export interface DeclaredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly parent?: string;
  /** `<provider urn>::<id>` for custom resources. */
  readonly provider?: string;
  readonly inputs: { readonly [k: string]: Captured };
  readonly options: ResourceOptionsSeen;
}

export interface StackEvaluation {
  readonly stack: string;
  readonly config: StackConfig;
  readonly resources: readonly DeclaredResource[];
  /** Secret keys absent offline (not in the stack file, or encrypted) that got a placeholder. */
  readonly placeholderSecrets: readonly string[];
  /** The stack outputs, as `pulumi up` exports them (plain values, none secret). */
  readonly outputs: StackOutputs;
  /** The resource hooks the program registered (they never run offline). */
  readonly hooks: readonly HookSeen[];
}

export interface EvaluateOptions {
  /** Folder holding `Pulumi.yaml` and the stack files. */
  readonly projectDir: string;
  /** Secret config values, as `pulumi config set --secret` would provide them (tests use known fakes). */
  readonly secrets?: Readonly<Record<string, string>>;
}

/** Placeholder for a secret the offline render cannot know. */
export const OFFLINE_SECRET = "offline-placeholder";

/**
 * The offline stand-in for a `secure:` value: the placeholder plus a hash of its ciphertext. Offline
 * there is no key to decrypt it, but a rotated secret has new ciphertext, so the diff's keyed digests
 * differ and `npm run diff` reports the rotation instead of "No changes".
 */
export function encryptedPlaceholder(ciphertext: string): string {
  return `${OFFLINE_SECRET}:${createHash("sha256").update(ciphertext).digest("hex").slice(0, 16)}`;
}

// The SDK's wire signatures for secrets and resource references (sdk/nodejs/runtime/rpc.ts).
const { specialSigKey: SIG_KEY, specialSecretSig: SECRET_SIG, specialResourceSig: RESOURCE_SIG } = pulumi.runtime;

function fromWire(v: unknown): Captured {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromWire);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return new SecretValue(reveal(fromWire(o.value)));
    if (o[SIG_KEY] === RESOURCE_SIG) return String(o.urn);
    const out: { [k: string]: Captured } = {};
    for (const [k, x] of Object.entries(o)) out[k] = fromWire(x);
    return out;
  }
  return v as boolean | number | string;
}

/** The subset of the generated Alias accessors read here. */
interface AliasMessage {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

/** The subset of the generated RegisterResourceRequest accessors read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getProvider(): string;
  getObject(): { toJavaScript(): unknown } | undefined;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getImportid(): string;
  getDependenciesList(): string[];
  getAliasesList(): AliasMessage[];
  getHooks(): HooksMessage | undefined;
}
/** The subset of the generated ResourceHooksBinding accessors read here. */
interface HooksMessage {
  getBeforeCreateList(): string[];
  getAfterCreateList(): string[];
  getBeforeUpdateList(): string[];
  getAfterUpdateList(): string[];
  getBeforeDeleteList(): string[];
  getAfterDeleteList(): string[];
}
/** Each hook point's list in the request; typed by {@link HookPoint}, so a point the SDK adds must be read here. */
const HOOK_LISTS: { readonly [P in HookPoint]: (b: HooksMessage) => string[] } = {
  beforeCreate: (b) => b.getBeforeCreateList(),
  afterCreate: (b) => b.getAfterCreateList(),
  beforeUpdate: (b) => b.getBeforeUpdateList(),
  afterUpdate: (b) => b.getAfterUpdateList(),
  beforeDelete: (b) => b.getBeforeDeleteList(),
  afterDelete: (b) => b.getAfterDeleteList(),
};

function hooksOf(req: RegisterRequest): HookBindings {
  const binding = req.getHooks();
  if (binding === undefined) return {};
  return Object.fromEntries(
    Object.entries(HOOK_LISTS)
      .map(([point, list]) => [point, list(binding)] as const)
      .filter(([, names]) => names.length > 0),
  );
}

/**
 * Stands in for the SDK's callback server, which a `ResourceHook` registers with. Under mocks the SDK
 * would start a gRPC server for it and then call a monitor method the mock monitor lacks; offline the
 * hooks never run, so recording them is all there is to do. The runtime's store is process-global
 * (`globalStore`, sdk/nodejs/runtime/state.ts), and `setMocks` has just reset its `callbacks`.
 */
function recordHooks(seen: HookSeen[]): void {
  const unused = (what: string) => (): never => {
    throw new Error(`offline render: ${what} is not available`);
  };
  const callbacks: ICallbackServer = {
    registerResourceHook(hook) {
      seen.push({ name: hook.name, onDryRun: hook.opts?.onDryRun === true, ignoreErrors: hook.opts?.ignoreErrors === true });
      return Promise.resolve();
    },
    awaitStackRegistrations: () => Promise.resolve(),
    registerTransform: unused("registerTransform"),
    registerStackTransform: unused("registerStackTransform"),
    registerStackInvokeTransform: unused("registerStackInvokeTransform"),
    registerStackInvokeTransformAsync: unused("registerStackInvokeTransformAsync"),
    registerErrorHook: unused("registerErrorHook"),
    shutdown: () => undefined,
  };
  (globalThis as unknown as { globalStore: { callbacks?: ICallbackServer } }).globalStore.callbacks = callbacks;
}
interface RegisterResponse {
  getUrn(): string;
}
type Callback = (err: Error | null, resp?: RegisterResponse) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback): void;
}

/**
 * The URN an alias names, built as the mock engine builds URNs (`newUrn` in the SDK's
 * runtime/mocks.ts: stack, project, the parent's type, the type, the name), so it compares with the
 * URNs recorded here.
 */
function aliasUrn(req: RegisterRequest, urn: string, alias: AliasMessage): string {
  const spec = alias.getSpec();
  if (alias.getUrn() !== "" || spec === undefined) return alias.getUrn();
  const [prefix, project] = urn.split("::");
  const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
  const parentType = parent === "" ? "" : `${parent.split("::")[2].split("$").pop()}$`;
  const stack = spec.getStack() || prefix.slice("urn:pulumi:".length);
  return `urn:pulumi:${stack}::${spec.getProject() || project}::${parentType}${spec.getType() || req.getType()}::${spec.getName() || req.getName()}`;
}

/** Deterministic fake outputs for the resources the program reads back. */
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  if (args.type === "random:index/randomPassword:RandomPassword") {
    return { result: `offline-${args.name}` };
  }
  return {};
}

let busy = false;

/**
 * Runs `fn` with V8's stack traces off (unless HCAP_INFRA_DEBUG is set). The Pulumi SDK captures a
 * formatted stack for every promise and resource it creates (a source position for the engine, a trace
 * for its leak report); offline neither is used, and formatting them is a tenth of a render's time.
 */
async function withoutStackTraces(fn: () => Promise<void>): Promise<void> {
  if (process.env.HCAP_INFRA_DEBUG) return fn();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    await fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Evaluates `stack` offline. Throws {@link ConfigError} (with nothing declared) for invalid config.
 * Evaluations run one at a time: the Pulumi runtime is process-global.
 */
export async function evaluateStack(stack: string, options: EvaluateOptions): Promise<StackEvaluation> {
  if (busy) throw new Error("evaluateStack: another evaluation is running in this process");
  busy = true;
  try {
    return await evaluate(stack, options);
  } finally {
    busy = false;
  }
}

async function evaluate(stack: string, options: EvaluateOptions): Promise<StackEvaluation> {
  const files = readStackFiles(options.projectDir, stack);
  if (files.missingDeclared.length > 0) {
    throw new ConfigError(
      stack,
      files.missingDeclared.map((key) => ({
        file: files.stackFile,
        key: `${PROJECT}:${key}`,
        message: "is declared in Pulumi.yaml without a default, so Pulumi requires this stack to set it",
      })),
    );
  }
  const values: Record<string, string> = { ...files.values };
  const secretKeys = new Set<string>(files.encryptedKeys);
  const placeholders = new Set<string>(files.encryptedKeys);
  for (const key of files.encryptedKeys) values[key] = encryptedPlaceholder(files.ciphertexts[key] ?? "");
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    values[key] = value;
    secretKeys.add(key);
    placeholders.delete(key);
  }

  // Validate first. Secrets a real `pulumi up` would demand (and name) are filled with a placeholder
  // offline, so a review render works without credentials; every other problem is fatal.
  const setConfig = (): void =>
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(values).map(([k, v]) => [`${PROJECT}:${k}`, v])),
      [...secretKeys].map((k) => `${PROJECT}:${k}`),
    );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...mockState(args) } }),
      call: (args) => {
        throw new Error(`offline render: unexpected provider function call ${args.token}`);
      },
    },
    PROJECT,
    stack,
    false,
  );
  setConfig();
  let config: StackConfig;
  try {
    config = loadConfig(options.projectDir);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const missing = e.issues.filter((i) => i.kind === "missing-secret");
    if (missing.length === 0) throw e;
    // Offline, unset secrets get placeholders: report only the problems a placeholder cannot fix.
    if (missing.length !== e.issues.length)
      throw new ConfigError(
        e.stack,
        e.issues.filter((i) => i.kind !== "missing-secret"),
      );
    for (const issue of missing) {
      const key = issue.key.slice(PROJECT.length + 1);
      values[key] = OFFLINE_SECRET;
      secretKeys.add(key);
      placeholders.add(key);
    }
    setConfig();
    config = loadConfig(options.projectDir);
  }

  const captured: DeclaredResource[] = [];
  const hooks: HookSeen[] = [];
  recordHooks(hooks);
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    register(req, (err, resp) => {
      if (!err && resp) {
        const object = req.getObject()?.toJavaScript() ?? {};
        const ignore = req.getIgnorechangesList();
        captured.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: req.getParent() || undefined,
          provider: req.getProvider() || undefined,
          inputs: fromWire(object) as { [k: string]: Captured },
          options: {
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            deleteBeforeReplace: req.getDeletebeforereplace(),
            ignoreChanges: [...ignore].sort(),
            import: req.getImportid() || undefined,
            dependsOn: [...req.getDependenciesList()].sort(),
            aliases: req
              .getAliasesList()
              .map((a) => aliasUrn(req, resp.getUrn(), a))
              .sort(),
            hooks: hooksOf(req),
          },
        });
      }
      cb(err, resp);
    });
  };

  let outputs: StackOutputs | undefined;
  await withoutStackTraces(async () => {
    await pulumi.runtime.runInPulumiStack(async () => (outputs = declareStack(config)));
    await (pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> }).waitForRPCs();
  });
  if (outputs === undefined) throw new Error(`offline render of ${stack}: the program returned no outputs`);
  return { stack, config, resources: captured, placeholderSecrets: [...placeholders].sort(), outputs, hooks };
}
