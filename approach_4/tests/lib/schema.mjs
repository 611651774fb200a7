// Every object against the Kubernetes API schema, with unknown fields rejected, in two passes that
// both come from the same generated package (kubernetes-models, from the Kubernetes OpenAPI spec):
//   1. its validators (JSON Schema, ajv): types, required fields, enums, formats. They let unknown
//      fields through (measured), so on their own a typo such as `portz:` would pass;
//   2. its TypeScript interfaces, type-checked by the TypeScript compiler: an object literal with
//      a property its interface does not declare is an error, at any depth. That is the check
//      for unknown fields (typos), and it checks names, types and required fields once more.
import path from "node:path";
import ts from "typescript";
import { A4_DIR, label } from "./manifests.mjs";

// apiVersion → the kubernetes-models module of that group/version ("v1" is the core group).
const moduleOf = (apiVersion) => `kubernetes-models/${apiVersion}`;
const typesOf = (apiVersion, kind) => `kubernetes-models/${apiVersion}/${kind}`;

// Pass 1: the package's own validators. Returns "<object>: <path> <message>" lines.
async function validateWithModels(objects, source) {
  const errors = [];
  for (const o of objects) {
    let mod;
    try {
      mod = await import(moduleOf(o.apiVersion));
    } catch {
      errors.push(`${source}: ${label(o)}: no schema for apiVersion ${JSON.stringify(o.apiVersion)}`);
      continue;
    }
    const Model = mod[o.kind];
    if (typeof Model !== "function") {
      errors.push(`${source}: ${label(o)}: no schema for kind ${JSON.stringify(o.kind)} in ${o.apiVersion}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      const details = (e.errors ?? [{ instancePath: "", message: e.message }])
        .map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.allowedValues ? ` (${x.params.allowedValues.join(", ")})` : ""}`);
      errors.push(`${source}: ${label(o)}: ${details.join("; ")}`);
    }
  }
  return errors;
}

// Pass 2: each object becomes `const oN: I<Kind> = <the object as JSON>;` in one generated module,
// type-checked in memory. A diagnostic points at a line of that module; we know which object and
// which JSON line it is, and report both.
function typecheckWithInterfaces(groups) {
  const file = path.join(A4_DIR, "tests", ".objects.generated.ts"); // never written to disk
  const imports = new Map();
  const lines = [];
  const owner = []; // line index → { source, object }
  const skipped = [];
  for (const { source, objects } of groups) {
    for (const o of objects) {
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") {
        skipped.push(`${source}: ${label(o)}: apiVersion and kind must be strings`);
        continue;
      }
      const mod = typesOf(o.apiVersion, o.kind);
      if (!imports.has(mod)) imports.set(mod, `m${imports.size}`);
      const json = JSON.stringify(o, null, 2).split("\n");
      json[0] = `export const o${owner.length}: ${imports.get(mod)}.I${o.kind} = ${json[0]}`;
      json[json.length - 1] += ";";
      for (const l of json) { lines.push(l); owner.push({ source, object: o }); }
    }
  }
  const header = [...imports].map(([mod, alias]) => `import type * as ${alias} from ${JSON.stringify(mod)};`);
  const text = [...header, ...lines].join("\n") + "\n";

  const options = {
    strict: true, noEmit: true, skipLibCheck: true, types: [], lib: ["lib.es2020.d.ts"],
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === file ? text : read(f));
  host.fileExists = (f) => f === file || exists(f);
  host.getSourceFile = (f, lang, ...rest) =>
    f === file ? ts.createSourceFile(f, text, lang, true) : getSource(f, lang, ...rest);
  const program = ts.createProgram([file], options, host);

  const errors = [...skipped];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ");
    if (!d.file || d.file.fileName !== file || d.start === undefined) {
      errors.push(`schema check: ${message}`);
      continue;
    }
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const i = line - header.length;
    if (i < 0) { errors.push(`schema check: ${message}`); continue; }
    const { source, object } = owner[i];
    errors.push(`${source}: ${label(object)}: at \`${lines[i].trim().replace(/^export const o\d+: \S+ = /, "")}\`: ${message}`);
  }
  return errors;
}

// All errors for these groups of objects ([{ source, objects }]); empty when every object is valid.
export async function schemaErrors(groups) {
  const errors = [];
  for (const { source, objects } of groups) errors.push(...(await validateWithModels(objects, source)));
  errors.push(...typecheckWithInterfaces(groups));
  return errors;
}

export const SCHEMA_NAME = "Kubernetes 1.33 API (kubernetes-models 4.5.1)";
