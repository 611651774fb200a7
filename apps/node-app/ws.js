'use strict';
// GET /ws: a WebSocket that ticks like /stream, echoes what it receives, resumes with ?last=N,
// and on drain ends with a close frame 1012 carrying the last sequence number. The protocol is
// the `ws` library's; this file only decides what to send and when.

const http = require('node:http');
const { WebSocketServer } = require('ws');

// 1012 Service Restart (IANA registry): "reconnect, the service is coming back", which is what a
// deploy is. 1001 Going Away also covers a browser leaving the page and a server going down for
// good, so it does not tell the client to come back.
const SERVICE_RESTART = 1012;
const POLICY_VIOLATION = 1008;
const ABNORMAL = 1006; // what ws reports when the socket ended without the peer's close frame
// The largest seq a JSON number carries exactly in every client (JavaScript's 2^53 - 1).
const MAX_SEQ = Number.MAX_SAFE_INTEGER;
const BAD_LAST = `bad last: want one integer from 0 to ${MAX_SEQ}`;
// Messages are chat-sized; a bigger one is refused with 1009 (Message Too Big).
const MAX_MESSAGE_BYTES = 64 * 1024;

// ?last=<seq>: absent means a new client (first tick is 1); null means a bad value.
function parseLast(searchParams) {
  const values = searchParams.getAll('last');
  if (values.length === 0) return 0;
  const n = /^\d+$/.test(values[0]) ? Number(values[0]) : NaN;
  return values.length === 1 && n <= MAX_SEQ ? n : null;
}

// Serves /ws on `server`'s upgrade requests. state.websockets maps each open socket to the
// function that closes it for the drain (server.js calls them once the listener is closed).
function attachWebSockets(server, config, state, route) {
  const who = { app: config.appName, version: config.version, instance: config.instance };
  const wss = new WebSocketServer({
    noServer: true, // one listener for HTTP and WebSockets, so one drain covers both
    clientTracking: false, // state.websockets tracks them
    maxPayload: MAX_MESSAGE_BYTES,
    // A client that never answers our close frame is cut after this, so the drain cannot hang.
    closeTimeout: config.wsCloseTimeoutMs,
  });
  wss.on('headers', (headers) => {
    headers.push(`X-App-Version: ${config.version}`, `X-App-Instance: ${config.instance}`);
  });

  // Resolves when the socket has closed: true when the peer answered the close frame.
  const closeWith = (ws, code, reason) => new Promise((resolve) => {
    ws.once('close', (peerCode) => resolve(peerCode !== ABNORMAL));
    ws.close(code, reason);
  });

  const serve = (ws, last) => {
    ws.on('error', () => {}); // a broken socket also ends in 'close'; nothing else to do
    if (last === null) {
      closeWith(ws, POLICY_VIOLATION, BAD_LAST);
      return;
    }
    let seq = last;
    const tick = () => {
      seq += 1;
      ws.send(JSON.stringify({ ...who, seq }));
    };
    const timer = setInterval(tick, config.streamIntervalMs);
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== ws.OPEN) return; // nothing follows our close frame
      if (isBinary) ws.send(data, { binary: true });
      else ws.send(JSON.stringify({ echo: data.toString('utf8') }));
    });
    // After the drain delay, like /stream's reconnect: proxies have taken this instance out, so
    // the client's reconnect reaches the new version.
    const end = () => {
      clearInterval(timer);
      return closeWith(ws, SERVICE_RESTART, JSON.stringify({ lastSeq: seq }));
    };
    ws.on('close', () => {
      clearInterval(timer);
      state.websockets.delete(ws);
    });
    state.websockets.set(ws, end);
    if (state.closing) {
      state.drainCloses.push(end()); // accepted as the listener closed: send the client on at once
      return;
    }
    tick(); // the first tick goes out at once, like /stream's first event
  };

  server.on('upgrade', (req, socket, head) => {
    // Node hands every request with an Upgrade header to this listener, whatever the protocol.
    // One we do not speak (h2c: the JDK's HttpClient offers it on each new connection) is ignored,
    // as HTTP allows (RFC 9110 7.8): the request is served as plain HTTP/1.1, then the connection
    // closes (it has left the server's keep-alive handling).
    if (String(req.headers.upgrade).toLowerCase() !== 'websocket') {
      const res = new http.ServerResponse(req);
      res.shouldKeepAlive = false;
      res.assignSocket(socket);
      res.on('finish', () => socket.end());
      socket.on('error', () => {}); // a client gone mid-answer must not crash the app
      server.emit('request', req, res);
      return;
    }
    let url;
    try {
      url = new URL(req.url, 'http://app.invalid');
    } catch {
      url = null;
    }
    if (!url || route(url.pathname) !== '/ws') {
      const body = `not found: ${req.url} (WebSockets are served on /ws)`;
      socket.on('error', () => {}); // a client gone mid-answer must not crash the app
      socket.end(`HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    const last = parseLast(url.searchParams);
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, last));
  });
}

module.exports = { attachWebSockets, SERVICE_RESTART, MAX_SEQ };
