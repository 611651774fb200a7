'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { startApp, request, tryConnect, RawConnection, openStream, delay } = require('../test-support/app-process');

// The whole drain on one process: every request that reached the app before or during the drain
// gets its answer, and new connections are refused only after the drain delay.
test('SIGTERM drains without dropping anything', async (t) => {
  const DRAIN_DELAY_MS = 800;
  const app = await startApp(t, { DRAIN_DELAY_MS: String(DRAIN_DELAY_MS), STREAM_INTERVAL_MS: '100' });

  const stream = await openStream(app.url('/node-app/stream'));
  await stream.waitEvents(1);

  // A kept-alive connection: one request answered, then a long one in flight across the drain.
  const busy = await RawConnection.open(t, app.port);
  busy.send('GET', '/');
  const first = await busy.receive();
  assert.equal(first.status, 200);
  assert.equal(first.headers.connection, 'keep-alive');
  busy.send('GET', '/?sleep=2000');
  // A kept-alive connection left idle.
  const idle = await RawConnection.open(t, app.port);
  idle.send('GET', '/healthz');
  assert.equal((await idle.receive()).headers.connection, 'keep-alive');
  await delay(100); // let the long request reach its handler

  app.signal('SIGTERM');
  const signalled = Date.now();

  // 1. Readiness turns 503 at once.
  for (;;) {
    const res = await request(app.url('/healthz'));
    if (res.status === 503 && res.body === 'draining') break;
    assert.ok(Date.now() - signalled < 300, `/healthz still ${res.status} 300ms after SIGTERM`);
    await delay(10);
  }

  // 2. Still serving during the delay; each answer retires its connection.
  const during = await request(app.url('/'));
  assert.equal(during.status, 200, 'GET / during the drain delay');
  assert.equal(during.headers.connection, 'close', 'GET / during the drain delay');

  // 3. After the delay: listener closed, so new connections are refused.
  await app.waitLog('drain: listener closed', 3000);
  const waited = Date.now() - signalled;
  assert.ok(waited >= DRAIN_DELAY_MS - 20, `listener closed ${waited}ms after SIGTERM, before the drain delay`);
  assert.equal(await tryConnect(app.port), 'ECONNREFUSED', 'new connection after the drain delay');
  assert.ok(await idle.closedByServer(2000), 'the idle keep-alive connection is closed by the server');

  // The long request finishes normally, and its kept-alive connection is told to close.
  const long = await busy.receive();
  assert.equal(long.status, 200, 'long request');
  assert.equal(long.body, 'Hi! from node-app t1 (test-1)');
  assert.equal(long.headers.connection, 'close', 'response on a kept-alive connection after the delay');
  assert.ok(await busy.closedByServer(2000), 'the busy connection closes after its Connection: close response');

  // The stream kept ticking through the delay, then got a reconnect naming the last tick.
  await stream.done;
  assert.ok(stream.clean, 'the stream ends cleanly after a complete event');
  const ticks = stream.events.filter((e) => e.event === 'tick');
  const reconnect = stream.events.at(-1);
  const lastTick = ticks.at(-1);
  assert.ok(Number(lastTick.id) >= 5, `last tick ${lastTick.id}: the stream kept ticking during the delay`);
  assert.equal(reconnect.event, 'reconnect');
  assert.equal(JSON.parse(reconnect.data).lastSeq, Number(lastTick.id));
  assert.equal(JSON.parse(reconnect.data).app, 'node-app');

  assert.equal(await app.waitExit(5000), 0);
  await app.waitLog('drain: done, exit 0', 1000);
});

test('SIGINT drains too, and repeated signals are ignored', async (t) => {
  const app = await startApp(t, { DRAIN_DELAY_MS: '300' });
  app.signal('SIGINT');
  await app.waitLog('drain: SIGINT received, readiness=503, serving for 300ms');
  app.signal('SIGINT');
  await app.waitLog('already draining');
  assert.equal(await app.waitExit(), 0);
});

test('a drain that times out cuts connections and exits 1', async (t) => {
  const app = await startApp(t, { DRAIN_DELAY_MS: '0', DRAIN_TIMEOUT_MS: '300' });
  const stuck = await RawConnection.open(t, app.port);
  stuck.send('GET', '/?sleep=10000');
  await delay(100);
  app.signal('SIGTERM');
  assert.equal(await app.waitExit(), 1, 'a cut drain must be visible');
  await app.waitLog('drain: timeout after 300ms, cutting 1 connections');
});
