'use strict';
// The lab's HTTP contract (docs/CONVENTIONS.md): /, /healthz, /stream and /ws (ws.js), at the root
// and under /<app-name>/. The drain state lives in `state`, which server.js flips.

const { finished } = require('node:stream');

function createState() {
  return {
    draining: false, // SIGTERM arrived: readiness is 503, responses ask clients to reconnect
    closing: false, // the listener is closed: streams and WebSockets end
    inFlight: 0, // HTTP requests; WebSockets are counted in `websockets`
    streams: new Set(), // functions that end one open stream with a reconnect event
    websockets: new Map(), // open WebSocket → function that closes it with 1012
    drainCloses: [], // promises of those closes: true when the peer answered
  };
}

// /<app-name>/x → /x, so path-routing proxies need no rewrite rules.
function routeFor(config) {
  const prefix = `/${config.appName}`;
  return (path) => {
    if (path === prefix) return '/';
    return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
  };
}

function createHandler(config, state) {
  const hello = `Hi! from ${config.appName} ${config.version} (${config.instance})`;
  const stripPrefix = routeFor(config);

  const baseHeaders = (res) => {
    res.setHeader('X-App-Version', config.version);
    res.setHeader('X-App-Instance', config.instance);
    res.setHeader('Cache-Control', 'no-store');
    if (state.draining) {
      // Retire keep-alive connections while the proxy may still send to us, so none is left idle
      // to be closed under a request in flight when the listener closes. Node closes the socket
      // after a response carrying this header.
      res.setHeader('Connection', 'close');
    }
  };

  // Headers are decided when the response is written, so a long request that started before
  // SIGTERM still answers with Connection: close.
  const text = (res, status, body, extraHeaders = {}) => {
    if (res.destroyed) return;
    baseHeaders(res);
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      ...extraHeaders,
    });
    res.end(body);
  };

  const allow = (req, res, methods) => {
    if (methods.includes(req.method)) return true;
    text(res, 405, `method not allowed: ${req.method}`, { Allow: methods.join(', ') });
    return false;
  };

  // ?sleep=<ms>|random → milliseconds to hold, or an Error for a 400.
  const sleepFor = (query) => {
    if (!query.has('sleep')) return 0;
    const raw = query.get('sleep');
    if (raw === 'random') {
      const lo = config.sleepRandomMinMs;
      return lo + Math.floor(Math.random() * (config.sleepRandomMaxMs - lo + 1));
    }
    const ms = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(ms <= config.sleepMaxMs)) {
      return new Error(`bad sleep=${JSON.stringify(raw)}: want milliseconds from 0 to ${config.sleepMaxMs} (SLEEP_MAX_MS), or "random"`);
    }
    return ms;
  };

  const handleHello = (req, res, query) => {
    if (!allow(req, res, ['GET', 'HEAD', 'POST'])) return;
    // Read the whole body: an unread body stops the connection from being reused.
    req.resume();
    finished(req, (err) => {
      if (err) return; // the client went away mid-body; nobody is left to answer
      const hold = sleepFor(query);
      if (hold instanceof Error) return text(res, 400, hold.message);
      if (hold === 0) return text(res, 200, hello);
      const timer = setTimeout(() => text(res, 200, hello), hold);
      res.on('close', () => clearTimeout(timer)); // client gave up: stop holding
    });
  };

  const handleHealthz = (req, res) => {
    if (!allow(req, res, ['GET', 'HEAD'])) return;
    if (config.failHealth) text(res, 503, 'unhealthy (FAIL_HEALTH)');
    else if (state.draining) text(res, 503, 'draining');
    else text(res, 200, 'ok');
  };

  // Server-Sent Events until the client leaves or the server drains; on drain a reconnect event
  // tells the client to resume (Last-Event-ID) on the next version.
  const handleStream = (req, res) => {
    if (!allow(req, res, ['GET'])) return;
    let lastSeq = 0;
    const lastEventId = req.headers['last-event-id'];
    if (lastEventId !== undefined && lastEventId !== '') {
      if (!/^\d+$/.test(lastEventId) || !Number.isSafeInteger(Number(lastEventId))) {
        return text(res, 400, `bad Last-Event-ID ${JSON.stringify(lastEventId)}: want a non-negative integer`);
      }
      lastSeq = Number(lastEventId);
    }
    const who = { app: config.appName, version: config.version, instance: config.instance };

    baseHeaders(res);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no', // nginx would otherwise buffer the events
      // A stream's connection is never reused: the reconnect then always opens a new connection,
      // which a proxy can route to the new version, instead of racing our close on this one.
      Connection: 'close',
    });
    res.flushHeaders();

    const tick = () => {
      lastSeq += 1;
      res.write(`id: ${lastSeq}\nevent: tick\ndata: ${JSON.stringify({ ...who, seq: lastSeq })}\n\n`);
    };
    const timer = setInterval(tick, config.streamIntervalMs);
    const end = () => {
      clearInterval(timer);
      res.end(`event: reconnect\ndata: ${JSON.stringify({ ...who, lastSeq })}\n\n`);
    };
    res.on('close', () => {
      clearInterval(timer);
      state.streams.delete(end);
    });
    if (state.closing) return end();
    state.streams.add(end);
    tick(); // the first event goes out at once
  };

  // Upgrade requests never get here (ws.js takes them): this one asked for plain HTTP.
  const handleWsWithoutUpgrade = (req, res, pathname) => {
    if (!allow(req, res, ['GET'])) return;
    text(res, 426, `${pathname} is a WebSocket: connect with a WebSocket client (Connection: Upgrade, Upgrade: websocket)`, { Upgrade: 'websocket' });
  };

  return function handle(req, res) {
    state.inFlight += 1;
    res.on('close', () => {
      state.inFlight -= 1;
    });

    let url;
    try {
      url = new URL(req.url, 'http://app.invalid');
    } catch {
      return text(res, 400, `bad request target: ${req.url}`);
    }
    switch (stripPrefix(url.pathname)) {
      case '/':
        return handleHello(req, res, url.searchParams);
      case '/healthz':
        return handleHealthz(req, res);
      case '/stream':
        return handleStream(req, res);
      case '/ws':
        return handleWsWithoutUpgrade(req, res, url.pathname);
      default:
        return text(res, 404, `not found: ${url.pathname}`);
    }
  };
}

module.exports = { createState, createHandler, routeFor };
