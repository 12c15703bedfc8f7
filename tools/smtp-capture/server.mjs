#!/usr/bin/env node
// A local SMTP server that accepts every message and writes it to a directory as an .eml file, for the
// dev and test stacks (no npm dependencies, Node 20).
//
//   node tools/smtp-capture/server.mjs --port 8025 --dir var/mail [--host 127.0.0.1]
//        [--max-bytes 10485760] [--quiet]
//
// It speaks enough ESMTP for libcurl and ordinary clients: EHLO/HELO (advertising PIPELINING, 8BITMIME,
// SMTPUTF8, SIZE and AUTH PLAIN LOGIN; no STARTTLS), AUTH PLAIN/LOGIN (any credentials are accepted),
// MAIL FROM (with SIZE=), RCPT TO (several), DATA (dot-unstuffed, until CRLF.CRLF), RSET, NOOP, VRFY,
// HELP and QUIT. Each message is written atomically (a temporary file linked to its final name) as
// DIR/<UTC timestamp>-<seq>.eml, with one "X-Capture-Rcpt: <address>" line per envelope recipient
// prepended to the message. Prints "smtp-capture listening on HOST:PORT" once ready (with --port 0 the
// port the system chose); SIGTERM or SIGINT stop it cleanly after messages being written are on disk.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
const MAX_COMMAND_LINE = 4096; // RFC 5321 asks for 512; AUTH lines may be longer
const MAX_RECIPIENTS = 1000;
const IDLE_TIMEOUT_MS = 5 * 60 * 1000;

