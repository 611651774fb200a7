'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('node:os');
const { startApp, launch, request, RawConnection, openStream } = require('../test-support/app-process');

test('GET and POST / answer hello at the root and under /node-app/', async (t) => {
  const app = await startApp(t);
  for (const path of ['/', '/node-app/', '/node-app']) {
    const res = await request(app.url(path));
    assert.equal(res.status, 200, path);
    assert.equal(res.body, 'Hi! from node-app t1 (test-1)', path);
    assert.equal(res.headers['x-app-version'], 't1');
    assert.equal(res.headers['x-app-instance'], 'test-1');
  }
  const post = await request(app.url('/node-app/'), { method: 'POST', body: 'x'.repeat(1 << 20) });
  assert.equal(post.status, 200, 'POST with a 1 MiB body');
  assert.equal((await request(app.url('/nope'))).status, 404);
  assert.equal((await request(app.url('/'), { method: 'DELETE' })).status, 405);
});

test('a POST body is read, so the connection is reused', async (t) => {
  const app = await startApp(t);
  const conn = await RawConnection.open(t, app.port);
  for (let i = 1; i <= 2; i += 1) {
    conn.send('POST', '/', 'y'.repeat(300 << 10));
    const res = await conn.receive();
    assert.equal(res.status, 200, `request ${i} on one connection`);
    assert.notEqual(res.headers.connection, 'close', `request ${i} on one connection`);
  }
});

test('INSTANCE defaults to the hostname', async (t) => {
  const app = await startApp(t, { INSTANCE: '' });
  assert.equal((await request(app.url('/'))).headers['x-app-instance'], os.hostname());
});

test('?sleep holds the request; bad values get 400', async (t) => {
  const app = await startApp(t, { SLEEP_RANDOM_MIN_MS: '200', SLEEP_RANDOM_MAX_MS: '300' });
  for (const bad of ['abc', '-1', '999999999', '', '1.5', '+5', '60001']) {
    const res = await request(app.url(`/?sleep=${encodeURIComponent(bad)}`));
    assert.equal(res.status, 400, `sleep=${bad}`);
    assert.match(res.body, /SLEEP_MAX_MS/, `sleep=${bad}`);
  }
  for (const [query, min] of [['sleep=300', 300], ['sleep=random', 200]]) {
    const start = Date.now();
    const res = await request(app.url(`/node-app/?${query}`));
    const took = Date.now() - start;
    assert.equal(res.status, 200, query);
    assert.ok(took >= min - 5 && took < 2000, `${query} took ${took}ms, want at least ${min}ms`);
  }
});

test('/healthz is 200 ok while ready', async (t) => {
  const app = await startApp(t);
  for (const path of ['/healthz', '/node-app/healthz']) {
    const res = await request(app.url(path));
    assert.equal(res.status, 200, path);
    assert.equal(res.body, 'ok', path);
  }
});

test('FAIL_HEALTH=true makes /healthz always 503, while / still serves', async (t) => {
  const app = await startApp(t, { FAIL_HEALTH: 'true' });
  const res = await request(app.url('/healthz'));
  assert.equal(res.status, 503);
  assert.equal(res.body, 'unhealthy (FAIL_HEALTH)');
  assert.equal((await request(app.url('/'))).status, 200);
});

test('/stream sends the first event at once and resumes after Last-Event-ID', async (t) => {
  const app = await startApp(t, { STREAM_INTERVAL_MS: '60000' }); // only the immediate event can come
  const stream = await openStream(app.url('/node-app/stream'));
  assert.equal(stream.res.headers['content-type'], 'text/event-stream');
  assert.equal(stream.res.headers['cache-control'], 'no-cache');
  assert.equal(stream.res.headers.connection, 'close', 'a reconnect must not reuse the stream connection');
  const [first] = await stream.waitEvents(1, 2000);
  assert.deepEqual(first, {
    id: '1',
    event: 'tick',
    data: '{"app":"node-app","version":"t1","instance":"test-1","seq":1}',
  });
  stream.res.destroy();

  const resumed = await openStream(app.url('/stream'), { 'Last-Event-ID': '41' });
  const [next] = await resumed.waitEvents(1, 2000);
  assert.equal(next.id, '42');
  assert.equal(JSON.parse(next.data).seq, 42);
  resumed.res.destroy();

  const bad = await request(app.url('/stream'), { headers: { 'Last-Event-ID': 'x' } });
  assert.equal(bad.status, 400);
});

test('/stream ticks in order', async (t) => {
  const app = await startApp(t, { STREAM_INTERVAL_MS: '50' });
  const stream = await openStream(app.url('/stream'), { 'Last-Event-ID': '7' });
  const events = await stream.waitEvents(4, 3000);
  assert.deepEqual(events.map((e) => e.id), ['8', '9', '10', '11']);
  stream.res.destroy();
});

test('a bad configuration exits 2 naming every problem', async (t) => {
  const app = launch(t, { DRAIN_DELAY_MS: 'soon', APP_VERSION: 'no spaces', SLEEP_RANDOM_MIN_MS: '9000' });
  assert.equal(await app.waitExit(), 2);
  const log = app.lines.join('\n');
  assert.match(log, /DRAIN_DELAY_MS="soon"/);
  assert.match(log, /APP_VERSION="no spaces"/);
  assert.match(log, /SLEEP_RANDOM_MIN_MS must not exceed/);
});
