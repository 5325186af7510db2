// The Pulumi program: read this stack's config, declare its objects.
import { loadConfig } from "./config";
import { declareStack } from "./stack";

export = declareStack(loadConfig());
