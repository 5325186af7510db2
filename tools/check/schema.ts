/**
 * Schema validation as the API server does it with strict field validation: unknown fields and
 * wrong types/formats are errors.
 *
 * Two sources, each where it is best:
 * - an OpenAPI (swagger 2.0) document (`--openapi`: a cluster's `/openapi/v2`, or OpenShift's
 *   published one) — converted to JSON Schema for ajv, objects with `properties` closed
 *   (`additionalProperties: false`) so an unknown field fails like `kubectl --validate=strict`;
 * - for core Kubernetes kinds, `kubernetes-models` (generated from the Kubernetes OpenAPI): types,
 *   formats (quantities, int-or-string) and required fields, available without any document. It does
 *   not reject unknown fields, so for core kinds the document (when given) adds that: for the whole
 *   object if the document defines the kind, else for the parts it does define (metadata, pod
 *   templates, claim templates).
 *
 * Without a document, OpenShift kinds are not schema-checked; the result says so (never silently).
 */
import * as fs from "node:fs";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { QUANTITY } from "../../config/quantity";
import { asArray, at, isRecord, podTemplate, type KubeObject, type JsonObject } from "../kube/object";

export interface SchemaError {
  /** Field path (`spec.template.spec.containers[0].resources.limits.cpu`). */
  readonly path: string;
  readonly message: string;
}

/** How thoroughly one object was checked. */
export type SchemaCoverage =
  /** Whole object against the document: unknown fields, types, formats. */
  | "strict"
  /** Types/formats of the whole object; unknown fields only in the parts the document defines. */
  | "partial"
  /** No schema for this kind (OpenShift kind without `--openapi`, or a kind nobody defines). */
  | "skipped";

export interface SchemaResult {
  readonly coverage: SchemaCoverage;
  readonly errors: readonly SchemaError[];
  /** Why coverage is not strict. */
  readonly note?: string;
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const POD_TEMPLATE = "io.k8s.api.core.v1.PodTemplateSpec";
const PVC = "io.k8s.api.core.v1.PersistentVolumeClaim";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity";

type Swagger = { readonly [k: string]: unknown };

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function isOpenShiftApi(apiVersion: string): boolean {
  return splitApiVersion(apiVersion).group.endsWith("openshift.io");
}

/** Swagger 2.0 schema → JSON Schema (draft-07) as ajv reads it. */
function convert(s: unknown): unknown {
  if (!isRecord(s)) return {};
  if (typeof s.$ref === "string") return { $ref: `openapi${s.$ref}` };
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return convert(s.allOf[0]);
  if (s.format === "int-or-string") return { type: ["integer", "string"] };
  const out: Record<string, unknown> = {};
  if (Array.isArray(s.enum)) out.enum = s.enum;
  switch (s.type) {
    case "object": {
      out.type = "object";
      if (isRecord(s.properties)) {
        const props = s.properties;
        out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v)]));
        out.additionalProperties = false;
        // The generated documents list every non-omitempty Go field as required, including fields the
        // server fills in (those carry a `default`); only fields without one are truly required.
        const required = asArray(s.required).filter(
          (r): r is string => typeof r === "string" && !(isRecord(props[r]) && "default" in (props[r] as JsonObject)),
        );
        if (required.length > 0) out.required = required;
      } else if (s.additionalProperties !== undefined && s.additionalProperties !== true) {
        out.additionalProperties = convert(s.additionalProperties);
      }
      return out;
    }
    case "array":
      return { ...out, type: "array", items: convert(s.items) };
    case "integer":
      return { ...out, type: "integer" };
    case "number":
      return { ...out, type: "number" };
    case "boolean":
      return { ...out, type: "boolean" };
    case "string":
      return { ...out, type: "string" };
    default:
      if (isRecord(s.properties)) return convert({ ...s, type: "object" });
      return out;
  }
}

