'use strict';
// node-app: the lab's Node service, a tiny HTTP app that drains without dropping requests.
// Drain on SIGTERM/SIGINT: readiness 503 at once → keep serving for DRAIN_DELAY_MS → close the
// listener and idle keep-alive connections, end streams, close WebSockets with 1012, let in-flight
// requests finish → exit 0 (or exit 1 when DRAIN_TIMEOUT_MS cut some).

const http = require('node:http');
const os = require('node:os');
const { loadConfig } = require('./config');
const { createState, createHandler, routeFor } = require('./app');
const { attachWebSockets } = require('./ws');

const EXIT_FAILURE = 1; // drain timed out (connections were cut), or the listener failed
const EXIT_BAD_CONFIG = 2;

const log = (line) => console.log(line);

const { config, problems } = loadConfig(process.env, os.hostname());
if (problems.length > 0) {
  for (const p of problems) console.error(`ERROR: bad configuration: ${p}`);
  process.exit(EXIT_BAD_CONFIG);
}

const state = createState();
const server = http.createServer(createHandler(config, state));
// Longer than any proxy's upstream idle timeout, so the proxy closes idle connections first;
// Node's default of 5 s closes connections a proxy is about to reuse, which drops requests.
server.keepAliveTimeout = config.keepAliveTimeoutMs;
attachWebSockets(server, config, state, routeFor(config));

const sockets = new Set();
server.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
});

server.on('error', (err) => {
  console.error(`ERROR: listen: ${err.message}`);
  process.exit(EXIT_FAILURE);
});

server.listen(config.port, config.listenAddr, () => {
  const { port, address } = server.address();
  log(`start: app=${config.appName} version=${config.version} instance=${config.instance} port=${port} addr=${address}:${port}`);
});

function drain(signal) {
  if (state.draining) {
    log(`drain: ${signal} received again, already draining`);
    return;
  }
  // 1. Readiness goes 503 at once; 2. keep serving so proxies and LBs notice before we leave.
  state.draining = true;
  log(`drain: ${signal} received, readiness=503, serving for ${config.drainDelayMs}ms`);
  setTimeout(closeListener, config.drainDelayMs);
}

// 3. Stop accepting, close idle keep-alive connections, end streams, close WebSockets, and wait for
// in-flight requests (including long ones) up to the drain timeout. Responses written from now on
// carry Connection: close (see app.js), so busy connections close once answered. server.close()
// leaves upgraded sockets open, but it waits for them: each WebSocket ends with our close frame
// and the peer's answer, or ws cuts it after WS_CLOSE_TIMEOUT_MS.
function closeListener() {
  state.closing = true;
  const deadline = setTimeout(() => {
    log(`drain: timeout after ${config.drainTimeoutMs}ms, cutting ${sockets.size} connections (${state.inFlight} requests in flight, ${state.websockets.size} websockets), exit 1`);
    for (const socket of sockets) socket.destroy();
    process.exit(EXIT_FAILURE);
  }, config.drainTimeoutMs);
  // A connection can turn idle later (e.g. accepted just before close, then answered); sweep it.
  const sweeper = setInterval(() => server.closeIdleConnections(), 250);

  server.close(async () => { // called once every connection has closed
    clearInterval(sweeper);
    const answers = await Promise.all(state.drainCloses); // ws reports each close just after
    clearTimeout(deadline);
    if (answers.length > 0) {
      const answered = answers.filter(Boolean).length;
      log(`drain: ${answers.length} websockets closed with 1012: ${answered} answered the close, ${answers.length - answered} did not within ${config.wsCloseTimeoutMs}ms and were closed`);
    }
    log('drain: done, exit 0');
    process.exit(0);
  });
  log(`drain: listener closed, ${state.inFlight} in flight (${state.streams.size} streams), ${state.websockets.size} websockets, ending streams and websockets, waiting up to ${config.drainTimeoutMs}ms`);
  for (const end of state.streams) end();
  for (const end of state.websockets.values()) state.drainCloses.push(end());
  server.closeIdleConnections(); // close() does this itself only from Node 19 on
}

process.on('SIGTERM', () => drain('SIGTERM'));
process.on('SIGINT', () => drain('SIGINT'));
