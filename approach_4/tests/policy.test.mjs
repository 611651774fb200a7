// Every zero-downtime property (tests/lib/policy.mjs) holds in every overlay. tests/mutate shows
// that each one fails when its setting is made unsafe.
import assert from "node:assert/strict";
import { test } from "node:test";
import { INGRESS_NGINX_CONFIG, loadFile, OVERLAYS, render } from "./lib/manifests.mjs";
import { evaluate } from "./lib/policy.mjs";

const nginxConfig = loadFile(INGRESS_NGINX_CONFIG).objects[0];

for (const overlay of OVERLAYS) {
  const { objects } = render(overlay);
  for (const { id, title, violations } of evaluate({ overlay, objects, nginxConfig })) {
    test(`overlays/${overlay}: ${title} [${id}]`, () => {
      assert.deepEqual(violations, [], violations.join("\n"));
    });
  }
}
