// The Pulumi program: read this stack's config, declare its objects.
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig } from "./config";
import { declareStack } from "./stack";

function config() {
  try {
    return loadConfig();
  } catch (e) {
    // A config error is the user's to fix: print its message (file, key, reason), not a stack trace.
    throw e instanceof ConfigError ? new pulumi.RunError(e.message) : e;
  }
}

export = declareStack(config());
