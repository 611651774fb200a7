'use strict';
// Helpers that run the real server: the drain contract lives in signal handling and sockets,
// which only a real process on a real port can prove. (Kept outside test/ so `node --test`
// does not run this file as a test.)

const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const SERVER = path.join(__dirname, '..', 'server.js');

// Fast, deterministic defaults, independent of the caller's environment (no inherited PORT).
const BASE_ENV = {
  LISTEN_ADDR: '127.0.0.1',
  PORT: '0', // the app picks a free port and logs it
  INSTANCE: 'test-1',
  APP_VERSION: 't1',
  DRAIN_DELAY_MS: '500',
  STREAM_INTERVAL_MS: '100',
};

// Every child is killed when the test process exits, even after a failed assertion.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class AppProcess {
  constructor(env) {
    this.lines = [];
    this.waiters = [];
    this.child = spawn(process.execPath, [SERVER], {
      env: { PATH: process.env.PATH, ...BASE_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => { // after stdout is drained
        children.delete(this.child);
        resolve(code === null ? `signal ${signal}` : code);
      });
    });
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop();
      for (const line of parts) this.lines.push(line);
      for (const check of this.waiters) check();
    };
    this.child.stdout.setEncoding('utf8').on('data', onData);
    this.child.stderr.setEncoding('utf8').on('data', onData);
  }

  // Resolves with the first log line containing text.
  waitLog(text, ms = 3000) {
    const found = new Promise((resolve) => {
      const check = () => {
        const line = this.lines.find((l) => l.includes(text));
        if (line === undefined) return;
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(line);
      };
      this.waiters.push(check);
      check();
    });
    return withTimeout(found, ms, `log line "${text}"; log so far:\n${this.lines.join('\n')}`);
  }

  waitExit(ms = 5000) {
    return withTimeout(this.exited, ms, 'the app to exit');
  }

  signal(name) {
    this.child.kill(name);
  }

  kill() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  url(pathAndQuery) {
    return `http://127.0.0.1:${this.port}${pathAndQuery}`;
  }
}

// Starts the app and waits until it listens; the test's cleanup always kills it.
async function startApp(t, env = {}) {
  const app = launch(t, env);
  const line = await app.waitLog('start: ', 5000);
  app.port = Number(/ port=(\d+) /.exec(line)[1]);
  return app;
}

// Starts the app without waiting for it to listen (a bad config never does).
function launch(t, env = {}) {
  const app = new AppProcess(env);
  t.after(() => app.kill());
  return app;
}

// One request on a new connection (no agent), so each call goes through the listener.
function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { data += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Attempts a TCP connection; resolves with the error code (e.g. ECONNREFUSED) or 'connected'.
function tryConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('error', (err) => resolve(err.code));
  });
}

// One TCP connection driven by hand, to observe keep-alive and Connection: close.
class RawConnection {
  static async open(t, port) {
    const conn = new RawConnection(net.connect(port, '127.0.0.1'));
    t.after(() => conn.socket.destroy());
    await new Promise((resolve, reject) => {
      conn.socket.once('connect', resolve);
      conn.socket.once('error', reject);
    });
    return conn;
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.ended = false;
    this.notify = () => {};
    socket.on('data', (chunk) => { this.buffer = Buffer.concat([this.buffer, chunk]); this.notify(); });
    socket.on('end', () => { this.ended = true; this.notify(); });
    socket.on('close', () => { this.ended = true; this.notify(); });
    socket.on('error', () => { this.ended = true; this.notify(); });
  }

  send(method, target, body = '') {
    const length = body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
    this.socket.write(`${method} ${target} HTTP/1.1\r\nHost: test\r\n${length}\r\n${body}`);
  }

  waitFor(condition, ms, what) {
    return withTimeout(new Promise((resolve) => {
      this.notify = () => { if (condition()) resolve(); };
      this.notify();
    }), ms, what);
  }

  // Reads one response with a Content-Length body (all this app sends outside streams).
  async receive(ms = 10000) {
    let head;
    await this.waitFor(() => {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return this.ended;
      head = this.buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
      return this.buffer.length >= end + 4 + length || this.ended;
    }, ms, 'a response');
    if (head === undefined) throw new Error('connection closed before a response');
    const [statusLine, ...headerLines] = head.split('\r\n');
    const headers = {};
    for (const l of headerLines) {
      const i = l.indexOf(':');
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    const start = head.length + 4;
    const body = this.buffer.subarray(start, start + length).toString('utf8');
    this.buffer = this.buffer.subarray(start + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }

  // Resolves true when the server closes the connection within ms.
  closedByServer(ms) {
    return this.waitFor(() => this.ended, ms, 'the server to close').then(() => true, () => false);
  }
}

// An SSE client: parses events as they arrive; `done` resolves when the body ends.
function openStream(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const stream = { res, events: [], waiters: [], clean: false };
      let buffered = '';
      const notify = () => { for (const w of stream.waiters) w(); };
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffered += chunk;
        let end;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const ev = {};
          for (const line of buffered.slice(0, end).split('\n')) {
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) ev[m[1]] = m[2];
          }
          stream.events.push(ev);
          buffered = buffered.slice(end + 2);
        }
        notify();
      });
      stream.done = new Promise((done) => {
        res.on('end', () => { stream.clean = buffered === ''; done(); notify(); });
        res.on('error', () => { done(); notify(); });
      });
      stream.waitEvents = (count, ms = 3000) => withTimeout(new Promise((ok) => {
        const check = () => { if (stream.events.length >= count) ok(stream.events.slice(0, count)); };
        stream.waiters.push(check);
        check();
      }), ms, `${count} events`);
      resolve(stream);
    });
    req.on('error', reject);
  });
}

module.exports = { startApp, launch, request, tryConnect, RawConnection, openStream, delay };
