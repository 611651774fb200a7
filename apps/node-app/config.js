'use strict';
// Every knob is an environment variable (see README.md). Problems are collected, not thrown,
// so a misconfigured container fails once with the complete list.

const net = require('node:net');

const APP_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INSTANCE = /^[\x20-\x7e]{1,253}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

function loadConfig(env, hostname) {
  const problems = [];
  const str = (name, def) => (env[name] ? env[name] : def);
  const int = (name, def, min, max) => {
    const raw = env[name];
    if (!raw) return def;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= min && n <= max)) {
      problems.push(`${name}=${JSON.stringify(raw)}: want an integer in [${min}, ${max}]`);
      return def;
    }
    return n;
  };

  const config = {
    listenAddr: str('LISTEN_ADDR', '0.0.0.0'),
    port: int('PORT', 8080, 0, 65535),
    appName: str('APP_NAME', 'node-app'),
    version: str('APP_VERSION', 'dev'),
    instance: str('INSTANCE', hostname),
    failHealth: false,
    sleepMaxMs: int('SLEEP_MAX_MS', 60000, 0, DAY_MS),
    sleepRandomMinMs: int('SLEEP_RANDOM_MIN_MS', 1000, 0, DAY_MS),
    sleepRandomMaxMs: int('SLEEP_RANDOM_MAX_MS', 5000, 0, DAY_MS),
    streamIntervalMs: int('STREAM_INTERVAL_MS', 1000, 10, DAY_MS),
    drainDelayMs: int('DRAIN_DELAY_MS', 5000, 0, DAY_MS),
    drainTimeoutMs: int('DRAIN_TIMEOUT_MS', 30000, 0, DAY_MS),
    keepAliveTimeoutMs: int('KEEPALIVE_TIMEOUT_MS', 65000, 1000, DAY_MS),
    wsCloseTimeoutMs: int('WS_CLOSE_TIMEOUT_MS', 5000, 1, DAY_MS),
  };

  const failHealth = (env.FAIL_HEALTH || '').toLowerCase();
  if (failHealth === 'true' || failHealth === '1') config.failHealth = true;
  else if (!['', 'false', '0'].includes(failHealth)) {
    problems.push(`FAIL_HEALTH=${JSON.stringify(env.FAIL_HEALTH)}: want true or false`);
  }
  if (net.isIP(config.listenAddr) === 0) {
    problems.push(`LISTEN_ADDR=${JSON.stringify(config.listenAddr)}: want an IP address such as 0.0.0.0 or 127.0.0.1`);
  }
  if (!APP_NAME.test(config.appName)) {
    problems.push(`APP_NAME=${JSON.stringify(config.appName)}: want ${APP_NAME} (it becomes a URL prefix)`);
  }
  if (!VERSION.test(config.version)) {
    problems.push(`APP_VERSION=${JSON.stringify(config.version)}: want ${VERSION}`);
  }
  if (!INSTANCE.test(config.instance)) {
    problems.push(`INSTANCE=${JSON.stringify(config.instance)}: want 1-253 printable ASCII characters (it is sent as a header)`);
  }
  if (config.sleepRandomMinMs > config.sleepRandomMaxMs) {
    problems.push('SLEEP_RANDOM_MIN_MS must not exceed SLEEP_RANDOM_MAX_MS');
  }
  if (config.sleepRandomMaxMs > config.sleepMaxMs) {
    problems.push('SLEEP_RANDOM_MAX_MS must not exceed SLEEP_MAX_MS');
  }
  return { config, problems };
}

module.exports = { loadConfig };