/** ajv error → one readable error with a field path. */
function toSchemaError(e: ErrorObject): SchemaError {
  const path = e.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc === "" ? p : `${acc}.${p}`), "");
  if (e.keyword === "additionalProperties") {
    const field = String((e.params as { additionalProperty: string }).additionalProperty);
    return { path: path === "" ? field : `${path}.${field}`, message: `unknown field "${field}"` };
  }
  if (e.keyword === "format" && (e.params as { format: string }).format === "quantity")
    return { path, message: "must be a quantity (e.g. 500m, 1Gi)" };
  if (e.keyword === "required") {
    const field = String((e.params as { missingProperty: string }).missingProperty);
    return { path: path === "" ? field : `${path}.${field}`, message: "required field is missing" };
  }
  if (e.keyword === "enum")
    return { path, message: `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}` };
  return { path, message: e.message ?? e.keyword };
}

/** Drops fields whose value is null: the API server treats them as unset. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isRecord(v))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, withoutNulls(x)]),
    );
  return v;
}

function dedupe(errors: readonly SchemaError[]): SchemaError[] {
  const seen = new Set<string>();
  // A path with a specific error (format, unknown field) does not also need ajv's generic ones.
  const specific = new Set(
    errors.filter((e) => !e.message.startsWith("must match") && !e.message.startsWith("must be number")).map((e) => e.path),
  );
  return errors.filter((e) => {
    if (
      (e.message.startsWith("must match") || e.message === "must be number") &&
      specific.has(e.path) &&
      errors.some((x) => x.path === e.path && x !== e && !x.message.startsWith("must match") && x.message !== "must be number")
    )
      return false;
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A swagger 2.0 OpenAPI document, ready to validate objects against its definitions. */
export class OpenApiDocument {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly gvk = new Map<string, string>();

  private constructor(
    private readonly definitions: Readonly<Record<string, unknown>>,
    readonly source: string,
  ) {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    this.ajv.addFormat("quantity", { type: "string", validate: (s: string) => QUANTITY.test(s) });
    const converted: Record<string, unknown> = {};
    for (const [name, def] of Object.entries(definitions)) {
      converted[name] = convert(def);
      for (const g of asArray(isRecord(def) ? def["x-kubernetes-group-version-kind"] : undefined)) {
        if (isRecord(g)) this.gvk.set(`${String(g.group ?? "")}/${String(g.version)}/${String(g.kind)}`, name);
      }
    }
    converted[INT_OR_STRING] = { type: ["integer", "string"] };
    converted[QUANTITY_DEF] = { type: ["string", "number"], format: "quantity" };
    this.ajv.addSchema({ $id: "openapi", definitions: converted });
  }

  /** Reads a swagger 2.0 document (as `oc get --raw /openapi/v2` prints it). */
  static load(file: string): OpenApiDocument {
    let doc: unknown;
    try {
      doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new Error(`--openapi ${file}: ${(e as Error).message}`, { cause: e });
    }
    if (!isRecord(doc) || !isRecord(doc.definitions)) throw new Error(`--openapi ${file}: not an OpenAPI v2 document (no "definitions")`);
    return new OpenApiDocument(doc.definitions as Swagger, file);
  }

  has(definition: string): boolean {
    return definition in this.definitions;
  }

  /** The definition of a kind: by `x-kubernetes-group-version-kind`, else by the generators' naming. */
  definitionOf(apiVersion: string, kind: string): string | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    const tagged = this.gvk.get(`${group}/${version}/${kind}`);
    if (tagged) return tagged;
    const first = group.split(".")[0];
    const candidates =
      group === ""
        ? [`io.k8s.api.core.${version}.${kind}`]
        : group.endsWith("openshift.io")
          ? [`com.github.openshift.api.${first}.${version}.${kind}`]
          : [`io.k8s.api.${first}.${version}.${kind}`];
    return candidates.find((c) => this.has(c));
  }

  validate(definition: string, value: unknown): SchemaError[] {
    let v = this.validators.get(definition);
    if (!v) {
      v = this.ajv.compile({ $ref: `openapi#/definitions/${definition}` });
      this.validators.set(definition, v);
    }
    return v(withoutNulls(value)) ? [] : (v.errors ?? []).map(toSchemaError);
  }
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const modelCache = new Map<string, ModelClass | null>();

