/**
 * The project's name and its four stacks: a module of its own, free of the Pulumi SDK, so the
 * command-line help and argument checks load in a fraction of a second.
 */
export const PROJECT = "hcap-infra";
export const STACKS = ["dev", "test", "prod", "tools"] as const;
export type StackName = (typeof STACKS)[number];
export const ENVIRONMENTS = ["dev", "test", "prod"] as const;
export type EnvName = (typeof ENVIRONMENTS)[number];

export function isStackName(s: string): s is StackName {
  return (STACKS as readonly string[]).includes(s);
}
export function isEnvName(s: string): s is EnvName {
  return (ENVIRONMENTS as readonly string[]).includes(s);
}

export function stackFileName(stack: string): string {
  return `Pulumi.${stack}.yaml`;
}
