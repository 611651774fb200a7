// Judges the mutants tests/mutate wrote: node tests/mutants.mjs <dir>
// <dir>/<NN>/ holds a mutated copy of approach_4's manifests (approach_4/) and four one-line files:
// stage (policy|schema: the check that must catch it; control: an unmodified copy that must pass
// both), overlay (kind|cloud|all), expect (text the finding must contain) and what (a description). Each copy is rendered with the same kubectl and
// checked with the same code as ./check; the schema pass runs once for all schema mutants (the
// type-check costs seconds, a render a tenth of one). Prints one line per mutant; exit 1 unless
// every mutant is caught with its expected finding, 2 on bad usage.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { INGRESS_NGINX_CONFIG, kubectl, loadFile, OVERLAYS, parseYaml } from "./lib/manifests.mjs";
import { evaluate } from "./lib/policy.mjs";

const [dir] = process.argv.slice(2);
if (!dir || process.argv.length !== 3) {
  console.error("usage: node tests/mutants.mjs <dir written by tests/mutate>");
  process.exit(2);
}
const run = promisify(execFile);
const read = (m, f) => readFileSync(path.join(dir, m, f), "utf8").trim();

const mutants = readdirSync(dir).sort().map((id) => ({
  id, root: path.join(dir, id, "approach_4"),
  stage: read(id, "stage"), overlay: read(id, "overlay"), expect: read(id, "expect"), what: read(id, "what"),
}));

// Renders every mutant's overlays, a few kubectl processes at a time.
async function renderAll() {
  const jobs = mutants.flatMap((m) => (m.overlay === "all" ? OVERLAYS : [m.overlay]).map((overlay) => ({ m, overlay })));
  const width = Math.max(2, os.cpus().length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { m, overlay } = jobs[next++];
      const source = `${m.id}/overlays/${overlay}`;
      try {
        const { stdout } = await run(kubectl(), ["kustomize", path.join(m.root, "overlays", overlay)], { maxBuffer: 1 << 24 });
        (m.rendered ??= []).push({ overlay, source, objects: parseYaml(stdout, source) });
      } catch (e) {
        (m.errors ??= []).push(`kubectl kustomize ${source} failed: ${(e.stderr || e.message).trim()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

await renderAll();
const schemaMutants = [];
for (const m of mutants) {
  m.findings = [...(m.errors ?? [])];
  m.config = { ...loadFile(INGRESS_NGINX_CONFIG, m.root) };
  m.config.source = `${m.id}/${INGRESS_NGINX_CONFIG}`;
  if (m.stage !== "schema") {
    for (const r of m.rendered ?? []) {
      for (const { id, violations } of evaluate({ overlay: r.overlay, objects: r.objects, nginxConfig: m.config.objects[0] })) {
        m.findings.push(...violations.map((v) => `overlays/${r.overlay} [${id}]: ${v}`));
      }
    }
  }
  if (m.stage !== "policy") schemaMutants.push(m);
}
if (schemaMutants.length) {
  const { schemaErrors } = await import("./lib/schema.mjs");
  const errors = await schemaErrors(schemaMutants.flatMap((m) => [...(m.rendered ?? []), m.config]));
  for (const m of schemaMutants) m.findings.push(...errors.filter((e) => e.startsWith(`${m.id}/`)));
}

let killed = 0;
let missed = 0;
for (const m of mutants) {
  if (m.stage === "control") {
    if (m.findings.length) missed++;
    console.log(m.findings.length ? `DIRTY     ${m.what}:\n  ${m.findings.join("\n  ")}` : `clean     ${m.what}`);
  } else if (m.findings.length === 0) {
    missed++;
    console.log(`SURVIVED  ${m.what} (the ${m.stage} checks stayed green)`);
  } else if (m.findings.some((f) => f.includes(m.expect))) {
    killed++;
    console.log(`killed    ${m.stage.padEnd(7)} ${m.what}`);
  } else {
    missed++;
    console.log(`WRONG     ${m.what} (caught, but not with: ${m.expect})\n  ${m.findings.join("\n  ")}`);
  }
}
console.log(`${killed} killed, ${missed} not`);
process.exit(missed === 0 && killed > 0 ? 0 : 1);
