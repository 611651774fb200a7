// Every rendered object is valid Kubernetes, with unknown fields rejected (tests/lib/schema.mjs),
// and the check itself can fail: each kind of mistake below must be reported.
import assert from "node:assert/strict";
import { test } from "node:test";
import { label, loadAll } from "./lib/manifests.mjs";
import { SCHEMA_NAME, schemaErrors } from "./lib/schema.mjs";

const groups = loadAll();

// Negative controls: one broken copy of the kind overlay's go-app Deployment per kind of mistake;
// every one must be named in the errors.
const deployment = groups.find((g) => g.source === "overlays/kind").objects
  .find((o) => o.kind === "Deployment" && o.metadata.name === "go-app");
const broken = (mutate, n) => {
  const o = structuredClone(deployment);
  o.metadata.name = `broken-${n}`;
  mutate(o, o.spec.template.spec.containers[0]);
  return o;
};
const cases = [
  ["a typo in a nested field (portz)", (o, c) => { c.ports[0].portz = 8080; }, /broken-0: .*portz.*does not exist in type/],
  ["a typo in a top-level field (specs)", (o) => { o.specs = o.spec; }, /broken-1: .*specs.*does not exist in type/],
  ["a string where a number belongs", (o) => { o.spec.replicas = "2"; }, /broken-2: .*replicas must be integer/],
  ["a value outside an enum", (o, c) => { c.imagePullPolicy = "Nevr"; }, /broken-3: .*imagePullPolicy must be equal to one of the allowed values/],
  ["a missing required field", (o, c) => { delete c.name; }, /broken-4: .*must have required property name/],
];
const fixture = { source: "fixture", objects: cases.map(([, mutate], n) => broken(mutate, n)) };
fixture.objects.push({ apiVersion: "apps/v1", kind: "Deploymnet", metadata: { name: "broken-5" } });

// One type-check for everything (it costs seconds; the tests below only read its findings).
const findings = await schemaErrors([...groups, fixture]);
const of = (source) => findings.filter((f) => f.startsWith(`${source}: `));

for (const group of groups) {
  test(`${group.source}: all ${group.objects.length} objects valid against the ${SCHEMA_NAME}, unknown fields rejected`, () => {
    assert.ok(group.objects.length > 0, `${group.source} renders no object`);
    assert.deepEqual(of(group.source), [], `${group.source} does not match the schema:\n${of(group.source).join("\n")}`);
  });
}

test("the schema check rejects typos, wrong types, bad enum values, missing fields and unknown kinds", () => {
  const objects = fixture.objects;
  const errors = of(fixture.source).join("\n");
  for (const [what, , expected] of cases) assert.match(errors, expected, `${what} was not reported:\n${errors}`);
  assert.match(errors, /broken-5: no schema for kind "Deploymnet"/, `an unknown kind was not reported:\n${errors}`);
  assert.ok(objects.every((o) => errors.includes(label(o))), "every broken object is named");
});
