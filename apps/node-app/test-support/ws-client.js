'use strict';
// A WebSocket test client on the `ws` library: records every message and how the socket ended.

const WebSocket = require('ws');

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Opens url; resolves once open. `closed` resolves with { code, reason, at } when the socket ends:
// code 1006 means it ended without a close frame. The test's cleanup always terminates it.
function openWs(t, url) {
  const ws = new WebSocket(url);
  t.after(() => ws.terminate());
  const client = { ws, messages: [], waiters: [], headers: undefined };
  const notify = () => { for (const w of client.waiters) w(); };
  ws.on('upgrade', (res) => { client.headers = res.headers; });
  ws.on('message', (data, isBinary) => {
    client.messages.push({ binary: isBinary, data: isBinary ? data : data.toString('utf8') });
    notify();
  });
  ws.on('error', () => {}); // the test looks at 'close', which always follows
  client.closed = new Promise((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8'), at: Date.now() });
      notify();
    });
  });
  // Resolves with the first `count` messages.
  client.waitMessages = (count, ms = 3000) => withTimeout(new Promise((resolve) => {
    const check = () => { if (client.messages.length >= count) resolve(client.messages.slice(0, count)); };
    client.waiters.push(check);
    check();
  }), ms, `${count} messages (got ${client.messages.length})`);
  client.ticks = () => client.messages.filter((m) => !m.binary).map((m) => JSON.parse(m.data)).filter((m) => 'seq' in m);
  client.waitClosed = (ms = 3000) => withTimeout(client.closed, ms, 'the socket to close');
  return withTimeout(new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('close', (code) => reject(new Error(`closed before open: ${code}`)));
  }), 5000, `${url} to open`);
}

module.exports = { openWs };
