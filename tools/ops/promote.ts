/**
 * A promotion as a config change: record that environment `env` runs the image CI tagged `<sha>`,
 * by setting `hcap-infra:<env>Commit` in the tools stack file. Pure (text in, text out) so the
 * command and the tests share it; comments and key order of the file are kept.
 */
import { isMap, isScalar, parseDocument, Scalar } from "yaml";
import { ENVIRONMENTS, PROJECT, isEnvName, stackFileName, type EnvName } from "../../config";
import { GIT_SHA, IMAGE_TAG_SHA_LENGTH } from "../../config/fields";
import { InputError, UsageError } from "../cli/cli";

/** The stack that owns the environment tags. */
export const PROMOTION_STACK = "tools";

export interface Promotion {
  readonly env: EnvName;
  readonly commit: string;
  /** `hcap-infra:<env>Commit` */
  readonly key: string;
  /** The commit the stack file recorded before, or undefined. */
  readonly previous: string | undefined;
  /** The new stack file text (identical to the input when nothing changes). */
  readonly text: string;
  /** Set when prod was promoted to a commit test does not run: the reason given, for the record. */
  readonly override?: string;
}

export interface PromoteOptions {
  /**
   * Emergency only: promote prod to a commit test does not run. The reason is required and is
   * printed and recorded with the promotion (commit message, pull request).
   */
  readonly override?: string;
}

export function promotionKey(env: EnvName): string {
  return `${PROJECT}:${env}Commit`;
}

/**
 * Checks the arguments; throws a UsageError that says what is wrong. A longer SHA is cut to the
 * short form, because that is the only image tag CI writes.
 */
export function parsePromotionArgs(env: string, commit: string): { env: EnvName; commit: string } {
  if (!isEnvName(env)) {
    throw new UsageError(`unknown environment ${JSON.stringify(env)}: must be one of ${ENVIRONMENTS.join(", ")}`);
  }
  if (!GIT_SHA.test(commit)) {
    throw new UsageError(
      `${JSON.stringify(commit)} is not a commit: a commit SHA is 7 to 40 lower-case hex digits (the image tag CI wrote, e.g. 2a5b7fa)`,
    );
  }
  return { env, commit: commit.slice(0, IMAGE_TAG_SHA_LENGTH) };
}

/** Applies the promotion to the text of `Pulumi.tools.yaml`. */
export function promote(stackFileText: string, envArg: string, commitArg: string, options: PromoteOptions = {}): Promotion {
  const { env, commit } = parsePromotionArgs(envArg, commitArg);
  const override = options.override?.trim();
  if (options.override !== undefined && !override)
    throw new UsageError('--override needs a reason, e.g. --override "hotfix for the login outage, INC-123"');
  const doc = parseDocument(stackFileText);
  if (doc.errors.length > 0)
    throw new InputError(`${stackFileName(PROMOTION_STACK)}: not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new InputError(`${stackFileName(PROMOTION_STACK)}: must be a YAML mapping`);
  const key = promotionKey(env);
  let config = doc.get("config", true);
  if (config === undefined || config === null || (isScalar(config) && config.value === null)) {
    doc.set("config", doc.createNode({}));
    config = doc.get("config", true);
  }
  if (!isMap(config)) throw new InputError(`${stackFileName(PROMOTION_STACK)}: \`config\` must be a mapping`);
  // `config: {}` is written in flow style; a promoted file reads better as a block.
  config.flow = false;

  // prod runs only what test ran: the commit must be the one test is promoted to.
  if (env === "prod") {
    const tested = config.get(promotionKey("test"));
    const testCommit = tested === undefined || tested === null ? "" : String(tested);
    if (testCommit !== commit && !override) {
      throw new UsageError(
        `prod can only be promoted to the commit test runs (${promotionKey("test")} is ${testCommit === "" ? "not set" : testCommit}, not ${commit}): ` +
          `promote test to ${commit} first; in an emergency only, pass --override "<reason>" (the reason is recorded with the promotion)`,
      );
    }
  }
  const before = config.get(key);
  const previous = before === undefined || before === null ? undefined : String(before);
  if (previous === commit) return { env, commit, key, previous, text: stackFileText };
  const overridden = env === "prod" && override ? { override } : {};

  // Always quoted: an all-digit SHA (e.g. 0123456) would otherwise be read back as a number.
  const value = new Scalar(commit);
  value.type = Scalar.QUOTE_DOUBLE;
  config.set(key, value);
  return { env, commit, key, previous, text: doc.toString(), ...overridden };
}
