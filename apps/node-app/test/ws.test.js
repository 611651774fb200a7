'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startApp, request, RawConnection } = require('../test-support/app-process');
const { openWs } = require('../test-support/ws-client');

const wsUrl = (app, pathAndQuery) => `ws://127.0.0.1:${app.port}${pathAndQuery}`;

test('/ws ticks at once, echoes, and resumes after ?last=', async (t) => {
  const app = await startApp(t, { STREAM_INTERVAL_MS: '60000' }); // only the immediate first tick can come
  const ws = await openWs(t, wsUrl(app, '/node-app/ws'));
  assert.equal(ws.headers['x-app-version'], 't1');
  assert.equal(ws.headers['x-app-instance'], 'test-1');
  const [first] = await ws.waitMessages(1);
  assert.equal(first.data, '{"app":"node-app","version":"t1","instance":"test-1","seq":1}');

  ws.ws.send('hi "there"');
  const [, echo] = await ws.waitMessages(2);
  assert.deepEqual(echo, { binary: false, data: '{"echo":"hi \\"there\\""}' });
  ws.ws.send(Buffer.from([0, 1]));
  const [, , binary] = await ws.waitMessages(3);
  assert.equal(binary.binary, true, 'binary comes back as binary');
  assert.deepEqual([...binary.data], [0, 1]);

  // A client that saw tick 41 resumes at 42, at the root path too.
  const resumed = await openWs(t, wsUrl(app, '/ws?last=41'));
  const [next] = await resumed.waitMessages(1);
  assert.equal(JSON.parse(next.data).seq, 42);

  // A client that closes gets its close answered.
  ws.ws.close(1000, 'bye');
  assert.equal((await ws.waitClosed()).code, 1000);
});

test('/ws ticks in order', async (t) => {
  const app = await startApp(t, { STREAM_INTERVAL_MS: '50' });
  const ws = await openWs(t, wsUrl(app, '/ws?last=7'));
  await ws.waitMessages(4);
  assert.deepEqual(ws.ticks().slice(0, 4).map((m) => m.seq), [8, 9, 10, 11]);
});

test('/ws with a bad ?last= is closed with 1008 and a reason', async (t) => {
  const app = await startApp(t);
  for (const bad of ['x', '-1', '1.5', '', '+5', '9007199254740992', '1&last=2']) {
    const ws = await openWs(t, wsUrl(app, `/ws?last=${bad}`));
    const closed = await ws.waitClosed();
    assert.deepEqual({ code: closed.code, reason: closed.reason },
      { code: 1008, reason: 'bad last: want one integer from 0 to 9007199254740991' }, `last=${bad}`);
    assert.equal(ws.messages.length, 0, `last=${bad}: nothing before the close`);
  }
  // The largest accepted value still ticks.
  const max = await openWs(t, wsUrl(app, '/ws?last=9007199254740990'));
  const [tick] = await max.waitMessages(1);
  assert.equal(JSON.parse(tick.data).seq, 9007199254740991);
});

test('/ws without an upgrade is 426', async (t) => {
  const app = await startApp(t);
  const res = await request(app.url('/node-app/ws'));
  assert.equal(res.status, 426);
  assert.equal(res.headers.upgrade, 'websocket');
  assert.match(res.body, /WebSocket/);
});

