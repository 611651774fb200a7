// The zero-downtime properties of approach_4, as checks over rendered objects. Each check returns
// its violations (empty = holds); the message says what breaks and why. Used by policy.test.mjs
// (every overlay) and by tests/mutate (every unsafe value must produce a violation).

// What the lab's traffic and the platform need (approach_4/README.md: "The rollout, step by step"
// and "preStop hook or the apps' drain delay?").
export const LAB = {
  // Longest request the harness sends (?sleep= up to 20 s).
  longestRequestS: 20,
  // From "pod deleted" until ingress-nginx stops picking it: EndpointSlice update (< 1 s) +
  // controller sync (rate-limited to one per 3.3 s) + Lua balancer refresh (1 s) ≈ 5 s; doubled.
  propagationBudgetS: 10,
  // Headroom on top of every sum of durations.
  marginS: 5,
  // A new pod must stay ready this long before an old one goes.
  minReadySecondsAtLeast: 5,
  // A release that never turns ready must fail the rollout well within ./deploy's deadline.
  progressDeadlineAtMostS: 120,
};

// The apps' defaults (apps/README.md), for a setting a manifest leaves out.
const APP_DEFAULT_MS = { DRAIN_DELAY_MS: 5000, DRAIN_TIMEOUT_MS: 30000, KEEPALIVE_TIMEOUT_MS: 65000 };
// ingress-nginx's default (docs: ConfigMap upstream-keepalive-timeout).
const NGINX_DEFAULT_UPSTREAM_KEEPALIVE_S = 60;

const APPS = ["go-app", "node-app"];
const HEALTH_PATHS = (app) => ["/healthz", `/${app}/healthz`];

// --- helpers -------------------------------------------------------------------------------------

const of = (objects, kind) => objects.filter((o) => o.kind === kind);
const name = (o) => o.metadata?.name;
const podSpec = (d) => d.spec?.template?.spec ?? {};
const podLabels = (d) => d.spec?.template?.metadata?.labels ?? {};
const containers = (d) => podSpec(d).containers ?? [];
const matches = (selector, labels) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

function envMs(c, key) {
  const e = (c.env ?? []).find((x) => x.name === key);
  if (!e) return APP_DEFAULT_MS[key];
  return Number(e.value);
}

// A preStop hook's pause, in seconds (sleep action, or `sleep N` in an exec hook): time the pod keeps
// serving before the app even gets SIGTERM. We use none; a manifest that adds one gets credit for it.
function preStopS(c) {
  const p = c.lifecycle?.preStop;
  if (!p) return 0;
  if (p.sleep?.seconds) return p.sleep.seconds;
  const cmd = (p.exec?.command ?? []).join(" ");
  const m = cmd.match(/\bsleep\s+(\d+)/);
  return m ? Number(m[1]) : 0;
}

// maxSurge / maxUnavailable: an int or a percentage of replicas (surge rounds up, unavailable down).
function resolve(value, replicas, up) {
  if (typeof value === "number") return value;
  const m = String(value).match(/^(\d+)%$/);
  if (!m) return NaN;
  const x = (Number(m[1]) * replicas) / 100;
  return up ? Math.ceil(x) : Math.floor(x);
}