/** The `kubernetes-models` class of a core kind, or null. */
async function coreModel(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const key = `${apiVersion}/${kind}`;
  const cached = modelCache.get(key);
  if (cached !== undefined) return cached;
  const { group, version } = splitApiVersion(apiVersion);
  let model: ModelClass | null = null;
  if (!group.endsWith("openshift.io") && /^[A-Za-z0-9.]*$/.test(group) && /^[A-Za-z0-9]+$/.test(version + kind)) {
    try {
      const mod = (await import(`kubernetes-models/${group === "" ? "" : `${group}/`}${version}/${kind}`)) as Record<string, unknown>;
      model = (mod[kind] as ModelClass | undefined) ?? null;
    } catch {
      model = null;
    }
  }
  modelCache.set(key, model);
  return model;
}

async function coreModelErrors(o: KubeObject): Promise<SchemaError[] | undefined> {
  const Model = await coreModel(o.apiVersion, o.kind);
  if (!Model) return undefined;
  try {
    new Model(withoutNulls(o)).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: ErrorObject[] }).errors;
    if (!Array.isArray(errors)) return [{ path: "", message: (e as Error).message }];
    return errors.map(toSchemaError);
  }
}

/** Unknown-field check of the parts of a core object the document defines. */
function embeddedErrors(doc: OpenApiDocument, o: KubeObject): { errors: SchemaError[]; parts: string[] } {
  const errors: SchemaError[] = [];
  const parts: string[] = [];
  const part = (definition: string, path: string, value: unknown): void => {
    if (!doc.has(definition) || value === undefined) return;
    parts.push(path);
    errors.push(...doc.validate(definition, value).map((e) => ({ ...e, path: e.path === "" ? path : `${path}.${e.path}` })));
  };
  part(META, "metadata", o.metadata);
  const t = podTemplate(o);
  if (t && t.path !== "") part(POD_TEMPLATE, t.path, at(o, t.path));
  if (o.kind === "StatefulSet")
    asArray(at(o, "spec.volumeClaimTemplates")).forEach((v, i) => part(PVC, `spec.volumeClaimTemplates[${i}]`, v));
  return { errors, parts };
}

/** Schema-checks one object with whatever sources are available. */
export async function checkSchema(o: KubeObject, doc: OpenApiDocument | undefined): Promise<SchemaResult> {
  const definition = doc?.definitionOf(o.apiVersion, o.kind);
  const modelErrors = isOpenShiftApi(o.apiVersion) ? undefined : await coreModelErrors(o);
  if (doc && definition) {
    return { coverage: "strict", errors: dedupe([...(modelErrors ?? []), ...doc.validate(definition, o)]) };
  }
  if (modelErrors === undefined) {
    const note =
      isOpenShiftApi(o.apiVersion) && !doc
        ? "OpenShift kind: no --openapi document"
        : `no schema for ${o.apiVersion} ${o.kind}${doc ? ` in ${doc.source} or kubernetes-models` : " (no --openapi document)"}`;
    return { coverage: "skipped", errors: [], note };
  }
  if (!doc) return { coverage: "partial", errors: dedupe(modelErrors), note: "unknown fields not checked: no --openapi document" };
  const embedded = embeddedErrors(doc, o);
  return {
    coverage: "partial",
    errors: dedupe([...modelErrors, ...embedded.errors]),
    note: `unknown fields checked only in ${embedded.parts.join(", ") || "no part"}: ${doc.source} does not define ${o.apiVersion} ${o.kind}`,
  };
}
