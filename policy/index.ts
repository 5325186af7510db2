/**
 * CrossGuard policy pack: the project's BC Gov platform rules, enforced by a real
 * `pulumi preview/up --policy-pack policy`. The rules are tools/check/policies.ts (the same ones
 * `npm run check` runs); this file only serves them (a PolicyPack starts its gRPC server on creation,
 * so nothing else may import this file).
 */
import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies } from "../tools/check/crossguard";

new PolicyPack("hcap-platform", { policies: crossGuardPolicies() });