const probePath = (p) => p?.httpGet?.path;
const probeDetectS = (p) => (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
const servesOn = (c, port) => (c.ports ?? []).some((p) => p.name === port || p.containerPort === port);

function eachContainer(objects, fn) {
  const out = [];
  for (const d of of(objects, "Deployment")) for (const c of containers(d)) out.push(...fn(d, c).map((m) => `${name(d)}: ${m}`));
  return out;
}

// --- the checks ----------------------------------------------------------------------------------

export const POLICIES = [
  {
    id: "replicas",
    title: "each app runs at least 2 replicas",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const r = d.spec?.replicas ?? 1;
      return r >= 2 ? [] : [`${name(d)}: replicas ${r}: one replica makes every rollout, node drain or crash an outage (need at least 2)`];
    }),
  },
  {
    id: "rolling-update",
    title: "RollingUpdate, maxSurge >= 1, maxUnavailable 0: a new pod starts before an old one stops",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const s = d.spec?.strategy ?? {};
      const type = s.type ?? "RollingUpdate";
      if (type !== "RollingUpdate") return [`${name(d)}: strategy ${type}: every old pod is stopped before a new one starts`];
      const replicas = d.spec?.replicas ?? 1;
      const ru = s.rollingUpdate ?? {};
      // Both set explicitly: the 25 % defaults happen to round to 0 and 1 below 4 replicas only.
      if (ru.maxUnavailable === undefined || ru.maxSurge === undefined) {
        return [`${name(d)}: maxUnavailable/maxSurge unset: the 25 % defaults let Kubernetes stop old pods early from 4 replicas up (set 0 and 1)`];
      }
      const out = [];
      if (resolve(ru.maxUnavailable, replicas, false) !== 0) out.push(`${name(d)}: maxUnavailable ${ru.maxUnavailable}: Kubernetes may stop an old pod before its replacement is available (must be 0)`);
      if (!(resolve(ru.maxSurge, replicas, true) >= 1)) out.push(`${name(d)}: maxSurge ${ru.maxSurge}: no room to start a new pod beside the old ones (need at least 1)`);
      return out;
    }),
  },
  {
    id: "rollout-pace",
    title: `minReadySeconds >= ${LAB.minReadySecondsAtLeast}, progressDeadlineSeconds <= ${LAB.progressDeadlineAtMostS}: a new pod proves itself, a stuck rollout fails fast`,
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const out = [];
      const mrs = d.spec?.minReadySeconds ?? 0;
      const pds = d.spec?.progressDeadlineSeconds ?? 600;
      if (mrs < LAB.minReadySecondsAtLeast) out.push(`${name(d)}: minReadySeconds ${mrs}: an old pod may go the moment a new one first answers (need at least ${LAB.minReadySecondsAtLeast})`);
      if (pds > LAB.progressDeadlineAtMostS) out.push(`${name(d)}: progressDeadlineSeconds ${pds}: a release that never turns ready is noticed too late (at most ${LAB.progressDeadlineAtMostS})`);
      return out;
    }),
  },
  {
    id: "readiness",
    title: "readiness on /healthz, noticing a draining pod within its drain delay",
    check: ({ objects }) => eachContainer(objects, (d, c) => {
      const p = c.readinessProbe;
      const app = name(d);
      if (!p) return ["no readinessProbe: a pod gets traffic before it can answer, and keeps it while it drains"];
      const out = [];
      if (!HEALTH_PATHS(app).includes(probePath(p))) out.push(`readinessProbe ${JSON.stringify(probePath(p) ?? p)}: must be httpGet ${HEALTH_PATHS(app).join(" or ")} (the route that turns 503 on SIGTERM)`);
      else if (!servesOn(c, p.httpGet.port)) out.push(`readinessProbe port ${p.httpGet.port}: not a port the container serves on`);
      if (probeDetectS(p) * 1000 >= envMs(c, "DRAIN_DELAY_MS")) out.push(`readinessProbe detects a draining pod after ${probeDetectS(p)} s: not within DRAIN_DELAY_MS ${envMs(c, "DRAIN_DELAY_MS")}`);
      return out;
    }),
  },
  {
    id: "liveness",
    title: "startup and liveness probes exist and never kill a draining pod",
    check: ({ objects }) => eachContainer(objects, (d, c) => {
      const out = [];
      const app = name(d);
      for (const kind of ["livenessProbe", "startupProbe"]) {
        const p = c[kind];
        if (!p) { out.push(`no ${kind}`); continue; }
        if (HEALTH_PATHS(app).includes(probePath(p))) out.push(`${kind} on ${probePath(p)}: /healthz is 503 for the whole drain, so the kubelet would kill a draining pod`);
      }
      const l = c.livenessProbe;
      if (l && probeDetectS(l) * 1000 <= envMs(c, "DRAIN_TIMEOUT_MS")) out.push(`livenessProbe gives up after ${probeDetectS(l)} s: a pod finishing requests after its listener closed (DRAIN_TIMEOUT_MS ${envMs(c, "DRAIN_TIMEOUT_MS")}) would be killed`);
      return out;
    }),
  },
  {
    id: "drain-delay",
    title: `a stopping pod serves until ingress-nginx has dropped it (drain delay >= ${LAB.propagationBudgetS} s)`,
    check: ({ objects }) => eachContainer(objects, (d, c) => {
      const s = preStopS(c) + envMs(c, "DRAIN_DELAY_MS") / 1000;
      return s >= LAB.propagationBudgetS ? [] : [`DRAIN_DELAY_MS ${envMs(c, "DRAIN_DELAY_MS")} (+ preStop ${preStopS(c)} s): the app stops accepting after ${s} s, before ingress-nginx has dropped it (budget ${LAB.propagationBudgetS} s)`];
    }),
  },
  {
    id: "drain-timeout",
    title: `in-flight requests may run longer than the longest request (${LAB.longestRequestS} s)`,
    check: ({ objects }) => eachContainer(objects, (d, c) => (envMs(c, "DRAIN_TIMEOUT_MS") >= LAB.longestRequestS * 1000 ? [] :
      [`DRAIN_TIMEOUT_MS ${envMs(c, "DRAIN_TIMEOUT_MS")}: shorter than the longest request (${LAB.longestRequestS} s), which the app would cut`])),
  },
  {
    id: "grace-period",
    title: "terminationGracePeriodSeconds outlasts the whole drain",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const grace = podSpec(d).terminationGracePeriodSeconds ?? 30;
      return containers(d).flatMap((c) => {
        const delay = preStopS(c) + envMs(c, "DRAIN_DELAY_MS") / 1000;
        const needed = delay + LAB.longestRequestS + LAB.marginS;
        const appBound = delay + envMs(c, "DRAIN_TIMEOUT_MS") / 1000;
        const out = [];
        if (grace < needed) out.push(`${name(d)}: terminationGracePeriodSeconds ${grace}: below drain delay ${delay} s + longest request ${LAB.longestRequestS} s + margin ${LAB.marginS} s; SIGKILL would cut requests`);
        else if (grace <= appBound) out.push(`${name(d)}: terminationGracePeriodSeconds ${grace}: not above the app's own bound (drain delay + DRAIN_TIMEOUT_MS = ${appBound} s)`);
        return out;
      });
    }),
  },
  {
    id: "keepalive",
    title: "ingress-nginx closes idle upstream connections before the apps do",
    check: ({ objects, nginxConfig }) => {
      const nginxS = Number(nginxConfig?.data?.["upstream-keepalive-timeout"] ?? NGINX_DEFAULT_UPSTREAM_KEEPALIVE_S);
      return eachContainer(objects, (d, c) => (envMs(c, "KEEPALIVE_TIMEOUT_MS") > nginxS * 1000 ? [] :
        [`KEEPALIVE_TIMEOUT_MS ${envMs(c, "KEEPALIVE_TIMEOUT_MS")}: not above ingress-nginx upstream-keepalive-timeout ${nginxS} s; nginx may send a request on a connection the app is closing`]));
    },
  },
  {
    id: "non-root",
    title: "pods run as a non-root user",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const ps = podSpec(d).securityContext ?? {};
      return containers(d).flatMap((c) => {
        const cs = c.securityContext ?? {};
        const nonRoot = cs.runAsNonRoot ?? ps.runAsNonRoot;
        const user = cs.runAsUser ?? ps.runAsUser;
        const out = [];
        if (nonRoot !== true) out.push(`${name(d)}: runAsNonRoot is not true: the container may run as root`);
        if (user === 0) out.push(`${name(d)}: runAsUser 0: runs as root`);
        return out;
      });
    }),
  },
  {
    id: "hardened",
    title: "containers are locked down (read-only root, no privilege escalation, no capabilities, seccomp)",
    check: ({ objects }) => eachContainer(objects, (d, c) => {
      const cs = c.securityContext ?? {};
      const seccomp = cs.seccompProfile?.type ?? podSpec(d).securityContext?.seccompProfile?.type;
      const out = [];
      if (cs.readOnlyRootFilesystem !== true) out.push("readOnlyRootFilesystem is not true");
      if (cs.allowPrivilegeEscalation !== false) out.push("allowPrivilegeEscalation is not false");
      if (cs.privileged === true) out.push("privileged");
      if (!(cs.capabilities?.drop ?? []).includes("ALL")) out.push("capabilities do not drop ALL");
      if ((cs.capabilities?.add ?? []).length) out.push(`capabilities added: ${cs.capabilities.add.join(", ")}`);
      if (!["RuntimeDefault", "Localhost"].includes(seccomp)) out.push(`seccompProfile ${seccomp ?? "unset"}: must be RuntimeDefault`);
      return out;
    }),
  },
  {
    id: "no-token",
    title: "no service-account token is mounted",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => (podSpec(d).automountServiceAccountToken === false ? [] :
      [`${name(d)}: automountServiceAccountToken is not false: the pod gets an API token it never uses`])),
  },
  {
    id: "resources",
    title: "every container has CPU and memory requests and limits",
    check: ({ objects }) => eachContainer(objects, (d, c) => {
      const r = c.resources ?? {};
      return [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]]
        .filter(([k, res]) => r[k]?.[res] === undefined).map(([k, res]) => `no ${k}.${res}`);
    }),
  },
  {
    id: "spread",
    title: "replicas spread over nodes (topologySpreadConstraints on kubernetes.io/hostname)",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const ok = (podSpec(d).topologySpreadConstraints ?? []).some((t) => t.topologyKey === "kubernetes.io/hostname" &&
        t.maxSkew === 1 && matches(t.labelSelector?.matchLabels, podLabels(d)));
      return ok ? [] : [`${name(d)}: no topology spread over kubernetes.io/hostname with maxSkew 1 selecting its pods: one node can hold every replica`];
    }),
  },
  {
    id: "image",
    title: "images are pinned to a version (never :latest), and the kind overlay never pulls",
    check: ({ objects, overlay }) => eachContainer(objects, (d, c) => {
      const out = [];
      const image = c.image ?? "";
      const tag = image.includes("@") ? "digest" : (image.split("/").pop().split(":")[1] ?? "");
      if (!tag || tag === "latest") out.push(`image ${image}: no version tag (or :latest): a rollback target could move`);
      if (overlay === "kind" && c.imagePullPolicy !== "Never") out.push(`imagePullPolicy ${c.imagePullPolicy ?? "unset"}: the kind overlay's images exist only in the node (must be Never)`);
      if (c.imagePullPolicy === "Always") out.push("imagePullPolicy Always: every pod start depends on the registry");
      return out;
    }),
  },
  {
    id: "pdb",
    title: "a PodDisruptionBudget keeps at least one pod and lets a drain proceed",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const replicas = d.spec?.replicas ?? 1;
      const pdbs = of(objects, "PodDisruptionBudget").filter((p) => matches(p.spec?.selector?.matchLabels, podLabels(d)));
      if (pdbs.length === 0) return [`${name(d)}: no PodDisruptionBudget selects its pods: a node drain may evict every replica at once`];
      return pdbs.flatMap((p) => {
        const s = p.spec;
        const allowed = s.maxUnavailable !== undefined ? resolve(s.maxUnavailable, replicas, true)
          : replicas - resolve(s.minAvailable, replicas, true);
        if (allowed >= replicas) return [`${name(d)}: PodDisruptionBudget ${name(p)} allows ${allowed} of ${replicas} pods to go at once`];
        if (!(allowed >= 1)) return [`${name(d)}: PodDisruptionBudget ${name(p)} allows no eviction: node drains block forever`];
        return [];
      });
    }),
  },
  {
    id: "service",
    title: "each app has a Service selecting all its pods (every release) on a port the container serves",
    check: ({ objects }) => of(objects, "Deployment").flatMap((d) => {
      const svc = of(objects, "Service").find((s) => name(s) === name(d));
      if (!svc) return [`${name(d)}: no Service named ${name(d)}`];
      const sel = svc.spec?.selector ?? {};
      const out = [];
      if (!matches(sel, podLabels(d))) out.push(`${name(d)}: Service selector ${JSON.stringify(sel)} does not select its pods`);
      const pinned = Object.keys(sel).filter((k) => /pod-template-hash|version/i.test(k));
      if (pinned.length) out.push(`${name(d)}: Service selector pins ${pinned.join(", ")}: old and new pods cannot serve together during a rollout`);
      for (const p of svc.spec?.ports ?? []) {
        if (!containers(d).some((c) => servesOn(c, p.targetPort ?? p.port))) out.push(`${name(d)}: Service targetPort ${p.targetPort}: no container serves it`);
      }
      return out;
    }),
  },
  {
    id: "ingress",
    title: "the Ingress routes /<app>/ to each app through ingress-nginx, streaming, without retries",
    check: ({ objects }) => {
      const ing = of(objects, "Ingress");
      if (ing.length !== 1) return [`expected one Ingress, found ${ing.length}`];
      const i = ing[0];
      const a = i.metadata?.annotations ?? {};
      const out = [];
      if (i.spec?.ingressClassName !== "nginx") out.push(`ingressClassName ${i.spec?.ingressClassName}: must be nginx (ingress-nginx)`);
      const paths = (i.spec?.rules ?? []).flatMap((r) => r.http?.paths ?? []);
      for (const app of APPS) {
        const p = paths.find((x) => x.path === `/${app}/`);
        if (!p) { out.push(`no path /${app}/`); continue; }
        if (p.pathType !== "Prefix") out.push(`/${app}/: pathType ${p.pathType}: must be Prefix (every route under it)`);
        const svc = of(objects, "Service").find((s) => name(s) === p.backend?.service?.name);
        if (p.backend?.service?.name !== app || !svc) out.push(`/${app}/ goes to service ${p.backend?.service?.name}, not ${app}`);
        else if (!(svc.spec?.ports ?? []).some((sp) => sp.name === p.backend.service.port?.name || sp.port === p.backend.service.port?.number)) out.push(`/${app}/: the Service has no port ${JSON.stringify(p.backend.service.port)}`);
      }
      const read = Number(a["nginx.ingress.kubernetes.io/proxy-read-timeout"] ?? 60);
      if (!(read > LAB.longestRequestS)) out.push(`proxy-read-timeout ${read}: a ${LAB.longestRequestS} s request would be cut with a 504`);
      if (a["nginx.ingress.kubernetes.io/proxy-buffering"] !== "off") out.push("proxy-buffering is not off: SSE events would wait in nginx's buffer");
      if (a["nginx.ingress.kubernetes.io/proxy-next-upstream"] !== "off") out.push("proxy-next-upstream is not off: nginx would retry and hide what the rollout broke");
      if (a["nginx.ingress.kubernetes.io/service-upstream"] === "true") out.push("service-upstream true: nginx would send through the ClusterIP and never see a pod leave");
      return out;
    },
  },
  {
    id: "namespace",
    title: "the namespace enforces the restricted Pod Security Standard",
    check: ({ objects }) => {
      const ns = of(objects, "Namespace");
      const used = new Set(of(objects, "Deployment").map((d) => d.metadata?.namespace));
      return [...used].flatMap((n) => {
        const o = ns.find((x) => name(x) === n);
        if (!o) return [`namespace ${n} is not part of the overlay`];
        const level = o.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
        return level === "restricted" ? [] : [`namespace ${n}: pod-security.kubernetes.io/enforce ${level ?? "unset"}: must be restricted`];
      });
    },
  },
  {
    id: "apps-present",
    title: "both apps are deployed",
    check: ({ objects }) => APPS.filter((a) => !of(objects, "Deployment").some((d) => name(d) === a)).map((a) => `no Deployment ${a}`),
  },
];

// All violations for one overlay: [{ id, title, violations }].
export function evaluate({ overlay, objects, nginxConfig }) {
  return POLICIES.map((p) => ({ id: p.id, title: p.title, violations: p.check({ overlay, objects, nginxConfig }) }));
}