// A deploy in miniature: the old process keeps ticking through the drain delay, then closes every
// socket with 1012 and the last seq; the new process continues each one without a gap.
test('SIGTERM closes every WebSocket with 1012 and the last seq; the next version resumes', async (t) => {
  const DRAIN_DELAY_MS = 800;
  const old = await startApp(t, { DRAIN_DELAY_MS: String(DRAIN_DELAY_MS), STREAM_INTERVAL_MS: '100' });
  const sockets = await Promise.all(['/node-app/ws', '/ws', '/ws?last=100'].map((p) => openWs(t, wsUrl(old, p))));
  const first = await Promise.all(sockets.map(async (ws) => JSON.parse((await ws.waitMessages(1))[0].data).seq));

  old.signal('SIGTERM');
  const signalled = Date.now();
  await old.waitLog('drain: listener closed, ', 3000);

  const next = await startApp(t, { APP_VERSION: 't2', INSTANCE: 'test-2', STREAM_INTERVAL_MS: '100' });
  for (const [i, ws] of sockets.entries()) {
    const closed = await ws.waitClosed();
    const last = ws.ticks().at(-1);
    assert.deepEqual({ code: closed.code, reason: closed.reason }, { code: 1012, reason: `{"lastSeq":${last.seq}}` },
      `socket ${i}: a close frame 1012 naming the last tick (1006 = no close frame)`);
    assert.ok(closed.at - signalled >= DRAIN_DELAY_MS - 20, `socket ${i} closed ${closed.at - signalled}ms after SIGTERM, before the drain delay ended`);
    assert.ok(last.seq >= first[i] + 4 && last.version === 't1', `socket ${i}: last tick ${JSON.stringify(last)}, want t1 ticking through the delay`);

    // Resume on the new version: the next tick is lastSeq + 1.
    const resumed = await openWs(t, wsUrl(next, `/node-app/ws?last=${last.seq}`));
    const [tick] = await resumed.waitMessages(1);
    assert.deepEqual([JSON.parse(tick.data).seq, JSON.parse(tick.data).version], [last.seq + 1, 't2'], `socket ${i} resumed`);
  }

  assert.equal(await old.waitExit(5000), 0);
  await old.waitLog('drain: 3 websockets closed with 1012: 3 answered the close, 0 did not', 1000);
});

// A client that never answers the close frame costs WS_CLOSE_TIMEOUT_MS, not the drain timeout.
test('the wait for a close answer is bounded', async (t) => {
  const app = await startApp(t, { DRAIN_DELAY_MS: '0', DRAIN_TIMEOUT_MS: '20000', WS_CLOSE_TIMEOUT_MS: '300', STREAM_INTERVAL_MS: '60000' });
  const mute = await openWs(t, wsUrl(app, '/ws'));
  await mute.waitMessages(1);
  mute.ws.pause(); // reads nothing more, so never sees (or answers) the close frame
  app.signal('SIGTERM');
  assert.equal(await app.waitExit(5000), 0, 'the close frame went out; the client just did not answer');
  await app.waitLog('1 did not within 300ms and were closed', 1000);
  // The frame was sent all the same: it is waiting in the client's socket.
  mute.ws.resume();
  assert.equal((await mute.waitClosed()).code, 1012);
});

// If even the close frame cannot finish within the drain timeout, the socket is cut and the exit
// code says so.
test('a drain timeout cuts WebSockets and exits 1', async (t) => {
  const app = await startApp(t, { DRAIN_DELAY_MS: '0', DRAIN_TIMEOUT_MS: '300', WS_CLOSE_TIMEOUT_MS: '10000', STREAM_INTERVAL_MS: '60000' });
  const mute = await openWs(t, wsUrl(app, '/ws'));
  await mute.waitMessages(1);
  mute.ws.pause();
  app.signal('SIGTERM');
  assert.equal(await app.waitExit(5000), 1, 'a cut drain must be visible');
  await app.waitLog('drain: timeout after 300ms, cutting 1 connections (0 requests in flight, 1 websockets), exit 1');
});

test('an Upgrade the app does not speak (h2c) is ignored: the request is served as HTTP/1.1', async (t) => {
  const app = await startApp(t);
  const h2c = { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA' };
  const hello = await request(app.url('/node-app/'), { headers: h2c });
  assert.equal(hello.status, 200);
  assert.match(hello.body, /^Hi! from node-app t1/);
  assert.equal(hello.headers.connection, 'close', 'the connection left keep-alive handling, so it closes');
  const posted = await request(app.url('/node-app/'), { method: 'POST', headers: h2c, body: 'x' });
  assert.equal(posted.status, 200);
  // A stream is served too (its first event at once).
  const conn = await RawConnection.open(t, app.port);
  conn.socket.write('GET /node-app/stream HTTP/1.1\r\nHost: test\r\nAccept: text/event-stream\r\n'
    + 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n');
  await conn.waitFor(() => conn.buffer.toString().includes('event: tick'), 5000, 'the first tick');
  assert.match(conn.buffer.toString(), /^HTTP\/1\.1 200 /);
});