function usage(message) {
  if (message) process.stderr.write(`smtp-capture: ${message}\n`);
  process.stderr.write(
    'usage: node tools/smtp-capture/server.mjs --port N --dir DIR [--host 127.0.0.1] [--max-bytes N] [--quiet]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { host: '127.0.0.1', port: null, dir: null, maxBytes: DEFAULT_MAX_BYTES, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg === '--dir') opts.dir = value();
    else if (arg === '--host') opts.host = value();
    else if (arg === '--max-bytes') opts.maxBytes = Number(value());
    else if (arg === '--quiet') opts.quiet = true;
    else if (arg === '--help' || arg === '-h') usage();
    else usage(`unknown argument ${arg}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('--port must be 0..65535');
  if (!opts.dir) usage('--dir is required');
  if (!Number.isInteger(opts.maxBytes) || opts.maxBytes < 1) usage('--max-bytes must be a positive integer');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const dir = path.resolve(opts.dir);
fs.mkdirSync(dir, { recursive: true });
const serverName = os.hostname() || 'smtp-capture';
const log = (line) => {
  if (!opts.quiet) process.stdout.write(`${line}\n`);
};

// --- writing messages -----------------------------------------------------------------------------------
let seq = 0; // numbers the .eml files of this process
let tmpSeq = 0;
const pendingWrites = new Set();

function stamp() {
  return new Date().toISOString().replace(/[-:.]/g, ''); // 20260101T120000123Z
}

// Writes to a hidden temporary file, then links it to a name nobody has (link fails on an existing
// name, unlike rename), so a reader never sees a partial .eml and two servers never overwrite each other.
async function saveMessage(recipients, body) {
  const header = recipients.map((r) => `X-Capture-Rcpt: ${r}\r\n`).join('');
  const tmp = path.join(dir, `.capture-${process.pid}-${++tmpSeq}.tmp`);
  await fs.promises.writeFile(tmp, Buffer.concat([Buffer.from(header, 'utf8'), ...body]));
  try {
    for (;;) {
      const name = `${stamp()}-${String(++seq).padStart(6, '0')}.eml`;
      try {
        await fs.promises.link(tmp, path.join(dir, name));
        return name;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
    }
  } finally {
    await fs.promises.unlink(tmp).catch(() => {});
  }
}

// --- one SMTP session -----------------------------------------------------------------------------------
const sockets = new Set();

// Returns the address inside <...> of "FROM:<a@b> SIZE=10" (after the keyword), and the parameters.
function parsePath(rest, keyword) {
  const m = new RegExp(`^${keyword}:\\s*<([^<>]*)>(.*)$`, 'i').exec(rest);
  if (!m) return null;
  const params = {};
  for (const p of m[2].trim().split(/\s+/).filter(Boolean)) {
    const eq = p.indexOf('=');
    params[(eq < 0 ? p : p.slice(0, eq)).toUpperCase()] = eq < 0 ? true : p.slice(eq + 1);
  }
  return { address: m[1], params };
}

function session(socket) {
  sockets.add(socket);
  let buffer = Buffer.alloc(0);
  let busy = false;
  let closed = false;
  let mode = 'command'; // command | data | auth-plain | auth-login-user | auth-login-pass
  let greeted = false;
  let from = null;
  let recipients = [];
  let data = [];
  let dataBytes = 0;
  let tooBig = false;
  let discardLine = false; // inside DATA, the rest of an over-long line is being dropped

  const reply = (text) => {
    if (!closed && !socket.destroyed && !socket.writableEnded) socket.write(`${text}\r\n`);
  };
  const resetTransaction = () => {
    from = null;
    recipients = [];
    data = [];
    dataBytes = 0;
    tooBig = false;
  };
  const close = () => {
    closed = true;
    socket.end();
  };

  socket.setTimeout(IDLE_TIMEOUT_MS, () => {
    reply('421 4.4.2 idle for too long, closing');
    close();
  });
  socket.on('error', () => {}); // a client that goes away is not our problem
  socket.on('close', () => {
    closed = true;
    sockets.delete(socket);
  });
  socket.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    if (!busy)
      pump().catch((e) => {
        process.stderr.write(`smtp-capture: session failed: ${e.stack ?? e}\n`);
        socket.destroy();
      });
  });

  async function pump() {
    busy = true;
    try {
      while (!closed) {
        const nl = buffer.indexOf(10); // LF; a preceding CR is stripped below
        if (nl < 0) {
          if (mode === 'data') {
            // Keep at most one partial line; beyond the size limit, drop it but keep looking for the end.
            if (buffer.length > opts.maxBytes + 2) {
              tooBig = true;
              discardLine = true;
              buffer = buffer.subarray(buffer.length - 1);
            }
          } else if (buffer.length > MAX_COMMAND_LINE) {
            reply('500 5.5.2 line too long');
            close();
          }
          break;
        }
        const raw = buffer.subarray(0, nl + 1);
        buffer = buffer.subarray(nl + 1);
        if (mode === 'data') await dataLine(raw);
        else await commandLine(raw.toString('utf8').replace(/\r?\n$/, ''));
      }
    } finally {
      busy = false;
    }
  }

  async function dataLine(raw) {
    const line = raw.subarray(0, raw.length - (raw.length >= 2 && raw[raw.length - 2] === 13 ? 2 : 1));
    if (discardLine) {
      discardLine = false;
      return;
    }
    if (line.length === 1 && line[0] === 0x2e) {
      mode = 'command';
      if (tooBig) {
        reply(`552 5.3.4 message exceeds the maximum size of ${opts.maxBytes} bytes`);
      } else {
        const write = saveMessage(recipients, data);
        pendingWrites.add(write);
        try {
          const name = await write;
          log(`smtp-capture: ${name} from <${from}> to ${recipients.map((r) => `<${r}>`).join(', ')}`);
          reply(`250 2.0.0 OK queued as ${name}`);
        } catch (e) {
          process.stderr.write(`smtp-capture: cannot write a message: ${e.message}\n`);
          reply('451 4.3.0 cannot write the message');
        } finally {
          pendingWrites.delete(write);
        }
      }
      resetTransaction();
      return;
    }
    // Dot-unstuffing: a leading '.' was doubled by the client.
    const content = line.length > 0 && line[0] === 0x2e ? line.subarray(1) : line;
    dataBytes += content.length + 2;
    if (dataBytes > opts.maxBytes) {
      tooBig = true;
      data = [];
      return;
    }
    data.push(Buffer.from(content), Buffer.from('\r\n'));
  }

  async function commandLine(line) {
    if (mode === 'auth-plain') {
      mode = 'command';
      reply(line === '*' ? '501 5.0.0 authentication cancelled' : '235 2.7.0 authentication succeeded');
      return;
    }
    if (mode === 'auth-login-user') {
      if (line === '*') {
        mode = 'command';
        reply('501 5.0.0 authentication cancelled');
        return;
      }
      mode = 'auth-login-pass';
      reply('334 UGFzc3dvcmQ6'); // "Password:"
      return;
    }
    if (mode === 'auth-login-pass') {
      mode = 'command';
      reply(line === '*' ? '501 5.0.0 authentication cancelled' : '235 2.7.0 authentication succeeded');
      return;
    }

    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : line.slice(space + 1).trim();
    switch (verb) {
      case 'EHLO':
        greeted = true;
        resetTransaction();
        reply(`250-${serverName} greets ${rest || 'you'}`);
        reply('250-PIPELINING');
        reply('250-8BITMIME');
        reply('250-SMTPUTF8');
        reply(`250-SIZE ${opts.maxBytes}`);
        reply('250-AUTH PLAIN LOGIN');
        reply('250 HELP');
        return;
      case 'HELO':
        greeted = true;
        resetTransaction();
        reply(`250 ${serverName}`);
        return;
      case 'AUTH': {
        const [mechanism, initial] = rest.split(/\s+/);
        const m = (mechanism || '').toUpperCase();
        if (m === 'PLAIN') {
          if (initial) reply('235 2.7.0 authentication succeeded');
          else {
            mode = 'auth-plain';
            reply('334 ');
          }
        } else if (m === 'LOGIN') {
          if (initial) {
            mode = 'auth-login-pass';
            reply('334 UGFzc3dvcmQ6');
          } else {
            mode = 'auth-login-user';
            reply('334 VXNlcm5hbWU6'); // "Username:"
          }
        } else {
          reply('504 5.5.4 unrecognised authentication mechanism');
        }
        return;
      }
      case 'MAIL': {
        if (!greeted) return reply('503 5.5.1 say EHLO first');
        if (from !== null) return reply('503 5.5.1 nested MAIL command');
        const p = parsePath(rest, 'FROM');
        if (!p) return reply('501 5.5.4 syntax: MAIL FROM:<address>');
        if (p.params.SIZE !== undefined && Number(p.params.SIZE) > opts.maxBytes)
          return reply(`552 5.3.4 message exceeds the maximum size of ${opts.maxBytes} bytes`);
        from = p.address;
        return reply('250 2.1.0 OK');
      }
      case 'RCPT': {
        if (from === null) return reply('503 5.5.1 need MAIL before RCPT');
        const p = parsePath(rest, 'TO');
        if (!p || !p.address) return reply('501 5.5.4 syntax: RCPT TO:<address>');
        if (recipients.length >= MAX_RECIPIENTS) return reply('452 4.5.3 too many recipients');
        recipients.push(p.address);
        return reply('250 2.1.5 OK');
      }
      case 'DATA':
        if (from === null) return reply('503 5.5.1 need MAIL command');
        if (recipients.length === 0) return reply('554 5.5.1 no valid recipients');
        if (rest) return reply('501 5.5.4 DATA takes no arguments');
        mode = 'data';
        return reply('354 end data with <CR><LF>.<CR><LF>');
      case 'RSET':
        resetTransaction();
        return reply('250 2.0.0 OK');
      case 'NOOP':
        return reply('250 2.0.0 OK');
      case 'VRFY':
        return reply('252 2.1.5 cannot verify, but will accept the message');
      case 'HELP':
        return reply('214 2.0.0 EHLO HELO AUTH MAIL RCPT DATA RSET NOOP VRFY HELP QUIT');
      case 'QUIT':
        reply('221 2.0.0 bye');
        return close();
      case 'STARTTLS':
        return reply('502 5.5.1 TLS is not available here');
      default:
        return reply('500 5.5.2 command not recognised');
    }
  }

  reply(`220 ${serverName} ESMTP smtp-capture ready`);
}

// --- the server -----------------------------------------------------------------------------------------
const server = net.createServer(session);
server.maxConnections = 1024;
server.on('error', (e) => {
  process.stderr.write(`smtp-capture: ${e.message}\n`);
  process.exit(1);
});
server.listen({ host: opts.host, port: opts.port }, () => {
  const { address, port } = server.address();
  const shown = address.includes(':') ? `[${address}]` : address;
  // Always printed, even with --quiet: the dev stack and the tests wait for this line.
  process.stdout.write(`smtp-capture listening on ${shown}:${port}\n`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  server.close();
  // Messages whose DATA ended are on disk before the process goes; open sessions are told and closed.
  await Promise.allSettled([...pendingWrites]);
  for (const s of sockets) s.end('421 4.3.2 shutting down\r\n');
  log(`smtp-capture: stopped (${signal})`);
  // The process ends by itself once every client has closed; one that does not is cut off after 1 s.
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
