// Validates GitHub Actions workflows offline with GitHub's own parser (@actions/workflow-parser,
// the one behind the Actions language server): schema, expressions and the contexts each key may
// use. On top, the lab's rule: every action is pinned to a release tag or a commit SHA.
//   node validate.mjs --workflows <file>... --fixtures <file>...
// Workflows must have no finding. Each fixture is broken on purpose and names, in a line
// "# expect: <text>", a finding the check must report for it: a fixture that passes, or fails
// for another reason, means the check cannot be trusted. Exit 0 all as expected, 1 otherwise.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { relative } from "node:path";

register("./json-hooks.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

// owner/repo[/path]@ref with ref a version tag (v5, v5.0.0) or a full commit SHA; local (./) and
// docker:// actions are not fetched from a repository by tag.
const PINNED = /^[\w.-]+\/[\w.\/-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;

async function findings(file) {
  const content = readFileSync(file, "utf8");
  const parsed = parseWorkflow({ name: relative(process.cwd(), file), content }, new NoOperationTraceWriter());
  const out = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) {
    return out;
  }
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  for (const e of template.errors ?? []) {
    if (!out.includes(e.Message)) {
      out.push(e.Message);
    }
  }
  for (const job of template.jobs ?? []) {
    for (const step of job.steps ?? []) {
      const uses = typeof step.uses === "string" ? step.uses : step.uses?.value;
      if (uses && !uses.startsWith("./") && !uses.startsWith("docker://") && !PINNED.test(uses)) {
        out.push(`${file}: job '${job.id}': action '${uses}' is not pinned to a release tag or a commit SHA`);
      }
    }
  }
  return out;
}

const args = process.argv.slice(2);
const split = args.indexOf("--fixtures");
const workflows = args.slice(1, split < 0 ? undefined : split);
const fixtures = split < 0 ? [] : args.slice(split + 1);
if (args[0] !== "--workflows" || workflows.length === 0) {
  console.error("usage: node validate.mjs --workflows <file>... [--fixtures <file>...] (no workflow given)");
  process.exit(2);
}

let bad = 0;
for (const file of workflows) {
  const found = await findings(file);
  if (found.length === 0) {
    console.log(`==> workflows: ${file}: valid`);
  } else {
    bad++;
    for (const f of found) console.log(f);
    console.log(`==> workflows: ${file}: ${found.length} finding(s)`);
  }
}
for (const file of fixtures) {
  const expected = (readFileSync(file, "utf8").match(/^# expect: (.+)$/m) ?? [])[1];
  const found = await findings(file);
  if (!expected) {
    bad++;
    console.log(`==> workflows: fixture ${file} names no "# expect: <finding>" line`);
  } else if (found.length === 0) {
    bad++;
    console.log(`==> workflows: fixture ${file} PASSED, but is broken on purpose: this check cannot fail`);
  } else if (!found.some((f) => f.includes(expected))) {
    bad++;
    for (const f of found) console.log(f);
    console.log(`==> workflows: fixture ${file} failed, but without the expected '${expected}'`);
  } else {
    console.log(`==> workflows: fixture ${file} fails as it must: ${expected}`);
  }
}
process.exit(bad === 0 ? 0 : 1);
