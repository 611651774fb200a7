// Node module hook: @actions/workflow-parser imports its JSON schemas without an import attribute
// (its build targets bundlers); Node wants `with { type: "json" }`. This adds it for .json files.
const [major, minor] = process.versions.node.split(".").map(Number);
// Node 18.20+ and 20.10+ read "importAttributes"; older releases "importAssertions".
const key = major > 20 || (major === 20 && minor >= 10) || (major === 18 && minor >= 20)
  ? "importAttributes" : "importAssertions";

export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, [key]: { type: "json" } });
  }
  return nextLoad(url, context);
}
